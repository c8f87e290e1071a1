/**
 * Random passwords and their `unicodePwd` encoding (MS-ADTS 3.1.1.3.1.5.1): the password in double
 * quotes, as UTF-16LE bytes, sent as an octet string. The value is written only over LDAPS (AD refuses
 * it on an unencrypted link), never returned and never logged; callers zero the buffer after use.
 */
import { randomInt } from 'node:crypto';

const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
const SYMBOLS = '!#$%&()*+-.:;<=>?@[]^_{|}~';
const ALL = UPPER + LOWER + DIGITS + SYMBOLS;

/** Default length: far beyond any AD minimum (max 255 for fine-grained policies is not approached). */
export const RANDOM_PASSWORD_LENGTH = 32;
/** The shortest password a custom generator may produce. */
export const MIN_PASSWORD_LENGTH = 16;

/** A CSPRNG password with every character class AD's complexity rule asks for. */
export function generateRandomPassword(length = RANDOM_PASSWORD_LENGTH): string {
  if (length < MIN_PASSWORD_LENGTH)
    throw new RangeError(`password length must be at least ${MIN_PASSWORD_LENGTH}`);
  const chars = [pick(UPPER), pick(LOWER), pick(DIGITS), pick(SYMBOLS)];
  while (chars.length < length) chars.push(pick(ALL));
  // Fisher–Yates, so the guaranteed classes don't sit at fixed positions.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    const a = chars[i] as string;
    chars[i] = chars[j] as string;
    chars[j] = a;
  }
  return chars.join('');
}

/** Whether a password has upper, lower, digit and symbol characters and the minimum length. */
export function isStrongPassword(password: string): boolean {
  return (
    password.length >= MIN_PASSWORD_LENGTH &&
    /[A-Z]/.test(password) &&
    /[a-z]/.test(password) &&
    /\d/.test(password) &&
    /[^A-Za-z0-9]/.test(password)
  );
}

export function encodeUnicodePwd(password: string): Buffer {
  return Buffer.from(`"${password}"`, 'utf16le');
}

function pick(alphabet: string): string {
  return alphabet.charAt(randomInt(alphabet.length));
}
