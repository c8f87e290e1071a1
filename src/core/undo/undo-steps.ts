/**
 * The undo of an offboarding, step by step. Each offboarding step with an `undo` gets an inverse step
 * (`undo.<step id>`) whose changes are the ones the offboarding applied, in reverse order. Whether a
 * change is still in effect is read from the live tenant by planning the original step again with the
 * offboarding's input: a change that step would make again has been reversed (by this undo, or by
 * someone by hand). That read-back is the inverse step's `plan` (only changes still in effect) and its
 * `verify` (none left), so a resumed undo never reverses a change twice.
 */
import { NotFoundError } from '../errors.js';
import type { OffboardInput } from '../offboard/offboard-input.js';
import { fail, ok, type Change, type Step, type StepContext } from '../step.js';
import type { UndoInput } from './undo-input.js';

export const undoStepPrefix = 'undo.';
export const undoStepId = (stepId: string): string => `${undoStepPrefix}${stepId}`;

/** The deleted user is brought back before every other undo step (`restore <upn>`). */
export const restoreUserStepId = 'entra.restore-user';

/** Why an offboarding step can't be reversed, for the undo card, approvers and the summary. */
const irreversibleTexts: Record<string, string> = {
  'ad.reset-password': 'The AD password was reset: set a new one for the user',
  'entra.reset-password': 'The password was reset: set a new one for the user',
  'entra.revoke-sessions': 'Sign-in sessions were revoked: the user signs in again',
  'entra.remove-sign-in-methods':
    'Sign-in methods (MFA, Authenticator, FIDO2…) were deleted: the user registers them again',
  'intune.retire-devices': 'Retired devices lost their company data: they enrol again',
  'intune.wipe-devices': 'Wiped devices stay wiped',
  'exo.remove-mobile-devices': 'Mobile mail partnerships were removed: phones set up mail again',
  'exo.cancel-meetings': 'Cancelled meetings stay cancelled (attendees were told)',
  'spo.remove-anonymous-links':
    'Removed anonymous sharing links can’t be recreated (a new link has a new URL)',
  'notify.delegate': 'The delegate was told of the handover',
};

export function irreversibleText(stepId: string, title: string): string {
  return irreversibleTexts[stepId] ?? `${title}: can’t be undone`;
}

type Ctx = StepContext<UndoInput>;

/** The offboarding step's own context: its input as that run stored it. */
function originalContext(ctx: Ctx): StepContext<OffboardInput> {
  return { input: ctx.input.original as OffboardInput, ports: ctx.ports, signal: ctx.signal };
}

/**
 * The recorded changes still in effect: those the original step would not make again now. While the
 * user is deleted (before the restore step ran), nothing can be read and every change is in effect.
 */
async function stillInEffect(
  step: Step<OffboardInput>,
  changes: readonly Change[],
  ctx: Ctx,
): Promise<Change[]> {
  let again: Set<string>;
  try {
    again = new Set((await step.plan(originalContext(ctx))).map((c) => c.key));
  } catch (error) {
    if (error instanceof NotFoundError) return [...changes];
    throw error;
  }
  return changes.filter((c) => !again.has(c.key));
}

/** The inverse of `step`, or undefined when the step has no `undo`. */
export function undoStepOf(step: Step<OffboardInput>): Step<UndoInput> | undefined {
  const reverse = step.undo?.bind(step);
  if (!reverse) return undefined;
  return {
    id: undoStepId(step.id),
    system: step.system,
    title: `Undo: ${step.title}`,
    async plan(ctx) {
      const recorded = ctx.input.recorded.find((r) => r.stepId === step.id)?.changes ?? [];
      if (recorded.length === 0) return [];
      // Last applied, first reversed (a group regains its old owner before the delegate goes).
      const pending = await stillInEffect(step, [...recorded].reverse(), ctx);
      return pending.map((c) => ({ ...c, description: `Undo: ${c.description}` }));
    },
    apply: (change, ctx) => reverse(change, originalContext(ctx)),
    async verify(changes, ctx) {
      const left = await stillInEffect(step, changes, ctx);
      return left.length === 0 ? ok() : fail(`${String(left.length)} change(s) still in effect`);
    },
  };
}

/** `restore <upn>`: the soft-deleted user comes back from deleted items with its cloud memberships. */
export const entraRestoreUser: Step<UndoInput> = {
  id: restoreUserStepId,
  system: 'entra',
  title: 'Restore the deleted user',
  async plan(ctx) {
    const userId = ctx.input.restoreUserId;
    if (!userId) return [];
    const deleted = await ctx.ports.accounts.getDeletedUser(userId);
    if (!deleted) return [];
    return [
      {
        key: 'restore',
        description: `Restore ${deleted.userPrincipalName} from deleted items`,
        data: { userId },
        before: { deletedDateTime: deleted.deletedDateTime },
      },
    ];
  },
  apply: (change, ctx) => ctx.ports.accounts.restoreUser(String(change.data['userId'])),
  async verify(changes, ctx) {
    for (const c of changes) {
      const user = await ctx.ports.users.getUser(String(c.data['userId']));
      if (!user) return fail('The user is not back yet');
    }
    return ok();
  },
};
