/**
 * userAccountControl flag arithmetic (ADS_USER_FLAG_ENUM). Disabling ORs in ACCOUNTDISABLE and
 * enabling ANDs it out; every other bit (DONT_EXPIRE_PASSWORD, SMARTCARD_REQUIRED, NOT_DELEGATED…)
 * is kept, because writing a fixed 514/512 would silently change the account's security posture.
 */
export const UAC = {
  SCRIPT: 0x0001,
  ACCOUNTDISABLE: 0x0002,
  HOMEDIR_REQUIRED: 0x0008,
  LOCKOUT: 0x0010,
  PASSWD_NOTREQD: 0x0020,
  NORMAL_ACCOUNT: 0x0200,
  DONT_EXPIRE_PASSWORD: 0x10000,
  SMARTCARD_REQUIRED: 0x40000,
  TRUSTED_FOR_DELEGATION: 0x80000,
  NOT_DELEGATED: 0x100000,
  PASSWORD_EXPIRED: 0x800000,
} as const;

/** userAccountControl is a 32-bit signed integer in the schema; values are written back unsigned-safe. */
const MAX_UAC = 0xffffffff;

export function parseUserAccountControl(raw: string): number {
  if (!/^-?\d{1,10}$/.test(raw)) throw new RangeError(`userAccountControl is not an integer: ${raw}`);
  const value = Number(raw);
  if (value < -0x80000000 || value > MAX_UAC) throw new RangeError(`userAccountControl out of range: ${raw}`);
  return value >>> 0;
}

export function isDisabled(uac: number): boolean {
  return (uac & UAC.ACCOUNTDISABLE) !== 0;
}

export function withDisabled(uac: number): number {
  return (uac | UAC.ACCOUNTDISABLE) >>> 0;
}

export function withEnabled(uac: number): number {
  return (uac & ~UAC.ACCOUNTDISABLE) >>> 0;
}
