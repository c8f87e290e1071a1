/**
 * The containment's first cut: as soon as the request is claimed for its run (at the click when no
 * approval is needed, at the approval that releases it otherwise), the user's sign-in sessions are
 * revoked, before the rest of the plan reads anything. Revoking needs no read and changes nothing the
 * plan reads. Blocking sign-in stays in the run (it starts there at once, with everything else): done
 * ahead, it would make the plan of the cloud password reset find a disabled account and skip it.
 *
 * The revocation is recorded like a runner's change: `applying` before the call, then `applied` with an
 * audit event, or `failed`. The run does not exist yet (its plan is read after the cut), so the entries
 * are kept under the request in the key-value store, written ahead of the call, and the run service
 * appends them to the run's journal as soon as it stores the run. The revoke step always plans its one
 * change, so the runner finds it applied and only verifies it; a failed cut is applied again by the run.
 * A resumed start returns what was recorded instead of cutting again.
 */
import { describeError } from '../errors.js';
import type { LifecycleRequest } from '../model.js';
import { entraRevokeSessions } from '../offboard/entra-steps.js';
import type { OffboardInput } from '../offboard/offboard-input.js';
import type { AuditLog, JournalEntry, KeyValueStore } from '../ports/store.js';
import type { SystemLimiter } from '../runner/system-limits.js';
import type { StepContext } from '../step.js';

/** A journal entry of the first cut, without its run id (the run is stored after the cut). */
export type FirstCutEntry = Omit<JournalEntry, 'runId' | 'id'>;

/** What is kept under the request while the run does not exist yet. */
interface FirstCutRecord {
  runId: string;
  entries: FirstCutEntry[];
}

export interface FirstCutDeps {
  state: Pick<KeyValueStore, 'get' | 'set'>;
  audit: Pick<AuditLog, 'append'>;
  limiter?: SystemLimiter;
}

const firstCutKey = (requestId: string): string => `contain-first-cut:${requestId}`;

/**
 * Revokes the sign-in sessions of the request's subject, once per run, with the revoke step's own plan
 * (which reads nothing) and apply. Only a request claimed for its run (`running`, with a run id) is cut:
 * the policy, the protected-account rule and the approvals decided that already. Returns the journal
 * entries to append to the run.
 */
export async function cutFirst(
  deps: FirstCutDeps,
  request: LifecycleRequest,
  ctx: StepContext<OffboardInput>,
): Promise<FirstCutEntry[]> {
  const runId = request.runId;
  if (request.state !== 'running' || runId === undefined) return [];
  const stored = (await deps.state.get(firstCutKey(request.id))) as FirstCutRecord | null | undefined;
  if (stored && stored.runId === runId) return stored.entries;

  const record: FirstCutRecord = { runId, entries: [] };
  const now = (): string => new Date(ctx.ports.clock.now()).toISOString();
  const save = (entry: FirstCutEntry): Promise<void> => {
    record.entries.push(entry);
    return deps.state.set(firstCutKey(request.id), record);
  };
  const step = entraRevokeSessions;
  for (const change of await step.plan(ctx)) {
    const entry = { stepId: step.id, changeKey: change.key, attempt: 1 };
    const states = change.before !== undefined ? { before: change.before } : {};
    await save({ ...entry, phase: 'applying', ...states, at: now() });
    let after: unknown;
    try {
      const call = () => step.apply(change, ctx);
      after =
        (await (deps.limiter ? deps.limiter.run(step.system, call, 'interactive') : call())) ?? change.after;
    } catch (error) {
      await save({ ...entry, phase: 'failed', error: describeError(error), at: now() });
      continue;
    }
    const at = now();
    // Audit first, as the runner does: an applied change is never missing from the audit log.
    await deps.audit.append({
      at,
      type: 'step.applied',
      requestId: request.id,
      runId,
      actor: { system: 'contain:first-cut' },
      details: {
        stepId: step.id,
        changeKey: change.key,
        description: change.description,
        attempt: 1,
        before: change.before,
        after,
        isReconciled: false,
        isFirstCut: true,
      },
    });
    await save({ ...entry, phase: 'applied', ...states, ...(after !== undefined && { after }), at });
  }
  return record.entries;
}
