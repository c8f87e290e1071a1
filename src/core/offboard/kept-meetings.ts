/**
 * The meetings an offboarding kept for the delegate ("list" choice): the ones its planned handover
 * notice names. Read from the run's plan, so the summary shows what the delegate was told.
 */
import { z } from 'zod';
import type { SummaryMeeting } from '../flows/flow.js';
import type { RunRecord } from '../ports/store.js';
import { notifyDelegate } from './notice-step.js';

const meetingsSchema = z.array(
  z.object({
    subject: z.string(),
    start: z.string(),
    isRecurring: z.boolean(),
    attendeeCount: z.number().int().nonnegative(),
  }),
);

export function keptMeetingsOf(run: RunRecord): SummaryMeeting[] {
  const notice = run.plan.steps.find((s) => s.stepId === notifyDelegate.id)?.changes[0]?.data['notice'];
  const meetings = (notice as { meetings?: unknown } | undefined)?.meetings;
  const parsed = meetingsSchema.safeParse(meetings ?? []);
  return parsed.success
    ? parsed.data.map(({ subject, start, isRecurring, attendeeCount }) => ({
        subject,
        start,
        isRecurring,
        attendeeCount,
      }))
    : [];
}
