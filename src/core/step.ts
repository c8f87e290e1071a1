/**
 * Steps: the unit of change. A step plans (read-only), applies one change at a time (idempotent),
 * verifies by reading back, and where possible undoes from a recorded before-state.
 * Steps never log, retry, sleep or talk to Teams: the runner does that.
 */
import type { Ports } from './ports/index.js';

/** The target system a step talks to; the runner bounds concurrency per system. */
export type SystemId = 'ad' | 'entra' | 'exchange' | 'sharepoint' | 'teams' | 'mail' | 'local';

/** One planned change. JSON only: it is stored in the plan and the journal. */
export interface Change {
  /** Stable key unique within its step, e.g. `full-access:finance@contoso.com`. */
  key: string;
  /** What the change does, for cards and the journal ("Grant FullAccess on ada@ to bob@"). */
  description: string;
  /** Operation data passed to `apply`. */
  data: Record<string, unknown>;
  /** State read at plan time, kept for the journal and for `undo`. */
  before?: unknown;
  /**
   * The state the change leaves once applied (what `verify` reads back), journaled as the after-state
   * when `apply` returns nothing, so the export shows before and after for every change.
   */
  after?: unknown;
  /**
   * Planned without reading the target, by a quick preview (`StepContext.isQuickPreview`): a line for a
   * card, never applied. A run plans from live state; the runner refuses a plan that holds one.
   */
  isPreviewOnly?: true;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };
export const ok = (): VerifyResult => ({ ok: true });
export const fail = (reason: string): VerifyResult => ({ ok: false, reason });

/** What every step sees: the request's subject and options, and the ports. */
export interface StepContext<TInput = unknown> {
  input: TInput;
  ports: Ports;
  /** Aborted when the run is cancelled. */
  signal: AbortSignal;
  /**
   * Set when the plan is a preview (a request card, a confirmation, a bulk list) rather than a run's:
   * steps answer from what is stored (the permission inventory as it is) and start no long scan.
   */
  isPreview?: boolean;
  /**
   * Set on a preview someone waits for in chat, of a leaver who is not done yet: a step may leave out a
   * read that would only refine a line of the card, never what is approved nor whether there is
   * anything to do (such a change is `isPreviewOnly`). Fewer reads per card keep cards fast when many
   * are asked for at once; the run's own plan reads live state before any change.
   */
  isQuickPreview?: boolean;
}

export interface Step<TInput = unknown> {
  /** Stable dotted id stored in the journal (`ad.disable-account`). Renaming it is a migration. */
  readonly id: string;
  readonly system: SystemId;
  /** Short title for cards ("Disable the AD account"). */
  readonly title: string;
  /** Step ids that must finish (verified or skipped) before this one starts. */
  readonly dependsOn?: readonly string[];
  /**
   * A run plans this step when it starts, not with the rest of the run's plan: its planning can wait
   * minutes on long work (the first permission inventory), which must hold back neither the steps that
   * cut a leaver off nor a connection slot, so the step bounds its own calls. Previews still plan it (from
   * what is stored). Its changes are written into the stored plan before the first is applied.
   */
  readonly isPlannedAtStart?: boolean;
  /** Read-only. An empty list means "already done". */
  plan(ctx: StepContext<TInput>): Promise<Change[]>;
  /** Make one change. Must be idempotent. May return the after-state for the journal. */
  apply(change: Change, ctx: StepContext<TInput>): Promise<unknown>;
  /**
   * Make several planned changes of this step in one call (all or none; idempotent), where the target
   * API takes them together: one write instead of one per change against a write budget. The runner
   * journals each change as before (`applying`, then `applied` with its after-state) and falls back to
   * `apply` for a change left in doubt by a crash.
   */
  applyTogether?(changes: readonly Change[], ctx: StepContext<TInput>): Promise<void>;
  /** Read the source of truth back after all changes were applied. */
  verify(changes: readonly Change[], ctx: StepContext<TInput>): Promise<VerifyResult>;
  /** Reverse one applied change from its recorded before-state. */
  undo?(change: Change, ctx: StepContext<TInput>): Promise<void>;
}

/** A step and its planned changes, as stored with a run. */
export interface PlannedStep {
  stepId: string;
  system: SystemId;
  title: string;
  dependsOn: string[];
  changes: Change[];
  /** Set when the policy excluded the step; the reason is shown and the step is skipped. */
  skippedReason?: string;
  /**
   * Set when planning the step failed (after retries): the run records the step as failed, blocks
   * what depends on it, and "Retry failed steps" plans it again.
   */
  planError?: string;
  /** Warnings found while planning (licence needed for hold, group-inherited licence…). */
  warnings?: string[];
  /** Planned when the step starts (`Step.isPlannedAtStart`): until then `changes` is empty. */
  isPlannedAtStart?: boolean;
}

export interface Plan {
  steps: PlannedStep[];
}
