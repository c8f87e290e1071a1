/**
 * exo.cancel-meetings through the real Graph and Exchange connectors against the in-process sandbox:
 * Adele's future meetings (a weekly series and a single meeting) are listed by default, in the card's
 * warnings and the delegate's notice; on request they are cancelled with Remove-CalendarEvents, read back,
 * and a second run changes nothing. Her past meeting and the one she only attends are never touched.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exoCancelMeetings } from '../../../../src/core/offboard/meeting-steps.js';
import { notifyDelegate } from '../../../../src/core/offboard/notice-step.js';
import { offboardOptionsSchema, type OffboardInput } from '../../../../src/core/offboard/offboard-input.js';
import { offboardWarnings } from '../../../../src/core/offboard/offboard-warnings.js';
import type { DelegateNotice } from '../../../../src/core/ports/notifier.js';
import type { StepContext } from '../../../../src/core/step.js';
import { seededMeetings as E } from '../../../../src/sandbox/seed/checklist-seed.js';
import { noticeItems } from '../../../../src/teams/teams-notifier.js';
import { startBotHarness, type BotHarness } from '../../../support/bot-harness.js';
import { adeleLeaving, meganAsDelegate } from '../support/offboard-inputs.js';

function adele(options: Partial<OffboardInput['options']> = {}): OffboardInput {
  return adeleLeaving('REQ-20261123-MEETNG', options, meganAsDelegate);
}

describe('exo.cancel-meetings (real connectors against the sandbox)', () => {
  let bot: BotHarness;
  let initial: ReturnType<BotHarness['sandbox']['snapshot']>;
  const ctxOf = (input: OffboardInput): StepContext<OffboardInput> => ({
    input,
    ports: bot.services.ports,
    signal: new AbortController().signal,
  });
  const cancelled = (id: string): boolean =>
    bot.sandbox.state.data.calendarEvents.get(id)?.cancelledDateTime !== undefined;

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

  it('lists by default: nothing planned, each meeting on the card and in the delegate’s notice', async () => {
    expect(offboardOptionsSchema.parse({}).organizedMeetings).toBe('list');
    expect(await exoCancelMeetings.plan(ctxOf(adele()))).toEqual([]);

    const warnings = (await offboardWarnings(adele(), bot.services.ports))['exo.cancel-meetings'] ?? [];
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^Weekly sales sync, recurring, next on .* UTC, 3 attendees: kept: listed/);
    expect(warnings[1]).toMatch(/^Quarterly review, .* UTC, 1 attendee: kept: listed/);

    const [change] = await notifyDelegate.plan(ctxOf(adele()));
    const notice = change?.data['notice'] as DelegateNotice;
    expect(notice.meetings?.map((m) => [m.subject, m.isRecurring, m.attendeeCount])).toEqual([
      ['Weekly sales sync', true, 3],
      ['Quarterly review', false, 1],
    ]);
    expect(noticeItems(notice).filter((i) => i.startsWith('A meeting they organised'))).toHaveLength(2);
    // Listing changes nothing.
    expect(cancelled(E.weeklySalesSync)).toBe(false);
    expect(bot.sandbox.state.checklist.meetingCancellations()).toEqual([]);
  });

  it('plans one cancellation naming the future meetings she organises, and only those', async () => {
    const changes = await exoCancelMeetings.plan(ctxOf(adele({ organizedMeetings: 'cancel' })));
    expect(changes).toHaveLength(1);
    expect(changes[0]?.data).toMatchObject({ mailbox: 'adele.vance@contoso.com', windowDays: 120 });
    expect(changes[0]?.description).toContain("can't be undone");
    const before = changes[0]?.before as { meetings: { id: string }[] };
    expect(before.meetings.map((m) => m.id)).toEqual([E.weeklySalesSync, E.quarterlyReview]);
    expect('undo' in exoCancelMeetings).toBe(false);
    // In cancel mode the notice doesn't list them, the card says they are cancelled.
    const [notice] = await notifyDelegate.plan(ctxOf(adele({ organizedMeetings: 'cancel' })));
    expect((notice?.data['notice'] as DelegateNotice).meetings).toBeUndefined();
    const warnings = await offboardWarnings(adele({ organizedMeetings: 'cancel' }), bot.services.ports);
    expect(warnings['exo.cancel-meetings']?.every((w) => w.endsWith('cancelled, attendees are told'))).toBe(
      true,
    );
  });

  it('a short window leaves the later meeting out', async () => {
    const changes = await exoCancelMeetings.plan(
      ctxOf(adele({ organizedMeetings: 'cancel', meetingWindowDays: 8 })),
    );
    const before = changes[0]?.before as { meetings: { id: string }[] };
    expect(before.meetings.map((m) => m.id)).toEqual([E.weeklySalesSync]);
  });

  it('follows calendarView pages over the longest window (1825 days of weekly occurrences)', async () => {
    const changes = await exoCancelMeetings.plan(
      ctxOf(adele({ organizedMeetings: 'cancel', meetingWindowDays: 1825 })),
    );
    const before = changes[0]?.before as { meetings: { id: string }[] };
    expect(before.meetings.map((m) => m.id)).toEqual([E.weeklySalesSync, E.quarterlyReview]);
    expect(offboardOptionsSchema.safeParse({ meetingWindowDays: 1826 }).success).toBe(false);
  });

  it('cancels through Exchange, idempotently, and reads back that none remain', async () => {
    bot.sandbox.requestLog.clear();
    const ctx = ctxOf(adele({ organizedMeetings: 'cancel' }));
    const changes = await exoCancelMeetings.plan(ctx);
    expect(await exoCancelMeetings.verify(changes, ctx)).toMatchObject({ ok: false });
    for (const c of changes) await exoCancelMeetings.apply(c, ctx);
    // A second run finds nothing left to cancel and succeeds.
    for (const c of changes) await exoCancelMeetings.apply(c, ctx);
    expect(await exoCancelMeetings.verify(changes, ctx)).toEqual({ ok: true });
    expect(await exoCancelMeetings.plan(ctx)).toEqual([]);
    expect(bot.sandbox.requestLog.applied('exo.remove-calendar-events')).toHaveLength(1);

    expect(cancelled(E.weeklySalesSync)).toBe(true);
    expect(cancelled(E.quarterlyReview)).toBe(true);
    expect(cancelled(E.pastKickoff)).toBe(false);
    expect(cancelled(E.roadmapAttended)).toBe(false);
    const sent = bot.sandbox.state.checklist.meetingCancellations();
    expect(sent.map((c) => [c.subject, c.attendeeIds.length]).sort()).toEqual([
      ['Quarterly review', 1],
      ['Weekly sales sync', 3],
    ]);
  });

  it('a leaver without a mailbox has no meetings to list or cancel', async () => {
    const state = bot.sandbox.state;
    const user = [...state.data.users.values()].find((u) => state.exchange.getMailbox(u.id) === undefined);
    expect(user).toBeDefined();
    const input = adele({ organizedMeetings: 'cancel' });
    input.leaver = { ...input.leaver, id: user?.id ?? '' };
    expect(await exoCancelMeetings.plan(ctxOf(input))).toEqual([]);
    expect((await offboardWarnings(input, bot.services.ports))['exo.cancel-meetings']).toBeUndefined();
  });
});
