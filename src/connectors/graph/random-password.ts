import { randomInt } from 'node:crypto';

const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
const SYMBOLS = '!#$%&*+-=?@^_~';
const ALL = UPPER + LOWER + DIGITS + SYMBOLS;

/**
 * A random password meeting Entra ID complexity (all four character classes), from the CSPRNG.
 * It is sent once and never returned, stored or logged: after a reset nobody knows it.
 */
export function randomPassword(length = 32): string {
  const chars = [pick(UPPER), pick(LOWER), pick(DIGITS), pick(SYMBOLS)];
  while (chars.length < length) chars.push(pick(ALL));
  for (let i = chars.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    const swap = chars[i] as string;
    chars[i] = chars[j] as string;
    chars[j] = swap;
  }
  return chars.join('');
}

function pick(alphabet: string): string {
  return alphabet.charAt(randomInt(alphabet.length));
}
