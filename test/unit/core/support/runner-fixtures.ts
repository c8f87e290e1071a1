/** A recording target system, steps that change it, and a Runner wired to the in-memory store. */
import { buildPlan, Runner, type RunEvent, type RunnerOptions } from '../../../../src/core/runner/index.js';
import type { JournalEntry, Store } from '../../../../src/core/ports/store.js';
import { fail, ok, type Change, type Plan, type Step, type SystemId } from '../../../../src/core/step.js';
import { createMemoryStore } from '../../../support/memory-store.js';
import { FakeClock } from './fake-clock.js';
import { unusedPorts } from './unused-ports.js';

/** What the target holds: `stepId:key` per change made. Every effective `apply` is recorded. */
export class RecordingTarget {
  readonly state = new Set<string>();
  readonly applied: string[] = [];
  readonly calls: string[] = [];
  private inFlightNow = 0;
  maxInFlight = 0;

  async call<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.calls.push(name);
    this.inFlightNow += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlightNow);
    try {
      return await work();
    } finally {
      this.inFlightNow -= 1;
    }
  }
}

export interface TargetStepOptions {
  system?: SystemId;
  dependsOn?: string[];
  /** Runs before each apply; throw to fail the attempt. */
  beforeApply?: (key: string, attempt: number) => Promise<void> | void;
  beforePlan?: (call: number) => Promise<void> | void;
  verify?: (call: number) => Promise<ReturnType<typeof ok>> | ReturnType<typeof ok>;
}

/** A step that makes each of `keys` once on the target: plan lists the keys not yet made. */
export function targetStep(
  target: RecordingTarget,
  id: string,
  keys: string[],
  options: TargetStepOptions = {},
): Step {
  const attempts = new Map<string, number>();
  let plans = 0;
  let verifies = 0;
  return {
    id,
    system: options.system ?? 'local',
    title: `Step ${id}`,
    dependsOn: options.dependsOn,
    plan: async () =>
      target.call(`${id}.plan`, async () => {
        plans += 1;
        await options.beforePlan?.(plans);
        return keys
          .filter((key) => !target.state.has(`${id}:${key}`))
          .map((key): Change => ({
            key,
            description: `Make ${key}`,
            data: { key },
            before: { isMade: false },
          }));
      }),
    apply: async (change) =>
      target.call(`${id}.apply:${change.key}`, async () => {
        const attempt = (attempts.get(change.key) ?? 0) + 1;
        attempts.set(change.key, attempt);
        await options.beforeApply?.(change.key, attempt);
        const name = `${id}:${change.key}`;
        if (!target.state.has(name)) target.applied.push(name);
        target.state.add(name);
        return { isMade: true };
      }),
    verify: async (changes) =>
      target.call(`${id}.verify`, async () => {
        verifies += 1;
        if (options.verify) return options.verify(verifies);
        const missing = changes.filter((change) => !target.state.has(`${id}:${change.key}`));
        return missing.length === 0 ? ok() : fail(`${missing.length} change(s) missing`);
      }),
  };
}

export interface Harness {
  clock: FakeClock;
  store: Store;
  events: RunEvent[];
  runner: Runner;
  /** Plans `planSteps` (default: all steps) and stores a queued run with that plan. */
  createRun(planSteps?: readonly Step[], runId?: string): Promise<{ runId: string; plan: Plan }>;
  journal(runId?: string): Promise<JournalEntry[]>;
}

export type HarnessOptions = Partial<Omit<RunnerOptions, 'store'>> & { store?: Store };

export function harness(steps: readonly Step[], options: HarnessOptions = {}): Harness {
  const clock = new FakeClock();
  const store = options.store ?? createMemoryStore();
  const events: RunEvent[] = [];
  const runner = new Runner({
    store,
    steps,
    ports: unusedPorts(clock),
    owner: 'runner-test',
    clock,
    random: () => 0.5,
    leaseMs: 600_000,
    onEvent: (event) => events.push(event),
    ...options,
  });
  return {
    clock,
    store,
    events,
    runner,
    createRun: async (planSteps = steps, runId = 'run-1') => {
      const ctx = { input: {}, ports: unusedPorts(clock), signal: new AbortController().signal };
      const plan = await buildPlan(planSteps, ctx, { clock, random: () => 0.5 });
      await store.runs.create({
        id: runId,
        requestId: 'REQ-20261123-TEST',
        status: 'queued',
        plan,
        input: {},
      });
      return { runId, plan };
    },
    journal: (runId = 'run-1') => store.journal.list(runId),
  };
}

/** A promise the test resolves by hand. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Journal lines as compact strings, e.g. `a:k1 applying 1`, `a verified`. */
export function describeJournal(entries: readonly JournalEntry[]): string[] {
  return entries.map((e) =>
    e.changeKey === undefined
      ? `${e.stepId} ${e.phase}`
      : `${e.stepId}:${e.changeKey} ${e.phase} ${e.attempt}`,
  );
}
