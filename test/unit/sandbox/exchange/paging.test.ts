import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../../../src/sandbox/exchange/envelope.js';
import { ExoCmdletError } from '../../../../src/sandbox/exchange/errors.js';
import {
  decodeSkipToken,
  encodeSkipToken,
  NEXT_LINK_LIFETIME_MS,
  pageSizeFromPrefer,
  requestFingerprint,
  takePage,
} from '../../../../src/sandbox/exchange/paging.js';

const request = (params: Record<string, unknown>) =>
  parseEnvelope({ CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: params } });

describe('paging', () => {
  it('reads odata.maxpagesize from Prefer, capped at 1000', () => {
    expect(pageSizeFromPrefer(undefined)).toBe(1000);
    expect(pageSizeFromPrefer('odata.maxpagesize=2')).toBe(2);
    expect(pageSizeFromPrefer('odata.include-annotations="*", odata.maxpagesize=50')).toBe(50);
    expect(pageSizeFromPrefer('odata.maxpagesize=5000')).toBe(1000);
  });

  it('fingerprints the same body the same way whatever the key order or name case', () => {
    expect(requestFingerprint(request({ ResultSize: 'Unlimited', Identity: 'a' }))).toBe(
      requestFingerprint(request({ identity: 'a', resultsize: 'Unlimited' })),
    );
    expect(requestFingerprint(request({ Identity: 'a' }))).not.toBe(
      requestFingerprint(request({ Identity: 'b' })),
    );
  });

  it('round-trips a skip token and refuses one from another body or past its lifetime', () => {
    const token = encodeSkipToken({ offset: 3, fingerprint: 'f1', issuedAt: 1000 });
    expect(decodeSkipToken(token, 'f1', 2000)).toBe(3);
    expect(() => decodeSkipToken(token, 'f2', 2000)).toThrow(ExoCmdletError);
    expect(() => decodeSkipToken(token, 'f1', 1000 + NEXT_LINK_LIFETIME_MS + 1)).toThrow('expired');
    expect(() => decodeSkipToken('not-a-token', 'f1', 2000)).toThrow('malformed');
  });

  it('cuts pages within the ResultSize limit', () => {
    const all = [1, 2, 3, 4, 5];
    expect(takePage(all, 0, 2, 'Unlimited')).toEqual({ items: [1, 2], nextOffset: 2, isTruncated: false });
    expect(takePage(all, 4, 2, 'Unlimited')).toEqual({ items: [5], nextOffset: null, isTruncated: false });
    expect(takePage(all, 2, 2, 3)).toEqual({ items: [3], nextOffset: null, isTruncated: true });
  });
});
