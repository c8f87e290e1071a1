/**
 * An approved offboarding with a leave date to come is scheduled (it waits in the work queue), any
 * other approved request starts now. The leave date comes from the request card's date, time and
 * time zone inputs, the zone defaulting to the one the requester's Teams client reports.
 */
import type { Activity } from 'botbuilder';
import { InvalidInputError } from '../../core/errors.js';
import { isTimeZone, leaveTimeAt, type LeaveSchedule } from '../../core/offboard/leave-time.js';
import type { LifecycleRequest } from '../../core/model.js';
import type { Plan } from '../../core/step.js';
import type { BotDeps } from '../bot-deps.js';
import type { Turn } from '../route.js';
import { planKey } from './approval-views.js';

/** Starts the run, or schedules it; returns a refusal message when the request changed meanwhile. */
export async function startOrSchedule(
  deps: BotDeps,
  request: LifecycleRequest,
  target: object,
): Promise<string | null> {
  if (deps.schedule?.isAhead(request)) {
    const approved = ((await deps.store.state.get(planKey(request.id))) ?? { steps: [] }) as Plan;
    const decision = await deps.schedule.schedule(request, target, approved);
    return decision.isDone ? null : decision.message;
  }
  await deps.coordinator.start(request, target);
  return null;
}

/** The zone the requester's Teams client reports (`localTimezone`, or the `clientInfo` entity). */
export function activityTimeZone(activity: Partial<Activity>): string | undefined {
  const entity = activity.entities?.find((e) => e.type === 'clientInfo') as
    { timezone?: unknown } | undefined;
  const zone = activity.localTimezone ?? entity?.timezone;
  return typeof zone === 'string' && isTimeZone(zone) ? zone : undefined;
}

/**
 * The card's leave date: `{ schedule }` when a date and time are given, `{}` (run once approved) when
 * both are empty. Throws InvalidInputError with a message for the requester.
 */
export function scheduleChoice(turn: Turn, form: Record<string, unknown>): { schedule?: LeaveSchedule } {
  const text = (key: string): string => {
    const value = form[key];
    if (value !== undefined && typeof value !== 'string') {
      throw new InvalidInputError('The leave date and time must be text.');
    }
    return (value ?? '').trim();
  };
  const date = text('leaveDate');
  const time = text('leaveTime').slice(0, 5);
  const zone = text('leaveTimeZone');
  if (date === '' && time === '') return {};
  if (date === '' || time === '') {
    throw new InvalidInputError('Give both a leave date and a time, or neither to run once approved.');
  }
  const clock = turn.deps.schedule?.clock ?? turn.deps.clock;
  const defaultZone = activityTimeZone(turn.ctx.activity);
  return { schedule: leaveTimeAt(`${date} ${time}`, zone === '' ? defaultZone : zone, clock.now()) };
}
