/**
 * Undo and restore (`undo <request id>`, `restore <upn>`): a request of its own kind that reverses a
 * finished offboarding from its journal's before-states, in reverse dependency order, after the same
 * confirmation and approval as an offboarding. `restore` first brings the deleted user back from
 * Entra deleted items (30 days), then undoes its offboarding. When the run ends, each reversed change
 * is recorded `undone` in the offboarding's journal, so it is never reversed twice.
 */
import type { LifecycleRequest, Principal } from '../model.js';
import type { Policy } from '../policy/policy.js';
import type { Ports } from '../ports/index.js';
import type { AuditLog, Journal, RequestStore, RunRecord, RunStore } from '../ports/store.js';
import type { RequestService } from '../requests/request-service.js';
import { buildPlan } from '../runner/build-plan.js';
import { foldJournal } from '../runner/journal-state.js';
import type { SystemLimiter } from '../runner/system-limits.js';
import type { Plan, Step } from '../step.js';
import type { Flow, FlowResult, PrepareOutcome } from '../flows/flow.js';
import { assertPlannable } from '../flows/registry.js';
import type { OffboardInput } from '../offboard/offboard-input.js';
import { undoOf } from './undo-of.js';
import type { UndoInput, UndoOptions } from './undo-input.js';
import { recordedChanges, reverseDependencies } from './undo-plan.js';
import { entraRestoreUser, undoStepOf, undoStepPrefix } from './undo-steps.js';

/** Entra ID keeps deleted users this long, then purges them. */
export const deletedUserRetentionDays = 30;

export type UndoPrepareResult = PrepareOutcome<{ plan: Plan; irreversible: string[] }>;

export interface UndoFlowDeps {
  ports: Ports;
  requests: RequestStore;
  runs: Pick<RunStore, 'get'>;
  journal: Pick<Journal, 'list' | 'append'>;
  requestService: RequestService;
  policy: Policy;
  /** Every step an offboarding can run (its catalogue and the revoke steps it borrows). */
  offboardSteps: readonly Step<OffboardInput>[];
  limiter?: SystemLimiter;
  /** The audit trail, read by `restore` for the staged deletion's evidence. */
  audit?: Pick<AuditLog, 'list'>;
}

/** How far the directory's deletion time may run ahead of our clock and still be the audited one. */
const clockSkewMs = 10 * 60_000;

/** Offboardings that ran, wholly or partly: an undo can reverse what they applied. */
const undoableStates: readonly string[] = ['completed', 'completed-with-errors', 'failed', 'cancelled'];

export class UndoFlow implements Flow<UndoInput> {
  readonly kind = 'undo';
  readonly steps: readonly Step<UndoInput>[];
  private readonly inverses: ReadonlyMap<string, Step<UndoInput>>;

  constructor(private readonly deps: UndoFlowDeps) {
    const inverses = new Map<string, Step<UndoInput>>();
    for (const step of deps.offboardSteps) {
      const inverse = undoStepOf(step);
      if (inverse) inverses.set(step.id, inverse);
    }
    this.inverses = inverses;
    this.steps = [entraRestoreUser, ...inverses.values()];
  }

  /** `undo <request id>`: the undo of a finished offboarding, awaiting the requester's confirmation. */
  async prepare(actor: Principal, targetRequestId: string): Promise<UndoPrepareResult> {
    const may = await this.deps.policy.canRequest(actor, 'undo');
    if (!may.isAllowed) return { kind: 'refused', message: may.reason };
    const target = await this.deps.requests.get(targetRequestId);
    if (!target) return refused(`Request ${targetRequestId} does not exist; nothing was changed.`);
    return this.prepareFor(actor, target);
  }

