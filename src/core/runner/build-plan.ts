/**
 * Builds a plan by calling every step's read-only `plan`, in dependency order, independent steps in
 * parallel. Planning never crashes the whole plan: a step whose planning fails is kept with a
 * `planError`, after retryable failures were retried like applies; the run records it as failed.
 */
import { describeError } from '../errors.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { Change, Plan, PlannedStep, Step, StepContext, SystemId } from '../step.js';
import { resolveRetryPolicy, type RandomSource, type RetryPolicy } from './retry-policy.js';
import { attemptCall, retrying } from './retrying.js';
import { planReads } from './plan-reads.js';
import { assertAcyclic } from './step-order.js';
import { SystemLimiter, type LimiterPriority } from './system-limits.js';

export interface BuildPlanOptions {
  clock?: Clock;
  random?: RandomSource;
  retry?: Partial<RetryPolicy>;
  /** Share the Runner's limits so planning respects the same per-system caps. */
  limiter?: SystemLimiter;
  /** `interactive` when someone waits for this plan in chat: its reads go before background work. */
  priority?: LimiterPriority;
  /**
   * Per system, a read most of its steps share (the leaver's mailbox), already asked through the
   * plan's shared-reads view: the system's steps wait for it before they take a slot, so they don't
   * hold slots while one of them asks it. A failure is left to the steps (they ask again, and report).
   */
  warmUp?: Partial<Record<SystemId, Promise<unknown>>>;
}

/**
 * A dependency on a step that is not in `steps` is dropped: flows leave out steps the options exclude,
 * and what depends on them may run. Throws `InvalidInputError` on duplicate ids or a cycle.
 */
export async function buildPlan<TInput>(
  steps: readonly Step<TInput>[],
  stepContext: StepContext<TInput>,
  options: BuildPlanOptions = {},
): Promise<Plan> {
  // Steps asking the same thing share one read (see plan-reads.ts).
  const ctx: StepContext<TInput> = { ...stepContext, ports: planReads(stepContext.ports) };
  const ids = new Set(steps.map((step) => step.id));
  const dependsOn = (step: Step<TInput>): string[] => (step.dependsOn ?? []).filter((id) => ids.has(id));
  assertAcyclic(steps.map((step) => ({ id: step.id, dependsOn: dependsOn(step) })));

  // A plan is read while someone waits for the preview: throttling counts against the attempts at once.
  const policy = resolveRetryPolicy({ maxThrottledWaitMs: 0, ...options.retry });
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const limiter = options.limiter ?? new SystemLimiter();
  const planning = new Map<string, Promise<PlannedStep>>();

  const planStep = async (step: Step<TInput>): Promise<PlannedStep> => {
    await Promise.all(dependsOn(step).flatMap((id) => planning.get(id) ?? []));
    const base = { stepId: step.id, system: step.system, title: step.title, dependsOn: dependsOn(step) };
    // A run's plan leaves it to the step's start (see `Step.isPlannedAtStart`).
    if (step.isPlannedAtStart && !ctx.isPreview) return { ...base, changes: [], isPlannedAtStart: true };
    await options.warmUp?.[step.system]?.catch(() => undefined);
    const result = await retrying(
      () => attemptCall(() => limiter.run(step.system, () => step.plan(ctx), options.priority)),
      {
        policy,
        clock,
        random,
        signal: ctx.signal,
      },
    );
    if (result.ok) {
      const checked = storedChanges(result.value);
      return 'error' in checked
        ? { ...base, changes: [], planError: checked.error }
        : { ...base, changes: checked.changes };
    }
    const { message } = describeError(result.error);
    const tries = result.attempts > 1 ? ` after ${result.attempts} attempts` : '';
    return { ...base, changes: [], planError: `Planning failed${tries}: ${message}` };
  };

  // Steps are registered in input order, so a dependency's promise exists before it is awaited:
  // `planStep` awaits nothing before reading `planning`, and `assertAcyclic` ruled out cycles.
  const ordered = orderByDependencies(steps, dependsOn);
  for (const step of ordered) planning.set(step.id, planStep(step));
  const planned = await Promise.all(steps.flatMap((step) => planning.get(step.id) ?? []));
  return { steps: planned };
}

function orderByDependencies<TInput>(
  steps: readonly Step<TInput>[],
  dependsOn: (step: Step<TInput>) => string[],
): Step<TInput>[] {
  const byId = new Map(steps.map((step) => [step.id, step]));
  const ordered: Step<TInput>[] = [];
  const seen = new Set<string>();
  const visit = (step: Step<TInput>): void => {
    if (seen.has(step.id)) return;
    seen.add(step.id);
    for (const id of dependsOn(step)) {
      const dependency = byId.get(id);
      if (dependency) visit(dependency);
    }
    ordered.push(step);
  };
  for (const step of steps) visit(step);
  return ordered;
}

/**
 * What a step's `plan` returned, as it is stored: JSON fields only, keys unique within the step (the
 * journal finds changes by key).
 */
export function storedChanges(changes: readonly Change[]): { changes: Change[] } | { error: string } {
  const duplicate = firstDuplicateKey(changes);
  if (duplicate !== undefined) return { error: `Planning returned the change ${duplicate} twice` };
  return { changes: changes.map(toStoredChange) };
}

/** Keeps only the JSON fields of a change: the plan is stored. */
function toStoredChange(change: Change): Change {
  const stored: Change = { key: change.key, description: change.description, data: change.data };
  if (change.before !== undefined) stored.before = change.before;
  if (change.after !== undefined) stored.after = change.after;
  if (change.isPreviewOnly) stored.isPreviewOnly = true;
  return stored;
}

/** Change keys identify changes in the journal, so they must be unique within a step. */
function firstDuplicateKey(changes: readonly Change[]): string | undefined {
  const keys = new Set<string>();
  for (const change of changes) {
    if (keys.has(change.key)) return change.key;
    keys.add(change.key);
  }
  return undefined;
}
