/**
 * The run use case: turns approved requests into runs, executes them with the shared Runner, shows
 * progress through the `RunReporter` port, finishes each flow's results, and resumes what a crash left
 * behind (a request claimed without a run, or a run finished without its summary) as well as runs a
 * dead instance held. Time comes from the injected clock.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError } from '../errors.js';
import type { FlowRegistry } from '../flows/registry.js';
import type { LifecycleRequest, Principal } from '../model.js';
import type { Clock } from '../ports/clock.js';
import { errorSummary, type Log } from '../ports/log.js';
import type { RunRecord, RunStatus, Store } from '../ports/store.js';
import type { Decision, RequestService } from '../requests/request-service.js';
import type { FinishedRunStatus } from '../runner/events.js';
import { foldJournal } from '../runner/journal-state.js';
import { retryFailedSteps } from '../runner/retry-failed.js';
import type { Runner, RunOutcome } from '../runner/runner.js';
import { summariseRun } from '../runner/summarise-run.js';
import type { FlowResult } from '../flows/flow.js';
import type { Plan } from '../step.js';
import type { RunReporter, RunView } from './run-reporter.js';
import { undoneMessage, undoOf } from '../undo/undo-of.js';

export interface RunServiceDeps {
  store: Store;
  runner: Runner;
  requestService: RequestService;
  flows: FlowRegistry;
  reporter: RunReporter;
  clock: Clock;
  log: Log;
  /** New run ids; default random UUIDs. */
  newRunId?: () => string;
  /**
   * How long a request may stay `running` without a run, or with a finished run and no summary, before
   * the resume poll finishes what its (crashed) starter began. Default 30 s: the runner lease.
   */
  strandedAfterMs?: number;
  /**
   * Approved requests that something else starts: a bulk batch, a joiners file, an offboarding at its
   * leave date. The resume poll starts the other approved requests a crash left behind (see
   * `startApprovedLeftBehind`); without this predicate it starts none.
   */
  isStartedElsewhere?: (request: LifecycleRequest) => boolean;
  /** Where a request's progress goes when its start never saved a target (the requester's chat). */
  requesterTarget?: (requestId: string) => Promise<object | undefined>;
}

/** Where a request's progress goes, saved before its run exists so a crash can't lose it. */
const reportTargetKey = (requestId: string): string => `progress:${requestId}`;
const finishedStatuses: readonly string[] = ['completed', 'completed-with-errors', 'failed', 'cancelled'];
const isFinished = (status: RunStatus): status is FinishedRunStatus => finishedStatuses.includes(status);

/** Stored with the run (JSON). */
interface StoredProgress {
  location?: object;
  startedAt: number;
}

export class RunService {
  private readonly running = new Map<string, Promise<void>>();
  /** Runs this process is creating (planning, showing the first progress). */
  private readonly starting = new Set<string>();
  /** Resume passes in flight: shutdown waits for the runs they execute, as for launched runs. */
  private readonly resuming = new Set<Promise<number>>();

  constructor(private readonly deps: RunServiceDeps) {}

  /**
   * Start an approved request: claim it for a new run id (state `running`), then plan against live
   * state, store the run, show progress and execute. Planning reads live systems and can fail or be
   * cut short by a crash; the claimed request then waits for the resume poll (`resumeAbandoned`)
   * instead of staying `approved` with no run forever. `target` is where progress is shown.
   */
  async start(request: LifecycleRequest, target: object): Promise<string> {
    this.deps.flows.flowFor(request);
    const runId = this.deps.newRunId?.() ?? randomUUID();
    await this.deps.store.conversations.save(reportTargetKey(request.id), target);
    const claimed = await this.deps.requestService.setState(request.id, 'running', { runId });
    if (!claimed.isDone) throw new ConflictError(`Request ${request.id} could not start: ${claimed.message}`);
    this.starting.add(runId);
    try {
      await this.createRun(claimed.request, runId, target);
    } catch (error) {
      this.deps.log.warn(
        { err: errorSummary(error), requestId: request.id },
        'could not start the run now; the resume poll starts it',
      );
    } finally {
      this.starting.delete(runId);
    }
    return runId;
  }

