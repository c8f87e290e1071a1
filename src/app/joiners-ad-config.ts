/**
 * Settings of the joiners trigger from an AD group (`JOINERS_AD_*`), part of `loadConfig`: off while
 * `JOINERS_AD_GROUP_DN` is unset. Every problem is listed with the variable's name.
 */
import { z } from 'zod';
import { isSameDn, parseDn } from '../core/directory/dn.js';
import type { AdGroupJoinersSettings } from '../core/provision/ad-group-joiners.js';
import { parseCron } from '../core/schedule/cron.js';

const dnProblem = (value: string): string | undefined => {
  try {
    if (parseDn(value).length < 2) return 'must be a full distinguished name (CN=…,OU=…,DC=…)';
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
};

const dn = z
  .string()
  .trim()
  .max(2048)
  .superRefine((value, ctx) => {
    const problem = dnProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const followUp = z
  .string()
  .trim()
  .transform((value, ctx): AdGroupJoinersSettings['followUp'] => {
    if (value === 'remove') return { kind: 'remove' };
    const move = /^move:(.+)$/s.exec(value);
    const problem = move?.[1] ? dnProblem(move[1].trim()) : 'must be remove or move:<licensed group DN>';
    if (problem || !move?.[1]) {
      ctx.addIssue({
        code: 'custom',
        message: `must be remove or move:<licensed group DN> (${problem ?? ''})`,
      });
      return z.NEVER;
    }
    return { kind: 'move', licensedGroupDn: move[1].trim() };
  });

export const joinersAdSchema = z.object({
  /** The group whose members are provisioned; unset: the trigger is off. */
  JOINERS_AD_GROUP_DN: dn.optional(),
  /** When the group is read (five-field cron, UTC). */
  JOINERS_AD_SCHEDULE: z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      try {
        parseCron(value);
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: 'must be a five-field cron expression (minute hour day month weekday, UTC)',
        });
      }
    })
    .optional(),
  /** What happens in AD after a member is provisioned. */
  JOINERS_AD_FOLLOW_UP: followUp.optional(),
  /** Members handled per run, oldest first. */
  JOINERS_AD_MAX_PER_RUN: z.coerce.number().int().min(1).max(5000).optional(),
});

export const joinersAdDefaults = { schedule: '*/15 * * * *', maxPerRun: 100 } as const;

/**
 * The trigger's settings (undefined: off) and the problems found. `hasDirectory`: AD_* is configured;
 * `hasMapping`: a licence mapping will be loaded (PROVISIONING_CONFIG_FILE, or sandbox mode).
 */
export function joinersAdSettings(
  env: NodeJS.ProcessEnv,
  context: { hasDirectory: boolean; hasMapping: boolean },
): { settings: AdGroupJoinersSettings | undefined; problems: string[] } {
  const present = Object.fromEntries(
    Object.keys(joinersAdSchema.shape).flatMap((key) => {
      const value = env[key];
      return value === undefined || value === '' ? [] : [[key, value]];
    }),
  );
  const parsed = joinersAdSchema.safeParse(present);
  if (!parsed.success) {
    return {
      settings: undefined,
      problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    };
  }
  const e = parsed.data;
  const groupDn = e.JOINERS_AD_GROUP_DN;
  if (groupDn === undefined) {
    const orphans = Object.keys(present);
    return {
      settings: undefined,
      problems:
        orphans.length > 0
          ? [
              `${orphans.join(', ')} ${orphans.length === 1 ? 'needs' : 'need'} JOINERS_AD_GROUP_DN (the trigger is off without it)`,
            ]
          : [],
    };
  }
  const problems: string[] = [];
  if (!context.hasDirectory) {
    problems.push(
      'JOINERS_AD_GROUP_DN needs the AD connection (AD_URL, AD_BIND_DN, AD_BIND_PASSWORD, AD_BASE_DN)',
    );
  }
  if (!context.hasMapping) {
    problems.push('JOINERS_AD_GROUP_DN needs the licence mapping (PROVISIONING_CONFIG_FILE)');
  }
  const follow = e.JOINERS_AD_FOLLOW_UP ?? { kind: 'remove' };
  if (follow.kind === 'move' && isSameDn(follow.licensedGroupDn, groupDn)) {
    problems.push('JOINERS_AD_FOLLOW_UP: the licensed group must differ from JOINERS_AD_GROUP_DN');
  }
  if (problems.length > 0) return { settings: undefined, problems };
  return {
    settings: {
      groupDn,
      schedule: e.JOINERS_AD_SCHEDULE ?? joinersAdDefaults.schedule,
      followUp: follow,
      maxPerRun: e.JOINERS_AD_MAX_PER_RUN ?? joinersAdDefaults.maxPerRun,
    },
    problems: [],
  };
}
