/**
 * OneDrive retention against a staged deletion, read through the real SharePoint files connector
 * (Graph `/admin/sharepoint/settings`) against the in-process sandbox: the card's warning and the
 * delegate notice's OneDrive end date agree.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { notifyDelegate } from '../../../../src/core/offboard/notice-step.js';
import { offboardOptionsSchema, type OffboardInput } from '../../../../src/core/offboard/offboard-input.js';
import { offboardWarnings } from '../../../../src/core/offboard/offboard-warnings.js';
import { oneDriveDeletedOn } from '../../../../src/core/offboard/onedrive-retention.js';
import type { DelegateNotice } from '../../../../src/core/ports/notifier.js';
import { seeded } from '../../../../src/sandbox/index.js';
import { startBotHarness, type BotHarness } from '../../../support/bot-harness.js';

const U = seeded.users;
const megan = { id: U.meganBowen, userPrincipalName: 'megan.bowen@contoso.com', displayName: 'Megan Bowen' };

function adele(
  options: Partial<OffboardInput['options']>,
  delegate: OffboardInput['delegate'] = megan,
): OffboardInput {
  const parsed = { ...offboardOptionsSchema.parse({}), ...options };
  return {
    requestId: 'REQ-20261123-RETAIN',
    leaver: {
      id: U.adeleVance,
      userPrincipalName: 'adele.vance@contoso.com',
      displayName: 'Adele Vance',
      mail: 'adele.vance@contoso.com',
      isSynced: false,
    },
    delegate,
    requestedBy: 'Isaiah',
    options: parsed,
    stamp: 'Offboarded 2026-11-23 REQ-20261123-RETAIN',
    ...(parsed.deleteAfterDays !== null && { deleteOn: '2026-12-23' }),
  };
}

describe('oneDriveDeletedOn', () => {
  it('adds the retention days to the deletion date, across a year end', () => {
    expect(oneDriveDeletedOn('2026-12-23', 30)).toBe('2027-01-22');
    expect(oneDriveDeletedOn('2026-02-27', 1)).toBe('2026-02-28');
  });
});

describe('OneDrive retention (real connector against the sandbox)', () => {
  let bot: BotHarness;
  const ctxOf = (input: OffboardInput) => ({
    input,
    ports: bot.services.ports,
    signal: new AbortController().signal,
  });

  beforeAll(async () => {
    bot = await startBotHarness();
  });
  beforeEach(() => {
    delete bot.sandbox.state.info.deletedUserPersonalSiteRetentionPeriodInDays;
  });
  afterAll(async () => {
    await bot.close();
  });

  it("reads the tenant's retention (30 days by default, or as the tenant sets it)", async () => {
    expect(await bot.services.ports.files.getDeletedOneDriveRetentionDays()).toBe(30);
    bot.sandbox.state.info.deletedUserPersonalSiteRetentionPeriodInDays = 365;
    expect(await bot.services.ports.files.getDeletedOneDriveRetentionDays()).toBe(365);
  });

  it('warns with the date the OneDrive is deleted, and the notice gives the delegate the same end date', async () => {
    bot.sandbox.state.info.deletedUserPersonalSiteRetentionPeriodInDays = 90;
    const input = adele({ deleteAfterDays: 30 });
    const warnings = (await offboardWarnings(input, bot.services.ports))['spo.grant-delegate'] ?? [];
    expect(warnings).toEqual([
      "The account is deleted on 2026-12-23 and the tenant keeps a deleted user's OneDrive 90 days: the OneDrive is deleted on 2027-03-23; the delegate's access ends then, so files to keep must be moved before that date",
    ]);
    const [change] = await notifyDelegate.plan(ctxOf(input));
    const notice = change?.data['notice'] as DelegateNotice;
    expect(notice.until).toBe('2026-12-23');
    expect(notice.oneDrive?.until).toBe('2027-03-23');
  });

  it('says the files are lost when nobody receives the OneDrive', async () => {
    const warnings =
      (await offboardWarnings(adele({ deleteAfterDays: 10 }, null), bot.services.ports))[
        'spo.grant-delegate'
      ] ?? [];
    expect(warnings[0]).toMatch(/deleted on 2027-01-22, and nobody has been given access to it/);
  });

  it('says nothing, and gives no OneDrive end date, when no deletion is staged', async () => {
    const input = adele({});
    expect((await offboardWarnings(input, bot.services.ports))['spo.grant-delegate']).toBeUndefined();
    const [change] = await notifyDelegate.plan(ctxOf(input));
    expect((change?.data['notice'] as DelegateNotice).oneDrive).toEqual({
      webUrl: expect.stringContaining('adele_vance_contoso_com') as unknown,
    });
  });
});