  /**
   * "Retry failed steps" from a card drawn at `version`: the request service checks the actor, the
   * state and the version; the run's failed steps (planning failures re-planned) and the steps they
   * blocked are re-opened, then the run executes again.
   */
  async retryFailed(actor: Principal, requestId: string, version: number): Promise<Decision> {
    const decision = await this.deps.requestService.retry(actor, requestId, version, (request) =>
      this.reopen(request, actor),
    );
    if (decision.isDone && decision.request.runId) this.launch(decision.request.runId);
    return decision;
  }

  async cancel(request: LifecycleRequest): Promise<void> {
    if (request.runId) await this.deps.runner.cancel(request.runId);
  }

  /** Re-opens the failed run of `request`; throws ConflictError when there is nothing to retry. */
  private async reopen(request: LifecycleRequest, actor: Principal): Promise<void> {
    if (!request.runId) throw new ConflictError(`Request ${request.id} has no run to retry`);
    const run = await this.deps.store.runs.get(request.runId);
    if (!run) throw new ConflictError(`Request ${request.id} has no run to retry`);
    // Retrying an undone offboarding would offboard the user again behind the undo's back.
    const undo = request.kind === 'offboard' ? await undoOf(this.deps.store.requests, request) : undefined;
    if (undo) throw new ConflictError(`${undoneMessage(request, undo)}: its failed steps are not retried`);
    const plan = await this.replanned(request, run);
    await retryFailedSteps(this.deps.store, run.id, { actor, ...(plan && { plan }) });
  }

  /**
   * A step whose planning failed has no changes to run: the retry plans it again against live
   * state, with the steps it blocked that never started. Other steps keep their stored plan (their
   * journal knows what was applied). Undefined when no step of the run failed while planning.
   */
  private async replanned(request: LifecycleRequest, run: RunRecord): Promise<Plan | undefined> {
    if (!run.plan.steps.some((s) => s.planError !== undefined)) return undefined;
    const states = foldJournal(await this.deps.store.journal.list(run.id));
    const fresh = new Map(
      (await this.deps.flows.flowFor(request).plan(request)).steps.map((s) => [s.stepId, s]),
    );
    const isUntouched = (stepId: string): boolean => {
      const state = states.get(stepId);
      return state?.outcome === 'skipped' && state.skipKind === 'blocked' && state.changes.size === 0;
    };
    return {
      ...run.plan,
      steps: run.plan.steps.map((planned) => {
        const replacement = fresh.get(planned.stepId);
        const isReplanned = planned.planError !== undefined || isUntouched(planned.stepId);
        return replacement && isReplanned ? replacement : planned;
      }),
    };
  }

  /** Claim and execute every runnable run (queued, or abandoned by a dead process). */
  async resumeAbandoned(): Promise<number> {
    const work = this.resumeAll();
    this.resuming.add(work);
    try {
      return await work;
    } finally {
      this.resuming.delete(work);
    }
  }

