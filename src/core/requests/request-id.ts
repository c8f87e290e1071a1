/** Request ids: `REQ-YYYYMMDD-XXXXXX`, readable on the phone and unambiguous (no 0/O, 1/I). */
import { randomBytes } from 'node:crypto';

const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** `size` random bytes; the default is the operating system's CSPRNG. */
export type RandomBytes = (size: number) => Uint8Array;

/**
 * A new request id. The suffix comes from a CSPRNG: ids appear in cards and chats, and one that could
 * be predicted from another would name requests its reader never saw. The alphabet has 32 letters,
 * so each byte's low five bits pick one without bias.
 */
export function newRequestId(nowMs: number, random: RandomBytes = randomBytes): string {
  const day = new Date(nowMs).toISOString().slice(0, 10).replaceAll('-', '');
  const bytes = random(6);
  let suffix = '';
  for (const byte of bytes) suffix += alphabet[byte & 31] ?? 'X';
  return `REQ-${day}-${suffix}`;
}

export const requestIdPattern = /^REQ-\d{8}-[A-Z2-9]{6}$/;
