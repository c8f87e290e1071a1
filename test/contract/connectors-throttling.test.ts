/**
 * Sandbox throttling on (small token buckets, Retry-After of about a second): every connector
 * operation completes, and every retry waits at least the Retry-After the service asked for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphApi } from '../../src/connectors/graph/graph-api.js';
import { GraphBatch } from '../../src/connectors/graph/graph-batch.js';
import { seeded } from '../../src/sandbox/index.js';
import { findLeaks, startConnectorHarness, type ConnectorHarness } from './connectors-harness.js';

const U = seeded.users;
let h: ConnectorHarness;

beforeAll(async () => {
  h = await startConnectorHarness({
    behaviours: {
      throttling: {
        enabled: true,
        rules: {
          graph: [{ name: 'ResourceUnitLimitExceeded', limit: 4, windowMs: 1000, appliesTo: 'all' }],
          exchange: [{ name: 'CmdletLimitExceeded', limit: 3, windowMs: 1000, appliesTo: 'all' }],
          sharepoint: [{ name: 'RequestLimitExceeded', limit: 2, windowMs: 1000, appliesTo: 'all' }],
        },
      },
    },
  });
});
afterAll(async () => h.close());

interface LoggedAttempt {
  time: number;
  durationMs: number;
  status?: number;
  retryAfter?: string;
  clientRequestId: string;
}

function attempts(message: string): LoggedAttempt[] {
  return h.logLines
    .map((line) => JSON.parse(line) as LoggedAttempt & { msg: string })
    .filter((entry) => entry.msg === message);
}

const throttledCount = (service: string) =>
  h.sandbox.requestLog.find({ service }).filter((e) => e.outcome === 'throttled').length;

describe('under throttling', () => {
  it('completes concurrent Graph reads, each retry after the Retry-After', async () => {
    const ids = [
      U.adeleVance,
      U.meganBowen,
      U.gradyArchie,
      U.leeGu,
      U.nestorWilke,
      U.lynneRobbins,
      U.pradeepGupta,
      U.saraDavis,
      U.isaiahLanger,
      U.miriamGraham,
    ];
    const users = await Promise.all(ids.map((id) => h.users.getUser(id)));
    expect(users.map((u) => u?.id)).toEqual(ids);
    expect(throttledCount('graph'), 'graph 429s').toBeGreaterThan(0);
    const byRequest = new Map<string, LoggedAttempt[]>();
    for (const attempt of attempts('graph request'))
      byRequest.set(attempt.clientRequestId, [...(byRequest.get(attempt.clientRequestId) ?? []), attempt]);
    let checked = 0;
    for (const list of byRequest.values()) {
      for (let i = 1; i < list.length; i += 1) {
        const previous = list[i - 1]!;
        if (previous.status !== 429) continue;
        const waitedMs = list[i]!.time - list[i]!.durationMs - previous.time;
        expect(waitedMs).toBeGreaterThanOrEqual(Number(previous.retryAfter) * 1000 - 50);
        checked += 1;
      }
    }
    expect(checked, 'retries checked').toBeGreaterThan(0);
  });

  it('re-submits throttled $batch items and completes them', async () => {
    const before = throttledCount('graph');
    const batch = GraphBatch.forApi(new GraphApi(h.graph));
    const ids = [
      U.adeleVance,
      U.meganBowen,
      U.gradyArchie,
      U.leeGu,
      U.nestorWilke,
      U.lynneRobbins,
      U.pradeepGupta,
      U.saraDavis,
      U.johannaLorenz,
      U.isabelleDubois,
      U.joniSherman,
      U.irvinSayers,
    ];
    const results = await batch.run(
      ids.map((id) => ({ id, method: 'GET' as const, url: `/users/${id}?$select=id` })),
    );
    expect([...results.values()].every((r) => r.status === 200)).toBe(true);
    expect(throttledCount('graph')).toBeGreaterThan(before);
  });

  it('completes Exchange cmdlets and SharePoint calls, waiting Retry-After between attempts', async () => {
    const mailboxes = [
      'adele.vance@contoso.com',
      'megan.bowen@contoso.com',
      'support@contoso.com',
      'billing@contoso.com',
      'finance@contoso.com',
      'sara.davis@contoso.com',
    ];
    const results = await Promise.all(mailboxes.map((m) => h.mailbox.getMailbox(m)));
    expect(results.map((m) => m?.primarySmtpAddress)).toEqual(mailboxes);
    const site = 'https://contoso-my.sharepoint.com/personal/adele_vance_contoso_com';
    await Promise.all([
      h.files.addSiteAdmin(site, 'megan.bowen@contoso.com'),
      h.files.listSiteAdmins(site),
      h.files.listSiteAdmins(site),
      h.files.listSiteAdmins(site),
    ]);
    expect((await h.files.listSiteAdmins(site)).sort()).toEqual([
      'adele.vance@contoso.com',
      'megan.bowen@contoso.com',
    ]);
    expect(throttledCount('exchange')).toBeGreaterThan(0);
    expect(throttledCount('sharepoint')).toBeGreaterThan(0);
    const retries = h.logLines
      .map((line) => JSON.parse(line) as { msg: string; delayMs?: number; status?: number })
      .filter((e) => e.msg === 'exchange retry' || e.msg === 'sharepoint retry');
    expect(retries.length).toBeGreaterThan(0);
    // The sandbox sends whole seconds (≥ 1): every wait honoured it.
    expect(retries.every((r) => r.status === 429 && (r.delayMs ?? 0) >= 1000)).toBe(true);
  });

  it('logs no token, assertion or secret while retrying', () => {
    expect(findLeaks(h.logLines, h.secrets())).toEqual([]);
  });
});