  /** Resolves when every run this process started or resumed has finished (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.resuming.size > 0) {
      await Promise.allSettled([...this.running.values(), ...this.resuming]);
    }
  }

  /**
   * Apply what the flow makes ahead of its plan, plan, show the first progress, then store the run with
   * where it is shown (a queued run always knows its progress message, so whichever instance claims it
   * updates that message) and the journal entries of the changes made ahead.
   */
  private async createRun(request: LifecycleRequest, runId: string, target: object): Promise<void> {
    const flow = this.deps.flows.flowFor(request);
    // Made before the plan is read (the containment's first cut); journaled once the run exists.
    const ahead = (await flow.applyAhead?.(request)) ?? [];
    const plan = await flow.plan(request);
    // Planning can take a while (a first permission inventory): another instance may have given up
    // waiting and created the run meanwhile. Its progress message is the one that counts.
    if (await this.deps.store.runs.get(runId)) return;
    const progress: StoredProgress = { startedAt: this.deps.clock.now() };
    // A start killed between showing the progress and storing the run left its message behind: the
    // start that takes over shows the run there instead of posting a second one.
    const shownKey = `run-progress:${runId}`;
    try {
      const shown = (await this.deps.store.state.get(shownKey)) as object | undefined;
      const first: RunView = { request, summary: summariseRun(plan, []), elapsedMs: 0 };
      const location = shown ?? (await this.deps.reporter.open(target, first));
      if (location) {
        progress.location = location;
        if (!shown) await this.deps.store.state.set(shownKey, location);
        // Only now, with its location stored, does the message become the progress card.
        await this.deps.reporter.show?.(location, first);
      }
    } catch (error) {
      this.deps.log.warn({ err: errorSummary(error), requestId: request.id }, 'could not show the progress');
    }
    try {
      await this.deps.store.runs.create({
        id: runId,
        requestId: request.id,
        status: 'queued',
        plan,
        input: flow.inputFor(request),
        progress,
      });
    } catch (error) {
      // Created by another instance between the check above and here: ours is a second message.
      if (!(await this.deps.store.runs.get(runId))) throw error;
      if (progress.location) await this.deps.reporter.withdraw?.(progress.location);
      return;
    }
    if (progress.location) await this.deps.store.state.delete(shownKey);
    for (const entry of ahead) await this.deps.store.journal.append({ ...entry, runId });
    // Cancelled while planning: the run starts cancelled and skips every step.
    const current = await this.deps.store.requests.get(request.id);
    if (current?.state === 'cancelled') await this.deps.store.runs.requestCancel(runId);
    this.launch(runId);
  }

  /**
   * Requests a crashed (or failed) start left `running` without a run get their run; runs that
   * finished while their executor died before the summary get their summary and request state.
   */
  private async resumeStranded(): Promise<void> {
    await this.startApprovedLeftBehind();
    const strandedAfterMs = this.deps.strandedAfterMs ?? 30_000;
    const now = this.deps.clock.now();
    for (const request of await this.deps.store.requests.listByState(['running'], 500)) {
      const runId = request.runId;
      const isBusy = runId !== undefined && (this.running.has(runId) || this.starting.has(runId));
      if (!runId || isBusy || !this.deps.flows.has(request.kind)) continue;
      if (now - Date.parse(request.updatedAt) < strandedAfterMs) continue;
      this.starting.add(runId);
      try {
        const run = await this.deps.store.runs.get(runId);
        if (!run) {
          const target = (await this.deps.store.conversations.get(reportTargetKey(request.id))) as
            object | undefined;
          this.deps.log.info({ requestId: request.id, runId }, 'starting a run a crashed start left behind');
          await this.createRun(request, runId, target ?? {});
        } else if (
          isFinished(run.status) &&
          now - Date.parse(run.finishedAt ?? run.updatedAt) >= strandedAfterMs
        ) {
          this.deps.log.info({ requestId: request.id, runId }, 'finishing a run whose executor stopped');
          await this.finishRun(runId, run.status);
        }
      } catch (error) {
        this.deps.log.warn(
          { err: errorSummary(error), requestId: request.id },
          'resuming a stranded request failed',
        );
      } finally {
        this.starting.delete(runId);
      }
    }
  }

  /**
   * An approver's click records the approval, then the run starts. A process killed in between left
   * the request `approved` with no run, and a second click is refused as already approved: nothing
   * would ever start it. Requests approved by people (a batch's leavers are approved by their batch,
   * which starts them itself), not started by another service (`isStartedElsewhere`), and unchanged
   * for longer than a start takes are started here. The claim of the request is a compare-and-set: an
   * instance starting it meanwhile wins.
   */
  private async startApprovedLeftBehind(): Promise<void> {
    const isStartedElsewhere = this.deps.isStartedElsewhere;
    if (!isStartedElsewhere) return;
    const strandedAfterMs = this.deps.strandedAfterMs ?? 30_000;
    const now = this.deps.clock.now();
    for (const request of await this.deps.store.requests.listByState(['approved'], 500)) {
      if (request.runId !== undefined || !this.deps.flows.has(request.kind)) continue;
      if (!request.approvals.some((a) => a.decision === 'approved')) continue;
      if (isStartedElsewhere(request)) continue;
      if (now - Date.parse(request.updatedAt) < strandedAfterMs) continue;
      try {
        const target =
          ((await this.deps.store.conversations.get(reportTargetKey(request.id))) as object | undefined) ??
          (await this.deps.requesterTarget?.(request.id)) ??
          {};
        this.deps.log.info({ requestId: request.id }, 'starting an approved request a crash left behind');
        await this.start(request, target);
      } catch (error) {
        if (error instanceof ConflictError) continue;
        this.deps.log.warn(
          { err: errorSummary(error), requestId: request.id },
          'starting an approved request failed',
        );
      }
    }
  }

