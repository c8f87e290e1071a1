/**
 * `reschedule <request id> <date> <time> [zone]`: moves a scheduled offboarding to another leave
 * time before it starts. The request service checks who may (the requester or an approver) and the
 * state; the time is read like `offboard … --at` (zone from the Teams client unless given).
 */
import { InvalidInputError } from '../../core/errors.js';
import { describeLeaveTime, parseLeaveTime } from '../../core/offboard/leave-time.js';
import { requestIdPattern } from '../../core/requests/request-id.js';
import { activityTimeZone } from '../actions/start-or-schedule.js';
import type { Turn } from '../route.js';

const usage =
  'Type `reschedule <request id> <date> <time> [time zone]`, for example `reschedule REQ-20261123-ABCDEF 2026-12-31 17:00 Europe/Paris`.';

export async function rescheduleCommand(turn: Turn, argument: string): Promise<void> {
  const { ctx, deps, actor } = turn;
  const [first = '', ...rest] = argument.split(' ');
  const id = first.toUpperCase();
  const when = rest.join(' ').replace(/["“”]/g, '').trim();
  if (!requestIdPattern.test(id) || when === '') {
    await ctx.sendActivity(usage);
    return;
  }
  const schedule = deps.schedule;
  if (!schedule) {
    await ctx.sendActivity('Scheduled offboarding is not enabled on this bot; nothing was changed.');
    return;
  }
  let leave;
  try {
    leave = parseLeaveTime(when, activityTimeZone(ctx.activity), schedule.clock.now());
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    await ctx.sendActivity(`${error.message} Nothing was changed.`);
    return;
  }
  const decision = await schedule.reschedule(actor, id, undefined, leave);
  await ctx.sendActivity(
    decision.isDone ? `Request ${id} now runs at ${describeLeaveTime(leave)}.` : decision.message,
  );
}
