import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seeded, startSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { generateOrg } from '../../../src/sandbox/seed/generator.js';
import { call, tokenFor } from './support/sandbox-http.js';

const U = seeded.users;
let sb: Sandbox;
let token: string;
beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
  token = await tokenFor(sb);
});
afterAll(async () => {
  await sb.close();
});

describe('snapshot, restore and reset', () => {
  it('restores a snapshot taken before changes, and can restore it twice', async () => {
    const snap = sb.snapshot();
    await call(sb, token, 'PATCH', `/users/${U.adeleVance}`, { body: { accountEnabled: false } });
    sb.state.exchange.revokeRight('FullAccess', U.support, U.adeleVance);
    expect(sb.state.directory.getUser(U.adeleVance)?.accountEnabled).toBe(false);
    sb.restore(snap);
    expect(sb.state.directory.getUser(U.adeleVance)?.accountEnabled).toBe(true);
    expect(sb.state.exchange.rightsHeldBy(U.adeleVance, 'FullAccess')).toHaveLength(4);
    await call(sb, token, 'DELETE', `/users/${U.adeleVance}`);
    expect(sb.state.directory.getUser('adele.vance@contoso.com')).toBeUndefined();
    sb.restore(snap);
    expect(sb.state.directory.getUser('adele.vance@contoso.com')?.id).toBe(U.adeleVance);
  });

  it('resets state, request log and behaviours over the control API', async () => {
    await call(sb, token, 'POST', `/users/${U.lifecycleBot}/sendMail`, {
      body: { message: { subject: 'x', toRecipients: [{ emailAddress: { address: 'a@contoso.com' } }] } },
    });
    const mail = (await (await fetch(`${sb.urls.control}/mail`)).json()) as { value: unknown[] };
    expect(mail.value).toHaveLength(1);
    const applied = (await (
      await fetch(`${sb.urls.control}/requests?operation=mail.send&appliedOnly=true`)
    ).json()) as { value: unknown[] };
    expect(applied.value).toHaveLength(1);
    expect((await fetch(`${sb.urls.control}/reset`, { method: 'POST' })).status).toBe(204);
    expect(sb.state.teams.sentMail()).toHaveLength(0);
    expect(sb.requestLog.all()).toHaveLength(0);
  });

  it('takes and restores named snapshots over HTTP', async () => {
    const { id } = (await (await fetch(`${sb.urls.control}/snapshot`, { method: 'POST' })).json()) as {
      id: string;
    };
    await call(sb, token, 'PATCH', `/users/${U.meganBowen}`, { body: { usageLocation: 'GB' } });
    const res = await fetch(`${sb.urls.control}/restore`, { method: 'POST', body: JSON.stringify({ id }) });
    expect(res.status).toBe(204);
    expect(sb.state.directory.getUser(U.meganBowen)?.usageLocation).toBe('US');
    expect(
      (await fetch(`${sb.urls.control}/restore`, { method: 'POST', body: JSON.stringify({ id: 'nope' }) }))
        .status,
    ).toBe(400);
  });

  it('validates behaviour changes and applies valid ones', async () => {
    const bad = await fetch(`${sb.urls.control}/behaviours`, {
      method: 'PATCH',
      body: JSON.stringify({ latency: { graph: { kind: 'fixed', ms: -1 } } }),
    });
    expect(bad.status).toBe(400);
    const good = await fetch(`${sb.urls.control}/behaviours`, {
      method: 'PATCH',
      body: JSON.stringify({ consistency: { delayMs: 1500 } }),
    });
    expect(((await good.json()) as { consistency: { delayMs: number } }).consistency.delayMs).toBe(1500);
    sb.behaviours.reset();
    expect(sb.behaviours.get().consistency.delayMs).toBe(0);
  });

  it('records one applied write per change, so duplicates are visible', async () => {
    sb.reset();
    await call(sb, token, 'PATCH', `/users/${U.nestorWilke}`, { body: { accountEnabled: false } });
    await call(sb, token, 'PATCH', `/users/${U.nestorWilke}`, { body: { accountEnabled: false } });
    const disables = sb.requestLog.applied('user.disable');
    expect(disables).toHaveLength(2);
    expect(disables[0]).toMatchObject({
      method: 'PATCH',
      host: 'graph.microsoft.com',
      service: 'graph',
      status: 204,
      appId: sb.credentials.clientId,
    });
  });
});

describe('generated organisation', () => {
  it('is deterministic for a seed and indexes rights by trustee', async () => {
    const a = await startSandbox({ port: 0, tenant: { users: 400, seed: 7 } });
    const b = await startSandbox({ port: 0, tenant: { users: 400, seed: 7 } });
    try {
      expect(a.generated?.userIds).toEqual(b.generated?.userIds);
      expect(JSON.stringify([...a.state.data.mailboxRights.values()])).toBe(
        JSON.stringify([...b.state.data.mailboxRights.values()]),
      );
      let viaTrustee = 0;
      for (const id of a.generated?.userIds ?? []) viaTrustee += a.state.exchange.rightsHeldBy(id).length;
      const generatedIds = new Set(a.generated?.userIds);
      const total = [...a.state.data.mailboxRights.values()].filter((r) =>
        generatedIds.has(r.trusteeId),
      ).length;
      expect(viaTrustee).toBe(total);
      expect(a.generated?.sharedMailboxIds).toHaveLength(20);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses a negative size', () => {
    expect(() => generateOrg(sb.state, { users: -1 })).toThrow('non-negative');
  });
});
