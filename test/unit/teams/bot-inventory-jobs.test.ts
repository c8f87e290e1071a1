import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryJobName } from '../../../src/core/revoke/index.js';
import { cardIn, personas, startBotHarness, textOf, type BotHarness } from '../../support/bot-harness.js';

describe('the permission inventory as a scheduled job (TestAdapter, real connectors against the sandbox)', () => {
  let bot: BotHarness;

  beforeAll(async () => {
    // Due at once after start-up (the default waits 15 s: test/unit/core/schedule/scheduler.test.ts).
    bot = await startBotHarness({ INVENTORY_START_DELAY_S: '0' });
  });
  afterAll(async () => {
    await bot.close();
  });

  it('previews without scanning while no inventory exists, builds it in the job, then shows its age', async () => {
    const before = JSON.stringify(cardIn(await bot.say(personas.operator, 'revoke adele.vance@contoso.com')));
    expect(before).toContain('still being inventoried');
    expect(before).toContain('The run waits for the inventory');
    // Nothing was scanned for the preview: no inventory was written.
    expect(await bot.store.state.get('revoke.inventory.meta')).toBeUndefined();

    await bot.services.jobs.init();
    const due = textOf(await bot.say(personas.operator, 'jobs'));
    expect(due).toContain(inventoryJobName);
    expect(due).toContain('Last run: never');
    expect(due).toContain('due now');

    expect(await bot.services.jobs.runDue()).toEqual([inventoryJobName]);
    const ran = textOf(await bot.say(personas.operator, 'jobs'));
    expect(ran).toMatch(/Last run: .* succeeded after .*: \d+ mailboxes listed, \d+ scanned/);
    expect(ran).toContain('Next run: ');
    expect(ran).not.toContain('due now');

    const after = JSON.stringify(cardIn(await bot.say(personas.operator, 'revoke adele.vance@contoso.com')));
    expect(after).toContain('come from the permission inventory of');
    expect(after).toContain('less than a minute old');
    expect(after).not.toContain('still being inventoried');

    const offboard = JSON.stringify(
      cardIn(await bot.say(personas.operator, 'offboard isabelle.dubois@contoso.com')),
    );
    expect(offboard).toContain('come from the permission inventory of');
  });

  it('shows `jobs` to readers only', async () => {
    const refused = textOf(await bot.say(personas.ordinary, 'jobs'));
    expect(refused).not.toContain(inventoryJobName);
  });
});
