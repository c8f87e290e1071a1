import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/core/model.js';
import { pendingKind, type BatchReport } from '../../src/core/provision/index.js';
import { parseJoinersCsv } from '../../src/core/provision/joiners-csv.js';
import { seeded, skuIds } from '../../src/sandbox/index.js';
import { itChannelId, startProvisionHarness, type ProvisionHarness } from './provision-harness.js';

const requester: Principal = {
  aadObjectId: seeded.users.isaiahLanger,
  tenantId: '11111111-1111-4111-8111-111111111111',
  displayName: 'Isaiah Langer',
};

const csv = (...rows: string[]): string =>
  ['CN,UserPrincipalName,EmployeeType,EmployeeId,Department', ...rows].join('\n');

describe('joiner provisioning against the sandbox (real connectors, runner and store)', () => {
  let h: ProvisionHarness;
  const run = (text: string, isDryRun = false): Promise<BatchReport> =>
    h.provisioning.batch.run(parseJoinersCsv(text), { requester, source: 'test.csv', isDryRun });
  const userOf = (upn: string) => {
    const user = h.sandbox.state.directory.getUser(upn);
    if (!user) throw new Error(`${upn} missing`);
    return user;
  };
  const directSkus = (upn: string): string[] =>
    userOf(upn).assignedLicenses.map((l) => l.skuId.toLowerCase());
  /** The sandbox's own view of the seats: what the report must match. */
  const stockInSandbox = () => {
    const consumed = h.sandbox.state.consumedUnits();
    return h.sandbox.state.skus().map((s) => ({
      skuPartNumber: s.skuPartNumber,
      remaining: s.prepaidUnits.enabled - (consumed.get(s.skuId.toLowerCase()) ?? 0),
    }));
  };

  beforeAll(async () => {
    h = await startProvisionHarness({
      mapping: {
        rules: [
          {
            attribute: 'extensionAttribute1',
            equals: 'E3',
            licences: [{ sku: 'SPE_E3', disabledPlans: ['INTUNE_A'] }],
          },
          { attribute: 'extensionAttribute1', equals: 'EXO', licences: [{ sku: 'EXCHANGESTANDARD' }] },
          { attribute: 'employeeType', equals: ['Employee', 'E'], licences: [{ sku: 'ENTERPRISEPACK' }] },
          { attribute: 'employeeType', equals: ['Contractor', 'N'], licences: [{ sku: 'EXCHANGESTANDARD' }] },
          { attribute: 'department', equals: 'Analytics', licences: [{ sku: 'POWER_BI_PRO' }] },
          {
            attribute: 'department',
            equals: 'Security',
            licences: [{ sku: 'EMSPREMIUM' }, { sku: 'EXCHANGESTANDARD' }],
          },
        ],
      },
    });
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    h.sandbox.reset();
  });

  it('assigns the licences each attribute value maps to, with disabled plans, and reports them', async () => {
    h.addJoiner({ alias: 'carla.contractor', displayName: 'Carla Contractor', employeeType: 'Contractor' });
    h.addJoiner({ alias: 'eric.employee', displayName: 'Eric Employee', employeeType: 'Employee' });
    h.addJoiner({ alias: 'nora.nobody', displayName: 'Nora Nobody' });
    const report = await run(
      csv(
        'Ray Kim,ray.kim@contoso.com,,,',
        'Sofia Rossi,sofia.rossi@contoso.com,,,',
        'Carla Contractor,carla.contractor@contoso.com,,,',
        'Eric Employee,eric.employee@contoso.com,,,',
        'Nora Nobody,nora.nobody@contoso.com,,,',
      ),
    );
    expect(report.rows.map((r) => [r.userPrincipalName, r.status, r.licences.join('+')])).toEqual([
      ['ray.kim@contoso.com', 'provisioned', 'SPE_E3'],
      ['sofia.rossi@contoso.com', 'provisioned', 'EXCHANGESTANDARD'],
      ['carla.contractor@contoso.com', 'provisioned', 'EXCHANGESTANDARD'],
      ['eric.employee@contoso.com', 'provisioned', 'ENTERPRISEPACK'],
      ['nora.nobody@contoso.com', 'provisioned', 'EXCHANGESTANDARD'],
    ]);
    expect(report.rows[0]?.reason).toBe('extensionAttribute1 is E3 (rule 1)');
    expect(report.rows[4]?.reason).toContain('default');
    const ray = userOf('ray.kim@contoso.com').assignedLicenses;
    expect(ray).toEqual([{ skuId: skuIds.SPE_E3, disabledPlans: ['c1ec4a95-1f05-45b3-a911-aa3fa01094f5'] }]);
    expect(directSkus('eric.employee@contoso.com')).toEqual([skuIds.ENTERPRISEPACK]);
    expect(directSkus('carla.contractor@contoso.com')).toEqual([skuIds.EXCHANGESTANDARD]);
    for (const { skuPartNumber, remaining } of stockInSandbox()) {
      const line = report.licences.find((l) => l.skuPartNumber === skuPartNumber);
      if (line) expect(line.remaining, skuPartNumber).toBe(remaining);
    }
    const posted = h.gateway.messages.filter((m) => m.conversationId === itChannelId);
    expect(posted).toHaveLength(0);
    await h.provisioning.reports.send(report);
    const card = JSON.stringify(
      h.gateway.cardOf(
        h.gateway.messages.at(-1) ?? { id: '', conversationId: '', activity: {}, updates: [] },
      ),
    );
    expect(card).toContain('Provisioning report: 5 of 5 provisioned');
    expect(card).toContain('SPE_E3: ');
  });

  it('sets the usage location before assigning the licence (sandbox request order)', async () => {
    const sofia = userOf('sofia.rossi@contoso.com');
    expect(sofia.usageLocation).toBeNull();
    const report = await run(csv('Sofia Rossi,sofia.rossi@contoso.com,,,'));
    expect(report.rows[0]?.status).toBe('provisioned');
    expect(userOf('sofia.rossi@contoso.com').usageLocation).toBe('US');
    const writes = h.sandbox.requestLog
      .find({ appliedOnly: true })
      .filter((e) => e.path.includes(sofia.id) || e.path.includes('sofia.rossi'));
    const order = writes.map((e) => e.operation);
    expect(order).toEqual(['user.set-usage-location', 'licence.assign']);
  });

  it('stops assigning a SKU when its seats run out and reports the rest', async () => {
    h.addJoiner({ alias: 'ana.lytics', displayName: 'Ana Lytics', department: 'Analytics' });
    h.addJoiner({ alias: 'ben.lytics', displayName: 'Ben Lytics', department: 'Analytics' });
    h.addJoiner({ alias: 'cy.lytics', displayName: 'Cy Lytics', department: 'Analytics' });
    const free = stockInSandbox().find((s) => s.skuPartNumber === 'POWER_BI_PRO')?.remaining ?? 0;
    expect(free).toBe(1);
    const report = await run(
      csv('Ana,ana.lytics@contoso.com,,,', 'Ben,ben.lytics@contoso.com,,,', 'Cy,cy.lytics@contoso.com,,,'),
    );
    const provisioned = report.rows.filter((r) => r.status === 'provisioned');
    const refused = report.rows.filter((r) => r.status === 'failed');
    expect(provisioned).toHaveLength(1);
    expect(refused).toHaveLength(2);
    for (const r of refused) expect(r.error).toBe('No free seats left of POWER_BI_PRO: licence not assigned');
    expect(h.sandbox.requestLog.applied('licence.assign')).toHaveLength(1);
    expect(report.licences.find((l) => l.skuPartNumber === 'POWER_BI_PRO')?.remaining).toBe(0);
    expect(report.warnings).toContain('POWER_BI_PRO: no free seats (20 of 20 used)');
  });

  it('keeps a group-inherited licence: not assigned again, not removed, and reported', async () => {
    const id = h.addJoiner({ alias: 'sam.secure', displayName: 'Sam Secure', department: 'Security' });
    h.sandbox.state.seed((t) => {
      t.directory.addMember(seeded.groups.licensingEms, id);
    });
    const report = await run(csv('Sam Secure,sam.secure@contoso.com,,,'));
    const row = report.rows[0];
    expect(row?.status).toBe('provisioned');
    expect(row?.notes).toContain('EMSPREMIUM is already inherited from a group: not assigned again');
    expect(directSkus('sam.secure@contoso.com')).toEqual([skuIds.EXCHANGESTANDARD]);
    const effective = h.sandbox.state.directory.effectiveLicenses(userOf('sam.secure@contoso.com'));
    expect(effective.map((l) => [l.skuId.toLowerCase(), l.assignedByGroup])).toContainEqual([
      skuIds.EMSPREMIUM,
      seeded.groups.licensingEms,
    ]);
    expect(h.sandbox.requestLog.applied('licence.remove')).toHaveLength(0);
  });

  it('reactivates a rehire’s disabled former account (same employeeId) instead of licensing a new one', async () => {
    const report = await run(csv('Christie Cline,christie.rehire@contoso.com,Employee,E0999,Retail'));
    const row = report.rows[0];
    expect(row?.status).toBe('provisioned');
    expect(row?.userPrincipalName).toBe('christie.cline@contoso.com');
    expect(row?.notes.join(' ')).toContain('Rehire');
    const christie = userOf('christie.cline@contoso.com');
    expect(christie.accountEnabled).toBe(true);
    expect(directSkus('christie.cline@contoso.com')).toEqual([skuIds.ENTERPRISEPACK]);
    const order = h.sandbox.requestLog
      .find({ appliedOnly: true })
      .filter((e) => e.path.includes(christie.id))
      .map((e) => e.operation);
    expect(order.indexOf('user.enable')).toBeLessThan(order.indexOf('licence.assign'));

    const writes = h.sandbox.requestLog.find({ appliedOnly: true }).length;
    const again = await run(csv('Christie Cline,christie.rehire@contoso.com,Employee,E0999,Retail'));
    expect(again.rows[0]?.status).toBe('nothing-to-do');
    expect(again.rows[0]?.notes.join(' ')).toContain('a rehire already reactivated');
    expect(h.sandbox.requestLog.find({ appliedOnly: true })).toHaveLength(writes);
  });

  it('reports each bad row with its line and reason and provisions the others', async () => {
    const report = await run(
      [
        'name,upn,type,usageLocation',
        'Bad Upn,not-a-upn,E,US',
        'Ray Kim,ray.kim@contoso.com,,US',
        'Bad Country,tomas.novak@contoso.com,E,USA',
        'Too,many,columns,US,extra',
        ',,,',
      ].join('\n'),
    );
    expect(report.rows.map((r) => [r.line, r.status])).toEqual([
      [2, 'invalid'],
      [3, 'provisioned'],
      [4, 'invalid'],
      [5, 'invalid'],
      [6, 'invalid'],
    ]);
    expect(report.rows[0]?.error).toBe('line 2: userPrincipalName is not a user principal name');
    expect(report.rows[2]?.error).toBe('line 4: usageLocation must be a two-letter ISO country code');
    expect(report.rows[3]?.error).toBe('line 5: 5 values for 4 columns');
    expect(directSkus('ray.kim@contoso.com')).toEqual([skuIds.SPE_E3]);
    expect(directSkus('tomas.novak@contoso.com')).toEqual([]);
  });

  it('stops between rows once its signal aborts (a lost job claim): later rows are not started', async () => {
    const stop = new AbortController();
    const report = await h.provisioning.batch.run(
      parseJoinersCsv(csv('Ray Kim,ray.kim@contoso.com,,,', 'Sofia Rossi,sofia.rossi@contoso.com,,,')),
      {
        requester,
        source: 'AD group',
        isDryRun: false,
        concurrency: 1,
        signal: stop.signal,
        onRow: () => {
          stop.abort();
        },
      },
    );
    expect(report.rows.map((r) => [r.userPrincipalName, r.status])).toEqual([
      ['ray.kim@contoso.com', 'provisioned'],
    ]);
    expect(directSkus('ray.kim@contoso.com')).toEqual([skuIds.SPE_E3]);
    expect(directSkus('sofia.rossi@contoso.com')).toEqual([]);
  });

  it('dry run decides and forecasts seats but changes nothing', async () => {
    const report = await run(csv('Ray Kim,ray.kim@contoso.com,,,', 'Tomas,tomas.novak@contoso.com,,,'), true);
    expect(report.rows.map((r) => r.status)).toEqual(['planned', 'planned']);
    expect(h.sandbox.requestLog.find({ appliedOnly: true })).toHaveLength(0);
    const before = stockInSandbox().find((s) => s.skuPartNumber === 'SPE_E3')?.remaining ?? 0;
    expect(report.licences.find((l) => l.skuPartNumber === 'SPE_E3')?.remaining).toBe(before - 2);
  });

  it('queues a joiner not yet synced and provisions them once they appear', async () => {
    const report = await run(csv('Nina New,nina.new@contoso.com,Employee,E3001,'));
    expect(report.rows[0]?.status).toBe('queued');
    const item = await h.store.queue.get(pendingKind, 'nina.new@contoso.com');
    expect(item?.status).toBe('pending');

    await new Promise((r) => setTimeout(r, 120));
    expect(await h.provisioning.worker.poll()).toBe(1);
    const stillWaiting = await h.store.queue.get(pendingKind, 'nina.new@contoso.com');
    expect(stillWaiting?.status).toBe('pending');
    expect(stillWaiting?.lastError).toBe('not in Entra ID yet');

    h.addJoiner({
      alias: 'nina.new',
      displayName: 'Nina New',
      employeeType: 'Employee',
      employeeId: 'E3001',
    });
    await new Promise((r) => setTimeout(r, 250));
    const posted = h.gateway.messages.length;
    expect(await h.provisioning.worker.poll()).toBe(1);
    expect(directSkus('nina.new@contoso.com')).toEqual([skuIds.ENTERPRISEPACK]);
    expect((await h.store.queue.get(pendingKind, 'nina.new@contoso.com'))?.status).toBe('done');
    const message = h.gateway.messages[posted];
    expect(message?.conversationId).toBe(itChannelId);
    expect(JSON.stringify(message && h.gateway.cardOf(message))).toContain('Nina New');
  });
});
