/**
 * exo.remove-distribution-groups through the real Graph and Exchange connectors against the in-process
 * sandbox: Adele's distribution list and mail-enabled security group are removed in Exchange, read back,
 * undone; her dynamic group is reported with its rule, never planned.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exoRemoveDistributionGroups } from '../../../../src/core/offboard/distribution-group-steps.js';
import { entraRemoveGroups } from '../../../../src/core/offboard/entra-steps.js';
import type { OffboardInput } from '../../../../src/core/offboard/offboard-input.js';
import { offboardWarnings } from '../../../../src/core/offboard/offboard-warnings.js';
import type { StepContext } from '../../../../src/core/step.js';
import { seeded } from '../../../../src/sandbox/index.js';
import { startBotHarness, type BotHarness } from '../../../support/bot-harness.js';
import { adeleLeaving } from '../support/offboard-inputs.js';

const U = seeded.users;
const G = seeded.groups;

function adele(options: Partial<OffboardInput['options']> = {}): OffboardInput {
  return adeleLeaving('REQ-20261123-DLISTS', options);
}

describe('exo.remove-distribution-groups (real connectors against the sandbox)', () => {
  let bot: BotHarness;
  let initial: ReturnType<BotHarness['sandbox']['snapshot']>;
  const ctxOf = (input: OffboardInput): StepContext<OffboardInput> => ({
    input,
    ports: bot.services.ports,
    signal: new AbortController().signal,
  });
  const isMember = (groupId: string): boolean =>
    bot.sandbox.state.directory.members(groupId).includes(U.adeleVance);

  beforeAll(async () => {
    bot = await startBotHarness();
    initial = bot.sandbox.snapshot();
  });
  beforeEach(() => {
    bot.sandbox.restore(initial);
  });
  afterAll(async () => {
    await bot.close();
  });

  it('plans the distribution list and the mail-enabled security group, and none of the others', async () => {
    const changes = await exoRemoveDistributionGroups.plan(ctxOf(adele()));
    expect(changes.map((c) => c.data['groupId']).sort()).toEqual(
      [G.salesDistribution, G.retailMailSecurity].sort(),
    );
    expect(changes.map((c) => c.data['group']).sort()).toEqual(
      ['retail-sec@contoso.com', 'sales-dl@contoso.com'].sort(),
    );
    // Graph's step leaves them to Exchange.
    const graphChanges = await entraRemoveGroups.plan(ctxOf(adele()));
    expect(graphChanges.map((c) => c.data['groupId'])).not.toContain(G.salesDistribution);
    expect(graphChanges.map((c) => c.data['groupId'])).not.toContain(G.retailMailSecurity);
  });

  it('plans nothing when group removal is off', async () => {
    expect(await exoRemoveDistributionGroups.plan(ctxOf(adele({ removeGroups: false })))).toEqual([]);
  });

  it('removes the memberships in Exchange, idempotently, reads them back and undoes them', async () => {
    bot.sandbox.requestLog.clear();
    const ctx = ctxOf(adele());
    const changes = await exoRemoveDistributionGroups.plan(ctx);
    expect(await exoRemoveDistributionGroups.verify(changes, ctx)).toMatchObject({ ok: false });
    for (const c of changes) await exoRemoveDistributionGroups.apply(c, ctx);
    // A second apply finds the member gone (MemberNotFoundException) and succeeds.
    for (const c of changes) await exoRemoveDistributionGroups.apply(c, ctx);
    expect(await exoRemoveDistributionGroups.verify(changes, ctx)).toEqual({ ok: true });
    expect(isMember(G.salesDistribution)).toBe(false);
    expect(isMember(G.retailMailSecurity)).toBe(false);
    expect(isMember(G.allSalesDynamic)).toBe(true);
    expect(await exoRemoveDistributionGroups.plan(ctx)).toEqual([]);
    // Each membership was removed exactly once; the repeated calls changed nothing.
    expect(bot.sandbox.requestLog.applied('exo.remove-distribution-group-member')).toHaveLength(2);

    expect(typeof exoRemoveDistributionGroups.undo).toBe('function');
    for (const c of changes) await exoRemoveDistributionGroups.undo?.(c, ctx);
    for (const c of changes) await exoRemoveDistributionGroups.undo?.(c, ctx);
    expect(isMember(G.salesDistribution)).toBe(true);
    expect(isMember(G.retailMailSecurity)).toBe(true);
  });

  it('reports the dynamic group with its rule and no longer asks to remove mail-enabled groups by hand', async () => {
    const warnings = await offboardWarnings(adele(), bot.services.ports);
    const groupWarnings = warnings['entra.remove-groups'] ?? [];
    expect(groupWarnings).toContain(
      'All Sales (dynamic) is dynamic (rule: (user.department -eq "Sales")): change the rule or the user\'s attributes',
    );
    expect(groupWarnings.some((w) => w.includes('Remove-DistributionGroupMember'))).toBe(false);
  });
});
