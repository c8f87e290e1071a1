/**
 * exo.litigation-hold with the inactive-mailbox option, run through the real Exchange connector against the
 * in-process sandbox: hold placed and read back, undone, and a held mailbox of a deleted user kept inactive.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exoLitigationHold } from '../../../../src/core/offboard/mailbox-steps.js';
import { offboardOptionsSchema, type OffboardInput } from '../../../../src/core/offboard/offboard-input.js';
import { inactiveMailboxWarnings } from '../../../../src/core/offboard/offboard-warnings.js';
import type { StepContext } from '../../../../src/core/step.js';
import { seeded } from '../../../../src/sandbox/index.js';
import { startBotHarness, type BotHarness } from '../../../support/bot-harness.js';
import { adeleLeaving } from '../support/offboard-inputs.js';

const U = seeded.users;

function adele(options: Partial<OffboardInput['options']> = {}): OffboardInput {
  return adeleLeaving('REQ-20261123-HOLDAA', options);
}

describe('exo.litigation-hold and the inactive mailbox (real connector against the sandbox)', () => {
  let bot: BotHarness;
  let initial: ReturnType<BotHarness['sandbox']['snapshot']>;
  const ctxOf = (input: OffboardInput): StepContext<OffboardInput> => ({
    input,
    ports: bot.services.ports,
    signal: new AbortController().signal,
  });

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

  it('plans nothing when neither hold nor inactive mailbox is asked for', async () => {
    expect(await exoLitigationHold.plan(ctxOf(adele({})))).toEqual([]);
  });

  it('places the hold for the inactive-mailbox option, reads it back, and undoes it', async () => {
    const ctx = ctxOf(adele({ keepInactiveMailbox: true }));
    const changes = await exoLitigationHold.plan(ctx);
    expect(changes.map((c) => c.key)).toEqual(['hold']);
    expect(await exoLitigationHold.verify(changes, ctx)).toMatchObject({ ok: false });

    for (const c of changes) await exoLitigationHold.apply(c, ctx);
    // Applying again changes nothing (Exchange answers "no settings modified").
    for (const c of changes) await exoLitigationHold.apply(c, ctx);
    expect(await exoLitigationHold.verify(changes, ctx)).toEqual({ ok: true });
    expect(bot.sandbox.state.exchange.getMailbox(U.adeleVance)?.litigationHold.enabled).toBe(true);
    expect(await exoLitigationHold.plan(ctx)).toEqual([]);

    expect(typeof exoLitigationHold.undo).toBe('function');
    for (const c of changes) await exoLitigationHold.undo?.(c, ctx);
    expect(bot.sandbox.state.exchange.getMailbox(U.adeleVance)?.litigationHold.enabled).toBe(false);
  });

  it('keeps the held mailbox of a deleted user as an inactive mailbox, and purges an unheld one', async () => {
    const ctx = ctxOf(adele({ keepInactiveMailbox: true }));
    for (const c of await exoLitigationHold.plan(ctx)) await exoLitigationHold.apply(c, ctx);
    await bot.services.ports.accounts.deleteUser(U.adeleVance);
    expect(await bot.services.ports.mailbox.getMailbox('adele.vance@contoso.com')).toBeNull();
    expect(bot.sandbox.state.exchange.findInactiveMailbox('adele.vance@contoso.com')?.userId).toBe(
      U.adeleVance,
    );

    // Megan's mailbox has no hold: deleting her soft-deletes it, it does not become inactive.
    await bot.services.ports.accounts.deleteUser(U.meganBowen);
    expect(bot.sandbox.state.exchange.findInactiveMailbox('megan.bowen@contoso.com')).toBeUndefined();
  });
});

describe('inactive mailbox warnings on the request card', () => {
  const base = offboardOptionsSchema.parse({});

  it('says the mailbox becomes inactive only on deletion when no deletion is staged', () => {
    expect(inactiveMailboxWarnings({ ...base, keepInactiveMailbox: true })[0]).toMatch(
      /becomes inactive only when the account is deleted/,
    );
  });

  it('says when the mailbox becomes inactive when a deletion is staged', () => {
    expect(inactiveMailboxWarnings({ ...base, keepInactiveMailbox: true, deleteAfterDays: 30 })[0]).toMatch(
      /after 30 days, Exchange keeps the held mailbox as an inactive mailbox/,
    );
  });

  it('warns that a staged deletion without a hold loses the mailbox', () => {
    expect(inactiveMailboxWarnings({ ...base, deleteAfterDays: 30 })[0]).toMatch(/No hold/);
    expect(inactiveMailboxWarnings(base)).toEqual([]);
  });
});