  /**
   * `restore <upn>`: the user's latest offboarding that ran, when the user is in deleted items (deleted
   * at most 30 days ago) and no live user holds the UPN; the undo restores the user first.
   */
  async prepareRestore(actor: Principal, userPrincipalName: string): Promise<UndoPrepareResult> {
    const may = await this.deps.policy.canRequest(actor, 'undo');
    if (!may.isAllowed) return { kind: 'refused', message: may.reason };
    const upn = userPrincipalName.toLowerCase();
    const target = (await this.deps.requests.listBySubject(upn, 50)).find(
      (r) =>
        r.kind === 'offboard' &&
        r.runId !== undefined &&
        undoableStates.includes(r.state) &&
        r.subject.userPrincipalName.toLowerCase() === upn,
    );
    if (!target) {
      return refused(`No offboarding of ${userPrincipalName} ran here: there is nothing to restore.`);
    }
    const deleted = await this.deps.ports.accounts.getDeletedUser(target.subject.id);
    if (!deleted) {
      const live = await this.deps.ports.users.getUser(target.subject.id);
      return refused(
        live
          ? `${userPrincipalName} is not deleted: type \`undo ${target.id}\` to undo its offboarding.`
          : `${userPrincipalName} is not in deleted items: it was never deleted here or was purged after ${String(deletedUserRetentionDays)} days. Nothing was changed.`,
      );
    }
    const ageMs = this.deps.ports.clock.now() - Date.parse(deleted.deletedDateTime);
    if (ageMs > deletedUserRetentionDays * 86_400_000) {
      return refused(
        `${userPrincipalName} was deleted on ${deleted.deletedDateTime.slice(0, 10)}, more than ${String(deletedUserRetentionDays)} days ago: Entra ID no longer restores it. Nothing was changed.`,
      );
    }
    const holder = await this.deps.ports.users.getUser(target.subject.userPrincipalName);
    if (holder && holder.id !== target.subject.id) {
      return refused(
        `A live user (${holder.displayName}) now holds ${userPrincipalName}: restoring would conflict. Nothing was changed.`,
      );
    }
    return this.prepareFor(actor, target, target.subject.id);
  }

