import { describe, expect, it } from 'vitest';
import {
  MIN_PASSWORD_LENGTH,
  RANDOM_PASSWORD_LENGTH,
  encodeUnicodePwd,
  generateRandomPassword,
  isStrongPassword,
} from '../../../../src/connectors/ldap/unicode-pwd.js';

describe('unicodePwd encoding', () => {
  it('wraps the password in double quotes and encodes it as UTF-16LE bytes', () => {
    expect([...encodeUnicodePwd('Ab1!')]).toEqual([0x22, 0, 0x41, 0, 0x62, 0, 0x31, 0, 0x21, 0, 0x22, 0]);
  });

  it('keeps non-ASCII characters intact (no string round trip)', () => {
    const bytes = encodeUnicodePwd('é€');
    expect(bytes.toString('utf16le')).toBe('"é€"');
    expect([...bytes.subarray(2, 6)]).toEqual([0xe9, 0x00, 0xac, 0x20]);
  });
});

describe('random passwords', () => {
  it('are long, use all four character classes and differ every time', () => {
    const passwords = Array.from({ length: 200 }, () => generateRandomPassword());
    for (const password of passwords) {
      expect(password).toHaveLength(RANDOM_PASSWORD_LENGTH);
      expect(isStrongPassword(password)).toBe(true);
      expect(password).not.toContain('"');
    }
    expect(new Set(passwords).size).toBe(passwords.length);
  });

  it('refuses lengths below the minimum', () => {
    expect(() => generateRandomPassword(MIN_PASSWORD_LENGTH - 1)).toThrow(RangeError);
    expect(generateRandomPassword(MIN_PASSWORD_LENGTH)).toHaveLength(MIN_PASSWORD_LENGTH);
  });

  it('calls weak passwords weak', () => {
    expect(isStrongPassword('short1!A')).toBe(false);
    expect(isStrongPassword('alllowercaseletters1!')).toBe(false);
    expect(isStrongPassword('NoDigitsOrSymbolsHere')).toBe(false);
  });
});
