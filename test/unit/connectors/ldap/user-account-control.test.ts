import { describe, expect, it } from 'vitest';
import {
  UAC,
  isDisabled,
  parseUserAccountControl,
  withDisabled,
  withEnabled,
} from '../../../../src/connectors/ldap/user-account-control.js';

describe('userAccountControl arithmetic', () => {
  it('sets only ACCOUNTDISABLE and keeps DONT_EXPIRE_PASSWORD (66048 → 66050, never 514)', () => {
    expect(withDisabled(66048)).toBe(66050);
    expect(withDisabled(UAC.NORMAL_ACCOUNT)).toBe(514);
  });

  it('keeps smart-card, not-delegated and password-not-required bits through disable and enable', () => {
    const sensitive = UAC.NORMAL_ACCOUNT | UAC.SMARTCARD_REQUIRED | UAC.NOT_DELEGATED | UAC.PASSWD_NOTREQD;
    expect(withEnabled(withDisabled(sensitive))).toBe(sensitive);
    expect(withDisabled(sensitive) & ~UAC.ACCOUNTDISABLE).toBe(sensitive);
  });

  it('is idempotent in both directions', () => {
    expect(withDisabled(withDisabled(66048))).toBe(66050);
    expect(withEnabled(withEnabled(66050))).toBe(66048);
  });

  it('reads the disabled bit', () => {
    expect(isDisabled(514)).toBe(true);
    expect(isDisabled(512)).toBe(false);
  });

  it('treats values with the top bit set as unsigned 32-bit flags', () => {
    expect(parseUserAccountControl('-2147483136')).toBe(0x80000200);
    expect(withDisabled(0x80000200)).toBe(0x80000202);
  });

  it('rejects non-integers and out-of-range values', () => {
    expect(() => parseUserAccountControl('512; 514')).toThrow(RangeError);
    expect(() => parseUserAccountControl('')).toThrow(RangeError);
    expect(() => parseUserAccountControl('99999999999')).toThrow(RangeError);
  });
});
