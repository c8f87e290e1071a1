/** Throttling: a burst above the (scaled) documented budget gets 429 + Retry-After; a client honouring it completes. */
import { afterEach, describe, expect, it } from 'vitest';
import { seeded, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { call, tokenFor } from '../unit/sandbox/support/sandbox-http.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
});

describe('Graph throttling', () => {
  it('refuses a burst above the scaled documented limit with the documented 429', async () => {
    // 8,000 RU per 10 s scaled by 0.001 → 8 RU per 10 s; a GET of one user costs 1 RU.
    sb = await startSandbox({ port: 0, behaviours: { throttling: { enabled: true, scale: 0.001 } } });
    const token = await tokenFor(sb);
    const results = await Promise.all(
      Array.from({ length: 12 }, () => call(sb!, token, 'GET', `/users/${seeded.users.adeleVance}`)),
    );
    const throttled = results.filter((r) => r.status === 429);
    expect(results.filter((r) => r.status === 200)).toHaveLength(8);
    expect(throttled).toHaveLength(4);
    for (const r of throttled) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(r.body).toMatchObject({
        error: {
          code: 'TooManyRequests',
          message: 'Please retry again later.',
          innerError: { code: '429', status: '429' },
        },
      });
    }
    expect(sb.requestLog.find({ service: 'graph' }).filter((e) => e.outcome === 'throttled')).toHaveLength(4);
  });

  it('lets a client that waits Retry-After seconds finish every request', async () => {
    sb = await startSandbox({
      port: 0,
      behaviours: {
        throttling: {
          enabled: true,
          rules: {
            graph: [{ name: 'ResourceUnitLimitExceeded', limit: 4, windowMs: 1000, appliesTo: 'all' }],
          },
        },
      },
    });
    const token = await tokenFor(sb);
    let retries = 0;
    const ids = Object.values(seeded.users).slice(0, 10);
    const statuses: number[] = [];
    for (const id of ids) {
      for (;;) {
        const r = await call(sb, token, 'GET', `/users/${id}?$select=id`);
        if (r.status !== 429) {
          statuses.push(r.status);
          break;
        }
        retries += 1;
        await new Promise((resolve) => setTimeout(resolve, Number(r.headers.get('retry-after')) * 1000));
      }
    }
    expect(statuses).toEqual(ids.map(() => 200));
    expect(retries).toBeGreaterThan(0);
  });

  it('counts each $batch item: throttled items carry their own 429 and Retry-After while the batch is 200', async () => {
    sb = await startSandbox({
      port: 0,
      behaviours: {
        throttling: {
          enabled: true,
          rules: {
            graph: [{ name: 'ResourceUnitLimitExceeded', limit: 5, windowMs: 60_000, appliesTo: 'all' }],
          },
        },
      },
    });
    const token = await tokenFor(sb);
    const requests = Array.from({ length: 6 }, (_, i) => ({
      id: String(i + 1),
      method: 'GET',
      url: `/users/${seeded.users.adeleVance}?$select=id`,
    }));
    const res = await call(sb, token, 'POST', '/$batch', { body: { requests } });
    expect(res.status).toBe(200);
    const items = (res.body as { responses: { status: number; headers: Record<string, string> }[] })
      .responses;
    const limited = items.filter((i) => i.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    for (const i of limited) expect(Number(i.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
  });
});
