/**
 * spo.remove-anonymous-links through the real files connector (Graph drive permissions) against the
 * in-process sandbox: Adele's anonymous link is removed and read back, her organisation link is reported
 * and kept.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OffboardInput } from '../../../../src/core/offboard/offboard-input.js';
import { offboardWarnings } from '../../../../src/core/offboard/offboard-warnings.js';
import { spoRemoveAnonymousLinks } from '../../../../src/core/offboard/sharing-link-steps.js';
import type { StepContext } from '../../../../src/core/step.js';
import { seeded } from '../../../../src/sandbox/index.js';
import { startBotHarness, type BotHarness } from '../../../support/bot-harness.js';
import { adeleLeaving } from '../support/offboard-inputs.js';

const U = seeded.users;

function adele(options: Partial<OffboardInput['options']> = {}): OffboardInput {
  return adeleLeaving('REQ-20261123-LINKSS', options);
}

describe('spo.remove-anonymous-links (real connector against the sandbox)', () => {
  let bot: BotHarness;
  let initial: ReturnType<BotHarness['sandbox']['snapshot']>;
  const ctxOf = (input: OffboardInput): StepContext<OffboardInput> => ({
    input,
    ports: bot.services.ports,
    signal: new AbortController().signal,
  });
  const driveId = (): string => bot.sandbox.state.sharing.driveOfUser(U.adeleVance)?.id ?? '';

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

  it('lists the anonymous and the organisation link of the leaver', async () => {
    const links = await bot.services.ports.files.listSharingLinks(driveId());
    expect(links.map((l) => [l.itemName, l.scope, l.type]).sort()).toEqual([
      ['Q4 Forecast.xlsx', 'anonymous', 'view'],
      ['Retail Playbook.docx', 'organization', 'edit'],
    ]);
  });

  it('plans nothing with the option off (the default), and reports both links on the card', async () => {
    expect(await spoRemoveAnonymousLinks.plan(ctxOf(adele()))).toEqual([]);
    const warnings = (await offboardWarnings(adele(), bot.services.ports))['spo.remove-anonymous-links'];
    expect(warnings).toEqual([
      'Q4 Forecast.xlsx: view link for anyone with the link, kept: remove it in OneDrive if it must stop working',
      'Retail Playbook.docx: edit link for anyone in the organisation, kept: remove it in OneDrive if it must stop working',
    ]);
  });

  it('removes the anonymous link only, idempotently, and reads it back', async () => {
    bot.sandbox.requestLog.clear();
    const ctx = ctxOf(adele({ removeAnonymousLinks: true }));
    const changes = await spoRemoveAnonymousLinks.plan(ctx);
    expect(changes.map((c) => c.description)).toEqual(['Remove the anonymous view link on Q4 Forecast.xlsx']);
    expect(await spoRemoveAnonymousLinks.verify(changes, ctx)).toMatchObject({ ok: false });
    for (const c of changes) await spoRemoveAnonymousLinks.apply(c, ctx);
    for (const c of changes) await spoRemoveAnonymousLinks.apply(c, ctx);
    expect(await spoRemoveAnonymousLinks.verify(changes, ctx)).toEqual({ ok: true });
    expect(bot.sandbox.requestLog.applied('drive.remove-permission')).toHaveLength(1);
    const left = await bot.services.ports.files.listSharingLinks(driveId());
    expect(left.map((l) => l.scope)).toEqual(['organization']);
    expect(await spoRemoveAnonymousLinks.plan(ctx)).toEqual([]);
    expect('undo' in spoRemoveAnonymousLinks).toBe(false);
  });
});
