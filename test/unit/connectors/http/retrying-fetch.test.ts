import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../../../../src/core/errors.js';
import { logSafeUrl } from '../../../../src/connectors/http/log-safe-url.js';
import { parseRetryAfterMs } from '../../../../src/connectors/http/retry-after.js';
import { fetchWithRetry } from '../../../../src/connectors/http/retrying-fetch.js';
import { ServiceUrlMapper } from '../../../../src/connectors/http/service-url.js';

describe('Retry-After', () => {
  it('reads seconds, fractional seconds and HTTP dates', () => {
    expect(parseRetryAfterMs('3')).toBe(3000);
    expect(parseRetryAfterMs('0.25')).toBe(250);
    expect(
      parseRetryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
    ).toBe(10_000);
    expect(parseRetryAfterMs('soon')).toBeUndefined();
    expect(parseRetryAfterMs(null)).toBeUndefined();
  });
});

describe('fetchWithRetry', () => {
  const policy = (waits: number[]) => ({
    maxRetries: 3,
    baseDelayMs: 100,
    maxDelayMs: 5_000,
    sleep: async (ms: number) => void waits.push(ms),
  });

  it('honours Retry-After between attempts and returns the first non-retryable answer', async () => {
    const waits: number[] = [];
    const statuses = [429, 503, 200];
    const response = await fetchWithRetry(
      async () => new Response('{}', { status: statuses.shift() ?? 500, headers: { 'Retry-After': '2' } }),
      policy(waits),
    );
    expect(response.status).toBe(200);
    expect(waits).toEqual([2000, 2000]);
  });

  it('returns the last throttled answer when retries run out', async () => {
    const waits: number[] = [];
    const response = await fetchWithRetry(async () => new Response('', { status: 429 }), policy(waits));
    expect(response.status).toBe(429);
    expect(waits).toHaveLength(3);
  });

  it('retries network failures and then reports UnavailableError', async () => {
    const waits: number[] = [];
    await expect(
      fetchWithRetry(async () => {
        throw new TypeError('fetch failed');
      }, policy(waits)),
    ).rejects.toBeInstanceOf(UnavailableError);
    expect(waits).toHaveLength(3);
  });

  it('does not retry programming errors', async () => {
    await expect(
      fetchWithRetry(async () => {
        throw new TypeError('Invalid URL');
      }, policy([])),
    ).rejects.toThrow('Invalid URL');
  });
});

describe('service URLs and log-safe URLs', () => {
  it('maps real URLs under the sandbox base and back', () => {
    const sandbox = new ServiceUrlMapper('http://127.0.0.1:4010/');
    expect(sandbox.toRequestUrl('https://contoso-my.sharepoint.com/personal/a/_api/web')).toBe(
      'http://127.0.0.1:4010/contoso-my.sharepoint.com/personal/a/_api/web',
    );
    expect(sandbox.toRealUrl('http://127.0.0.1:4010/contoso-my.sharepoint.com/personal/a')).toBe(
      'https://contoso-my.sharepoint.com/personal/a',
    );
    expect(sandbox.toRealUrl('http://evil.example/x')).toBeNull();
    expect(() => new ServiceUrlMapper().toRequestUrl('http://contoso-my.sharepoint.com/x')).toThrow(/https/);
  });

  it('drops query strings and addresses from logged URLs', () => {
    expect(
      logSafeUrl("https://graph.microsoft.com/v1.0/users/ada@contoso.com/manager?$filter=mail eq 'x'"),
    ).toBe('https://graph.microsoft.com/v1.0/users/{upn}/manager');
  });
});
