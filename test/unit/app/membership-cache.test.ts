import { describe, expect, it } from 'vitest';
import { membershipCache } from '../../../src/app/membership-cache.js';
import { PermissionDeniedError, UnavailableError } from '../../../src/core/errors.js';

function directory(failures: Error[]) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    listTransitiveMemberships(): Promise<{ groupIds: string[]; roleTemplateIds: string[] }> {
      calls += 1;
      const failure = failures.shift();
      if (failure) return Promise.reject(failure);
      return Promise.resolve({ groupIds: ['g1'], roleTemplateIds: ['r1'] });
    },
  };
}

describe('membership lookup for the policy', () => {
  it('reads again after a transient failure, so one dropped connection does not fail a click', async () => {
    const groups = directory([new UnavailableError('reset', { retryAfterMs: 1 })]);
    const lookup = membershipCache(groups, 60_000);
    expect([...(await lookup('u', { isFresh: true }))]).toEqual(['g1', 'r1']);
    expect(groups.calls).toBe(2);
  });

  it('gives up after three attempts, and never retries a refusal', async () => {
    const down = directory([1, 2, 3].map(() => new UnavailableError('down', { retryAfterMs: 1 })));
    await expect(membershipCache(down, 60_000)('u', { isFresh: true })).rejects.toThrow('down');
    expect(down.calls).toBe(3);
    const denied = directory([new PermissionDeniedError('no')]);
    await expect(membershipCache(denied, 60_000)('u')).rejects.toThrow('no');
    expect(denied.calls).toBe(1);
  });

  it('serves the cache within its lifetime, and a fresh read asks the directory again', async () => {
    const groups = directory([]);
    const lookup = membershipCache(groups, 60_000, () => 0);
    await lookup('u');
    await lookup('u');
    expect(groups.calls).toBe(1);
    await lookup('u', { isFresh: true });
    expect(groups.calls).toBe(2);
  });
});
