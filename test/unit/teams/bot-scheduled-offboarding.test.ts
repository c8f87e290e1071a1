import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scheduledOffboardKind } from '../../../src/core/offboard/scheduled-offboard.js';
import { seeded } from '../../../src/sandbox/index.js';
import { createBotApplication } from '../../../src/teams/bot-app.js';
import {
  actionsOf,
  botDriver,
  cardIn,
  personas,
  startBotHarness,
  textOf,
  type BotHarness,
} from '../../support/bot-harness.js';
import { FakeClock } from '../core/support/fake-clock.js';

const U = seeded.users;
const hour = 3_600_000;
/** The fake clock starts at 2026-11-23 09:00 UTC; the leave time is 2026-11-30 17:00 in Paris. */
const leaveAt = '2026-11-30 17:00 Europe/Paris';
const dueMs = Date.parse('2026-11-30T16:00:00Z');

function inputValues(card: unknown): Record<string, string> {
  const found: Record<string, string> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (typeof node === 'object' && node !== null) {
      const item = node as Record<string, unknown>;
      if (typeof item['id'] === 'string' && String(item['type']).startsWith('Input.')) {
        found[item['id']] = typeof item['value'] === 'string' ? item['value'] : '';
      }
      Object.values(item).forEach(visit);
    }
  };
  visit(card);
  return found;
}