  private async prepareFor(
    actor: Principal,
    target: LifecycleRequest,
    restoreUserId?: string,
  ): Promise<UndoPrepareResult> {
    if (target.kind !== 'offboard') {
      return refused(`Request ${target.id} is not an offboarding: only offboardings can be undone.`);
    }
    if (!undoableStates.includes(target.state) || !target.runId) {
      return refused(
        `Request ${target.id} is ${target.state}: only a completed (or partly completed) offboarding can be undone.`,
      );
    }
    const earlier = await this.earlierUndo(target);
    if (earlier) {
      return refused(
        `The offboarding ${target.id} already has an undo (${earlier.id}, ${earlier.state}); it is not undone twice.`,
      );
    }
    // Read now: a deleted user's groups are gone from the directory (and from any cache) only lately.
    // A deleted user's can't be read at all: judged on what was recorded.
    const deletedRecord = restoreUserId === undefined ? undefined : await this.deletionEvidence(target);
    const check = deletedRecord
      ? await this.deps.policy.checkDeletedSubject(actor, target.subject, 'undo', deletedRecord)
      : await this.deps.policy.checkSubject(actor, target.subject, 'undo', { isFresh: true });
    if (!check.decision.isAllowed) return { kind: 'refused', message: check.decision.reason };
    if (restoreUserId === undefined && (await this.isDeleted(target))) {
      return refused(
        `${target.subject.userPrincipalName} was deleted: type \`restore ${target.subject.userPrincipalName}\` to restore it and undo its offboarding.`,
      );
    }
    const run = await this.deps.runs.get(target.runId);
    if (!run) return refused(`The run of ${target.id} is not recorded; nothing can be undone.`);
    const { recorded, irreversible } = recordedChanges(
      run,
      await this.deps.journal.list(run.id),
      this.deps.offboardSteps,
    );
    const options: UndoOptions = {
      targetRequestId: target.id,
      targetRunId: run.id,
      original: run.input,
      recorded,
      irreversible,
      ...(restoreUserId !== undefined && { restoreUserId }),
      // Confirm and approve judge the deleted user's protection on the same record.
      ...(deletedRecord && { deletedRecord }),
    };
    const plan = await this.planFor(options, run);
    if (plan.steps.every((s) => s.changes.length === 0 && s.planError === undefined)) {
      return {
        kind: 'nothing-to-do',
        message: `Nothing the offboarding ${target.id} changed is left to undo${irreversible.length > 0 ? ` (what can't be undone: ${irreversible.join('; ')})` : ''}.`,
      };
    }
    const request = await this.deps.requestService.create({
      kind: 'undo',
      subject: target.subject,
      options: { ...options },
      requester: actor,
      approvalsRequired: check.approvalsRequired,
      ...(target.ticketId !== undefined && { ticketId: target.ticketId }),
    });
    return { kind: 'ready', request, plan, irreversible };
  }

  /**
   * What the store knows about the deleted user's protection: whether the staged deletion of this
   * offboarding deleted it (having found it disabled and not protected just before; the deletion in
   * deleted items is that one, not a later one by hand) and the groups its offboarding recorded.
   */
  private async deletionEvidence(
    target: LifecycleRequest,
  ): Promise<{ wasJudgedUnprotected: boolean; recordedGroupIds: string[] }> {
    const deleted = await this.deps.ports.accounts.getDeletedUser(target.subject.id);
    const events = this.deps.audit ? await this.deps.audit.list({ requestId: target.id, limit: 1000 }) : [];
    const deletedAtMs = deleted ? Date.parse(deleted.deletedDateTime) : Number.NaN;
    const wasJudgedUnprotected = events.some(
      (e) =>
        e.type === 'deletion.applied' &&
        // The audit follows the call; a deletion after it (restored and deleted again by hand) isn't it.
        deletedAtMs <= Date.parse(e.at) + clockSkewMs,
    );
    const run = target.runId ? await this.deps.runs.get(target.runId) : null;
    const recordedGroupIds = (run?.plan.steps ?? [])
      .filter((s) => s.stepId === 'entra.remove-groups')
      .flatMap((s) => s.changes.map((c) => String(c.data['groupId'])));
    return { wasJudgedUnprotected, recordedGroupIds };
  }

  private async isDeleted(target: LifecycleRequest): Promise<boolean> {
    if (await this.deps.ports.users.getUser(target.subject.id)) return false;
    return (await this.deps.ports.accounts.getDeletedUser(target.subject.id)) !== null;
  }

  /**
   * An undo of the same offboarding that counts: any but one rejected, or cancelled before it ran.
   * (`listBySubject` is newest first; the offboarding's subject is the undo's.)
   */
  private earlierUndo(target: LifecycleRequest): Promise<LifecycleRequest | undefined> {
    return undoOf(this.deps.requests, target);
  }

  inputFor(request: LifecycleRequest): UndoInput {
    return request.options as unknown as UndoInput;
  }

  /** The request card's choices: an undo has none; its plan was decided when it was asked for. */
  readChoices(request: LifecycleRequest): Promise<object> {
    return Promise.resolve(request.options);
  }

  async plan(request: LifecycleRequest): Promise<Plan> {
    const options = this.inputFor(request);
    const run = await this.deps.runs.get(options.targetRunId);
    if (!run) throw new Error(`The run ${options.targetRunId} of ${options.targetRequestId} is gone`);
    return this.planFor(options, run);
  }

  private async planFor(options: UndoOptions, run: RunRecord): Promise<Plan> {
    const hasRestore = options.restoreUserId !== undefined;
    const order = reverseDependencies(
      run,
      options.recorded.map((r) => r.stepId),
      hasRestore,
    );
    const steps: Step<UndoInput>[] = hasRestore ? [entraRestoreUser] : [];
    for (const r of options.recorded) {
      const inverse = this.inverses.get(r.stepId);
      if (inverse) steps.push({ ...inverse, dependsOn: order.get(inverse.id) ?? [] });
    }
    const plan = await buildPlan(
      steps,
      { input: options, ports: this.deps.ports, signal: new AbortController().signal },
      {
        clock: this.deps.ports.clock,
        priority: 'interactive',
        ...(this.deps.limiter && { limiter: this.deps.limiter }),
      },
    );
    return assertPlannable(this, plan);
  }

  /** Records each reversed change `undone` in the offboarding's journal (once, even after a retry). */
  async onFinished(request: LifecycleRequest, run: RunRecord): Promise<FlowResult[]> {
    const options = this.inputFor(request);
    const states = foldJournal(await this.deps.journal.list(run.id));
    const target = await this.deps.journal.list(options.targetRunId);
    const marked = new Set(
      target.filter((e) => e.phase === 'undone').map((e) => `${e.stepId}\n${e.changeKey ?? ''}`),
    );
    const at = new Date(this.deps.ports.clock.now()).toISOString();
    for (const [stepId, state] of states) {
      if (!stepId.startsWith(undoStepPrefix)) continue;
      const original = stepId.slice(undoStepPrefix.length);
      for (const [changeKey, change] of state.changes) {
        if (change.phase !== 'applied' || marked.has(`${original}\n${changeKey}`)) continue;
        await this.deps.journal.append({
          runId: options.targetRunId,
          stepId: original,
          changeKey,
          phase: 'undone',
          attempt: 1,
          after: { undoRequestId: request.id, undoRunId: run.id },
          at,
        });
      }
    }
    return [];
  }
}

function refused(message: string): UndoPrepareResult {
  return { kind: 'refused', message };
}
