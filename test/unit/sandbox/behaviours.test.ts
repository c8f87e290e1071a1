import { afterEach, describe, expect, it } from 'vitest';
import { seeded, startSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { call, tokenFor } from './support/sandbox-http.js';

const U = seeded.users;
const G = seeded.groups;
let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

describe('eventual consistency', () => {
  it('shows a membership removal to reads only after the configured delay (fake clock)', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    sb = await startSandbox({
      port: 0,
      now: () => now,
      behaviours: { consistency: { delayMs: 0, areas: { membership: 30_000 } } },
    });
    const token = await tokenFor(sb);
    const removed = await call(
      sb,
      token,
      'DELETE',
      `/groups/${G.retailSecurity}/members/${U.adeleVance}/$ref`,
    );
    expect(removed.status).toBe(204);
    const memberOf = async (): Promise<string[]> =>
      (
        (await call(sb!, token, 'GET', `/users/${U.adeleVance}/memberOf`)).body as { value: { id: string }[] }
      ).value.map((g) => g.id);
    expect(await memberOf()).toContain(G.retailSecurity);
    // A second removal is already known to the write side.
    expect(
      (await call(sb, token, 'DELETE', `/groups/${G.retailSecurity}/members/${U.adeleVance}/$ref`)).status,
    ).toBe(400);
    now += 30_001;
    expect(await memberOf()).not.toContain(G.retailSecurity);
  });

  it('makes a new mailbox grant visible only after the delay', () => {
    let now = 1_000_000;
    return startSandbox({ port: 0, now: () => now, behaviours: { consistency: { delayMs: 5000 } } }).then(
      (s) => {
        sb = s;
        expect(s.state.exchange.grantRight('FullAccess', U.nestorWilke, U.meganBowen)).toBe('added');
        expect(s.state.exchange.rightsOn(U.nestorWilke, 'FullAccess')).toHaveLength(0);
        expect(s.state.exchange.grantRight('FullAccess', U.nestorWilke, U.meganBowen)).toBe('exists');
        now += 5000;
        expect(s.state.exchange.rightsOn(U.nestorWilke, 'FullAccess').map((r) => r.trusteeId)).toEqual([
          U.meganBowen,
        ]);
        expect(s.state.exchange.rightsHeldBy(U.meganBowen, 'FullAccess').map((r) => r.mailboxId)).toContain(
          U.nestorWilke,
        );
      },
    );
  });
});

describe('fault switch', () => {
  it('fails the next N requests of a service with the given status, then recovers', async () => {
    sb = await startSandbox({ port: 0 });
    const token = await tokenFor(sb);
    sb.failNext('graph', 503, 2);
    const statuses = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push((await call(sb, token, 'GET', `/users/${U.adeleVance}`)).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('resets the connection, or hangs and then drops it, on request', async () => {
    sb = await startSandbox({ port: 0, behaviours: { faults: { graph: { timeoutMs: 100 } } } });
    const token = await tokenFor(sb);
    sb.failNext('graph', 'reset');
    await expect(call(sb, token, 'GET', `/users/${U.adeleVance}`)).rejects.toThrow();
    sb.failNext('graph', 'timeout');
    const started = Date.now();
    await expect(call(sb, token, 'GET', `/users/${U.adeleVance}`)).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(sb.requestLog.all().map((e) => e.outcome)).toEqual(expect.arrayContaining(['reset', 'timeout']));
  });

  it('is reachable over the control API and validates its input', async () => {
    sb = await startSandbox({ port: 0 });
    const token = await tokenFor(sb);
    const bad = await fetch(`${sb.urls.control}/faults/fail-next`, {
      method: 'POST',
      body: JSON.stringify({ service: 'graph', status: 200 }),
    });
    expect(bad.status).toBe(400);
    const ok = await fetch(`${sb.urls.control}/faults/fail-next`, {
      method: 'POST',
      body: JSON.stringify({ service: 'graph', status: 500, count: 1 }),
    });
    expect(ok.status).toBe(200);
    expect((await call(sb, token, 'GET', `/users/${U.adeleVance}`)).status).toBe(500);
  });

  it('injects random 5xx reproducibly for a seed', async () => {
    const run = async (): Promise<number[]> => {
      const s = await startSandbox({
        port: 0,
        seed: 42,
        behaviours: { faults: { graph: { errorRate: 0.5, errorStatuses: [500, 503] } } },
      });
      const t = await tokenFor(s);
      const out: number[] = [];
      for (let i = 0; i < 12; i += 1) out.push((await call(s, t, 'GET', `/users/${U.adeleVance}`)).status);
      await s.close();
      return out;
    };
    const a = await run();
    expect(await run()).toEqual(a);
    expect(a.some((s) => s >= 500)).toBe(true);
    expect(a.some((s) => s === 200)).toBe(true);
  });
});
