/** Request ids: `REQ-YYYYMMDD-XXXXXX`, readable on the phone and unambiguous (no 0/O, 1/I). */
const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function newRequestId(nowMs: number, random: () => number = Math.random): string {
  const day = new Date(nowMs).toISOString().slice(0, 10).replaceAll('-', '');
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += alphabet[Math.floor(random() * alphabet.length)] ?? 'X';
  return `REQ-${day}-${suffix}`;
}

export const requestIdPattern = /^REQ-\d{8}-[A-Z2-9]{6}$/;