  private async resumeAll(): Promise<number> {
    try {
      await this.resumeStranded();
    } catch (error) {
      this.deps.log.warn({ err: errorSummary(error) }, 'resuming stranded requests failed');
    }
    let count = 0;
    for (;;) {
      const claimed = await this.deps.runner.executeNext({
        onEvent: (e) => {
          this.onEvent(e.runId);
        },
      });
      if (!claimed) return count;
      count++;
      await this.afterRun(claimed);
    }
  }

  private launch(runId: string): void {
    if (this.running.has(runId)) return;
    const work = this.deps.runner
      .execute(runId, {
        onEvent: () => {
          this.onEvent(runId);
        },
      })
      .then((outcome) => this.afterRun(outcome))
      .catch((error: unknown) => {
        this.deps.log.error({ err: errorSummary(error), runId }, 'run failed to execute');
      })
      .finally(() => this.running.delete(runId));
    this.running.set(runId, work);
  }

  private onEvent(runId: string): void {
    void this.locate(runId).then((found) => {
      if (found?.progress.location) {
        this.deps.reporter.update(runId, found.progress.location, () => this.view(runId));
      }
    });
  }

  private async afterRun(outcome: RunOutcome): Promise<void> {
    if (outcome.kind === 'finished') await this.finishRun(outcome.runId, outcome.status);
  }

  /**
   * The flow's results, the summary, then the request's state last: a request still `running` with a
   * finished run means this was cut short, and the resume poll does it again.
   */
  private async finishRun(runId: string, status: FinishedRunStatus): Promise<void> {
    const found = await this.locate(runId);
    if (!found) return;
    const { run, request, progress } = found;
    // A later stage's run (an offboarding's delegation expiry) belongs to its request without being
    // the request's run: the stage worker that created it records it; the request is not touched.
    if (request.runId !== undefined && request.runId !== runId) return;
    const flow = this.deps.flows.flowFor(request);
    // The flow's own results (summary JSON, deletion schedule) exist before anyone sees the summary.
    let results: FlowResult[] = [];
    try {
      results = (await flow.onFinished?.(request, run, status)) ?? [];
    } catch (error) {
      this.deps.log.error({ err: errorSummary(error), runId }, 'finishing the run failed');
    }
    if (progress.location) {
      const view = await this.view(runId);
      // The summary's Retry carries the version the request has once it records this status below.
      const isRecorded = view.request.state !== 'running';
      await this.deps.reporter.finish(runId, progress.location, {
        ...view,
        request: isRecorded
          ? view.request
          : { ...view.request, state: status, version: view.request.version + 1 },
        status,
        links: flow.links?.(run) ?? [],
        keptMeetings: flow.keptMeetings?.(run) ?? [],
        results,
      });
    }
    const finished = await this.deps.requestService.setState(request.id, status);
    if (!finished.isDone) {
      this.deps.log.warn(
        { requestId: request.id, runId, reason: finished.message },
        'request state not updated',
      );
    }
  }

  private async view(runId: string): Promise<RunView> {
    const found = await this.locate(runId);
    if (!found) throw new ConflictError(`Run ${runId} is gone from the store`);
    return {
      request: found.request,
      summary: summariseRun(found.run.plan, await this.deps.store.journal.list(runId)),
      elapsedMs: this.deps.clock.now() - found.progress.startedAt,
    };
  }

  private async locate(
    runId: string,
  ): Promise<{ run: RunRecord; request: LifecycleRequest; progress: StoredProgress } | null> {
    const run = await this.deps.store.runs.get(runId);
    if (!run) return null;
    const request = await this.deps.store.requests.get(run.requestId);
    if (!request) return null;
    const progress = (run.progress ?? { startedAt: Date.parse(run.createdAt) }) as StoredProgress;
    return { run, request, progress };
  }
}