describe('scheduled offboarding at the leave date (fake clock, real connectors against the sandbox)', () => {
  let bot: BotHarness;
  let clock: FakeClock;

  beforeEach(async () => {
    clock = new FakeClock();
    bot = await startBotHarness({}, { scheduleClock: clock });
  });
  afterEach(async () => {
    await bot.close();
  });

  /** Jumps the fake clock to `ms` (never back), then lets the schedule handle what is due. */
  async function at(ms: number): Promise<number> {
    if (ms > clock.now()) await clock.sleep(ms - clock.now());
    let handled = 0;
    // A reminder handled now makes its run item due again at once if the due time passed as well.
    for (let pass = await bot.services.schedule.poll(); pass > 0; pass = await bot.services.schedule.poll()) {
      handled += pass;
    }
    await bot.services.coordinator.idle();
    return handled;
  }

  /** `offboard … --at`, Confirm with the card's inputs as filled in, Approve. */
  async function scheduleAdele(when = leaveAt): Promise<string> {
    const replies = await bot.say(personas.operator, `offboard adele.vance@contoso.com --at "${when}"`);
    const card = cardIn(replies);
    const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
    if (!confirm) throw new Error(`no request card: ${textOf(replies)}`);
    const inputs = inputValues(card);
    expect(inputs).toMatchObject({
      leaveDate: '2026-11-30',
      leaveTime: '17:00',
      leaveTimeZone: 'Europe/Paris',
    });
    const { leaveDate, leaveTime, leaveTimeZone } = inputs;
    const confirmed = await bot.click(personas.operator, confirm.verb, {
      ...confirm.data,
      leaveDate,
      leaveTime,
      leaveTimeZone,
    });
    const approve = actionsOf(cardIn(confirmed.replies)).find((a) => a.title === 'Approve');
    if (!approve) throw new Error(`no approval card: ${JSON.stringify(confirmed.body)}`);
    const approved = await bot.click(personas.approver, approve.verb, approve.data);
    expect(JSON.stringify(approved.body?.value)).toContain('Scheduled for 2026-11-30 17:00 Europe/Paris');
    return String(confirm.data['requestId']);
  }

  const adeleEnabled = (): boolean | undefined =>
    bot.sandbox.state.directory.getUser(U.adeleVance)?.accountEnabled;

  it('waits in the scheduled state, reminds a day before, and runs at the due time, not before', async () => {
    const id = await scheduleAdele();
    expect((await bot.store.requests.get(id))?.state).toBe('scheduled');
    expect(adeleEnabled()).toBe(true);

    const status = await bot.say(personas.operator, `status ${id}`);
    expect(textOf(status)).toContain('Status: Scheduled for 2026-11-30 17:00 Europe/Paris (16:00 UTC)');

    await at(dueMs - 25 * hour);
    expect(bot.gateway.messages.some((m) => String(m.activity.text).startsWith('Reminder'))).toBe(false);
    await at(dueMs - 24 * hour);
    const reminder = bot.gateway.messages.find((m) => String(m.activity.text).startsWith('Reminder'));
    expect(reminder?.activity.text).toContain('starts at 2026-11-30 17:00 Europe/Paris');
    expect(reminder?.conversationId).toBe('group-chat-1');

    await at(dueMs - 60_000);
    expect((await bot.store.requests.get(id))?.state).toBe('scheduled');
    expect(adeleEnabled()).toBe(true);

    await at(dueMs);
    const done = await bot.store.requests.get(id);
    expect(done?.state).toMatch(/^completed/);
    expect(adeleEnabled()).toBe(false);
    // Handled once: later polls find nothing, and the queue item is done.
    expect(await at(dueMs + hour)).toBe(0);
    expect((await bot.store.queue.get(scheduledOffboardKind, id))?.status).toBe('done');
    const types = (await bot.store.audit.list({ requestId: id, limit: 200 })).map((e) => e.type);
    expect(types.filter((t) => t === 'request.running')).toHaveLength(1);
    expect(types).toEqual(
      expect.arrayContaining(['request.scheduled', 'schedule.queued', 'schedule.reminded']),
    );
  });

  it('reschedules: nothing runs at the old time, the run follows the new one', async () => {
    const id = await scheduleAdele();
    const refused = await bot.say(personas.ordinary, `reschedule ${id} 2026-12-02 09:00 Europe/Paris`);
    expect(textOf(refused)).toContain('Only the requester or an approver can reschedule');
    const past = await bot.say(personas.operator, `reschedule ${id} 2026-11-01 09:00 Europe/Paris`);
    expect(textOf(past)).toContain('is in the past');
    const moved = await bot.say(personas.operator, `reschedule ${id} 2026-12-02 09:00 Europe/Paris`);
    expect(textOf(moved)).toContain('now runs at 2026-12-02 09:00 Europe/Paris (08:00 UTC)');

    await at(dueMs + hour);
    expect((await bot.store.requests.get(id))?.state).toBe('scheduled');
    expect(adeleEnabled()).toBe(true);
    await at(Date.parse('2026-12-02T08:00:00Z'));
    expect((await bot.store.requests.get(id))?.state).toMatch(/^completed/);
    expect(adeleEnabled()).toBe(false);
  });

  it('cancelling leaves nothing behind: no run, no change, the queue item done', async () => {
    const id = await scheduleAdele();
    const cancelled = await bot.say(personas.operator, `cancel ${id}`);
    expect(textOf(cancelled)).toContain('is cancelled. Nothing was changed.');
    await at(clock.now());
    expect((await bot.store.queue.get(scheduledOffboardKind, id))?.status).toBe('done');
    await at(dueMs + hour);
    const request = await bot.store.requests.get(id);
    expect(request?.state).toBe('cancelled');
    expect(request?.runId).toBeUndefined();
    expect(adeleEnabled()).toBe(true);
    expect(bot.gateway.messages.some((m) => String(m.activity.text).startsWith('Reminder'))).toBe(false);
    const again = await bot.say(personas.operator, `reschedule ${id} 2026-12-02 09:00 Europe/Paris`);
    expect(textOf(again)).toContain('is cancelled');
  });

  it('asks for approval again when the plan grew by the due time, and runs once re-approved', async () => {
    const id = await scheduleAdele();
    // Since the approval: Adele joined another group and her delegate (Megan, her manager) left.
    bot.sandbox.state.directory.addMember(seeded.groups.financeMailSecurity, U.adeleVance);
    bot.sandbox.state.directory.updateUser(U.meganBowen, { accountEnabled: false });

    await at(dueMs);
    const request = await bot.store.requests.get(id);
    expect(request?.state).toBe('awaiting-approval');
    expect(request?.approvals).toEqual([]);
    expect(adeleEnabled()).toBe(true);
    const event = (await bot.store.audit.list({ requestId: id })).find(
      (e) => e.type === 'request.reapproval-needed',
    );
    expect(JSON.stringify(event?.details)).toContain('the delegate megan.bowen@contoso.com has left');
    expect(JSON.stringify(event?.details)).toContain('not in the approved plan');
    const asked = bot.gateway.messages.find((m) => String(m.activity.text).includes('needs approval again'));
    expect(asked).toBeDefined();
    const approve = actionsOf(cardIn([asked?.activity ?? {}])).find((a) => a.title === 'Approve');
    if (!approve) throw new Error('no approval card in the re-approval message');

    await bot.click(personas.approver, approve.verb, approve.data);
    await bot.services.coordinator.idle();
    expect((await bot.store.requests.get(id))?.state).toMatch(/^completed/);
    expect(adeleEnabled()).toBe(false);
  });

  it('refuses a past or nonexistent leave time before reading anything', async () => {
    const past = await bot.say(
      personas.operator,
      'offboard adele.vance@contoso.com --at "2026-11-01 10:00 UTC"',
    );
    expect(textOf(past)).toContain('2026-11-01 10:00 UTC is in the past');
    const gap = await bot.say(
      personas.operator,
      'offboard adele.vance@contoso.com --at "2027-03-28 02:30 Europe/Paris"',
    );
    expect(textOf(gap)).toContain('does not exist in Europe/Paris');
    expect(await bot.store.requests.listBySubject('adele.vance@contoso.com')).toEqual([]);
  });

  it('sandbox mode: `clock +8d` moves the schedule forward and runs what fell due; no clock outside it', async () => {
    const id = await scheduleAdele();
    const moved = await bot.say(personas.operator, 'clock +8d');
    expect(textOf(moved)).toContain('192 h ahead of the real clock');
    expect(textOf(moved)).toContain('scheduled item');
    await at(clock.now());
    expect((await bot.store.requests.get(id))?.state).toMatch(/^completed/);
    expect(adeleEnabled()).toBe(false);

    // Wired without a dev clock (production): `clock` is not a command, the schedule's time is untouched.
    const { devClock: _sandboxOnly, ...productionDeps } = bot.services.deps;
    const production = botDriver(createBotApplication(productionDeps));
    const before = bot.services.schedule.clock.now();
    const replies = await production.say(personas.operator, 'clock +2h');
    expect(textOf(replies)).not.toContain('Sandbox time');
    expect(JSON.stringify(replies)).toContain('What I can do');
    expect(bot.services.schedule.clock.now()).toBe(before);
  });
});
