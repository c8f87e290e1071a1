/**
 * The offboarding's stages relative to the leave date, from the stages policy file
 * (`OFFBOARD_STAGES_FILE`, JSON). Stage 0 is the offboarding run itself, at the leave time; the
 * delegation expiry removes the delegate's mailbox and OneDrive access a number of days later, with a
 * notice to the delegate some days before; the account deletion is the request's "delete after N days".
 */
import { z } from 'zod';

const dayMs = 86_400_000;

export const stagePolicySchema = z
  .object({
    /** Days after the leave date at which the delegate's access ends; null: it never ends. */
    delegationExpiryDays: z.number().int().min(1).max(3650).nullable().default(30),
    /** Days before the expiry at which the delegate gets a notice with an "Extend" button. */
    expiryNoticeDaysBefore: z.number().int().min(0).max(365).default(7),
    /** Days an approved extension adds to the expiry. */
    extensionDays: z.number().int().min(1).max(365).default(30),
    /** How many extensions one delegation may get. */
    maxExtensions: z.number().int().min(0).max(20).default(2),
  })
  .strict()
  .refine((p) => p.delegationExpiryDays === null || p.expiryNoticeDaysBefore < p.delegationExpiryDays, {
    message: 'expiryNoticeDaysBefore must be less than delegationExpiryDays',
  });

export type StagePolicy = z.infer<typeof stagePolicySchema>;

/** The defaults: access ends 30 days after the leave date, notice 7 days before, 2 extensions of 30 days. */
export const defaultStagePolicy: StagePolicy = stagePolicySchema.parse({});

/** Parses the policy file's text; throws with every problem listed. */
export function parseStagePolicy(text: string, source = 'the stages policy file'): StagePolicy {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = stagePolicySchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`);
    throw new Error(`${source} is invalid: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** When the delegation expires and its notice is due, for a leave time (epoch ms); null: no expiry. */
export function expiryTimes(
  policy: StagePolicy,
  leaveAtMs: number,
): { dueMs: number; noticeMs: number } | null {
  if (policy.delegationExpiryDays === null) return null;
  const dueMs = leaveAtMs + policy.delegationExpiryDays * dayMs;
  return { dueMs, noticeMs: noticeTime(policy, dueMs) };
}

/** The notice's due time for an expiry due at `dueMs`. */
export const noticeTime = (policy: StagePolicy, dueMs: number): number =>
  dueMs - policy.expiryNoticeDaysBefore * dayMs;

export const daysMs = (days: number): number => days * dayMs;
