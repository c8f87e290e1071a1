/**
 * Turns approved requests into runs and keeps Teams informed: creates the run with a fresh plan,
 * posts the progress card, executes in the background, writes the summary, and resumes runs left
 * behind by a crash (their progress card continues on the same message).
 */
import { randomUUID } from 'node:crypto';
import { MessageFactory, type ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { LifecycleRequest, Principal } from '../core/model.js';
import type { RunRecord, RunStatus, Store } from '../core/ports/store.js';
import type { RequestService } from '../core/requests/request-service.js';
import { retryFailedSteps } from '../core/runner/retry-failed.js';
import type { Runner, RunOutcome } from '../core/runner/runner.js';
import type { FinishedRunStatus } from '../core/runner/events.js';
import { summariseRun } from '../core/runner/summarise-run.js';
import type { Plan } from '../core/step.js';
import { cardAttachment, renderCard, type AdaptiveCardJson } from '../teams/cards/render-card.js';
import { progressCardData, summaryCardData, type SummaryLink } from '../teams/cards/run-card-data.js';
import progressTemplate from '../teams/cards/run-progress.card.json' with { type: 'json' };
import summaryTemplate from '../teams/cards/run-summary.card.json' with { type: 'json' };
import type { ConversationGateway } from '../teams/conversation-gateway.js';
import { errorSummary, ProgressReporter, type ProgressLocation } from '../teams/progress-reporter.js';

/** What the coordinator needs from each flow. */
export interface FlowRunner {
  plan(request: LifecycleRequest): Promise<Plan>;
  runInput(request: LifecycleRequest): unknown;
  /** Links for the summary card (OneDrive…), from the run's journal. */
  links?(run: RunRecord): SummaryLink[];
  /**
   * Called once when the run finished (reports, webhooks, scheduling); may return extra cards to post
   * after the summary (the revoke summary with counts per type).
   */
  onFinished?(request: LifecycleRequest, run: RunRecord, status: RunStatus): Promise<object[] | undefined>;
}

export interface RunCoordinatorDeps {
  store: Store;
  runner: Runner;
  requestService: RequestService;
  flows: Partial<Record<LifecycleRequest['kind'], FlowRunner>>;
  gateway: ConversationGateway;
  logger: Logger;
  /**
   * How long a request may stay `running` without a run, or with a finished run and no summary, before
   * the resume poll finishes what its (crashed) starter began. Default 30 s: the runner lease.
   */
  strandedAfterMs?: number;
}

/** Where a request's progress card goes, saved before its run exists so a crash can't lose it. */
const progressReferenceKey = (requestId: string): string => `progress:${requestId}`;
const finishedStatuses: readonly string[] = ['completed', 'completed-with-errors', 'failed', 'cancelled'];
const isFinished = (status: RunStatus): status is FinishedRunStatus => finishedStatuses.includes(status);

interface StoredProgress {
  location?: ProgressLocation;
  startedAt: number;
}

export class RunCoordinator {
  private readonly reporter: ProgressReporter;
  private readonly running = new Map<string, Promise<void>>();
  /** Runs this process is creating (planning, posting the card). */
  private readonly starting = new Set<string>();
  /** Resume passes in flight: shutdown waits for the runs they execute, as for launched runs. */
  private readonly resuming = new Set<Promise<number>>();

  constructor(private readonly deps: RunCoordinatorDeps) {
    this.reporter = new ProgressReporter(deps.gateway, deps.logger);
  }

  /**
   * Start an approved request: claim it for a new run id (state `running`), then plan against live
   * state, store the run, post progress and execute. Planning reads live systems and can fail or be cut
   * short by a crash; the claimed request then waits for the resume poll (`resumeAbandoned`) instead
   * of staying `approved` with no run forever.
   */
  async start(request: LifecycleRequest, reference: Partial<ConversationReference>): Promise<string> {
    this.flowFor(request);
    const runId = randomUUID();
    await this.deps.store.conversations.save(progressReferenceKey(request.id), reference);
    const claimed = await this.deps.requestService.setState(request.id, 'running', { runId });
    if (!claimed.isDone) throw new Error(`Request ${request.id} could not start: ${claimed.message}`);
    this.starting.add(runId);
    try {
      await this.createRun(claimed.request, runId, reference);
    } catch (error) {
      this.deps.logger.warn(
        { err: errorSummary(error), requestId: request.id },
        'could not start the run now; the resume poll starts it',
      );
    } finally {
      this.starting.delete(runId);
    }
    return runId;
  }

  /**
   * Plan, post the progress card, then store the run with the card's location: a queued run always
   * knows its card, so whichever instance claims it updates that message.
   */
  private async createRun(
    request: LifecycleRequest,
    runId: string,
    reference: Partial<ConversationReference>,
  ): Promise<void> {
    const flow = this.flowFor(request);
    const plan = await flow.plan(request);
    const progress: StoredProgress = { startedAt: Date.now() };
    const card = renderCard(progressTemplate, progressCardData(request, summariseRun(plan, []), 0));
    try {
      const activityId = await this.deps.gateway.send(
        reference,
        MessageFactory.attachment(cardAttachment(card)),
      );
      if (activityId) progress.location = { reference, activityId };
    } catch (error) {
      this.deps.logger.warn(
        { err: errorSummary(error), requestId: request.id },
        'could not post the progress card',
      );
    }
    await this.deps.store.runs.create({
      id: runId,
      requestId: request.id,
      status: 'queued',
      plan,
      input: flow.runInput(request),
      progress,
    });
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
    const strandedAfterMs = this.deps.strandedAfterMs ?? 30_000;
    const now = Date.now();
    for (const request of await this.deps.store.requests.listByState(['running'], 500)) {
      const runId = request.runId;
      const isBusy = runId !== undefined && (this.running.has(runId) || this.starting.has(runId));
      if (!runId || isBusy || now - Date.parse(request.updatedAt) < strandedAfterMs) continue;
      this.starting.add(runId);
      try {
        const run = await this.deps.store.runs.get(runId);
        if (!run) {
          const reference = (await this.deps.store.conversations.get(progressReferenceKey(request.id))) as
            Partial<ConversationReference> | undefined;
          this.deps.logger.info(
            { requestId: request.id, runId },
            'starting a run a crashed start left behind',
          );
          await this.createRun(request, runId, reference ?? {});
        } else if (
          isFinished(run.status) &&
          now - Date.parse(run.finishedAt ?? run.updatedAt) >= strandedAfterMs
        ) {
          this.deps.logger.info({ requestId: request.id, runId }, 'finishing a run whose executor stopped');
          await this.finishRun(runId, run.status);
        }
      } catch (error) {
        this.deps.logger.warn(
          { err: errorSummary(error), requestId: request.id },
          'resuming a stranded request failed',
        );
      } finally {
        this.starting.delete(runId);
      }
    }
  }

  /** Re-open failed steps and run them again. */
  async retryFailed(request: LifecycleRequest, actor: Principal): Promise<void> {
    if (!request.runId) throw new Error(`Request ${request.id} has no run`);
    await retryFailedSteps(this.deps.store, request.runId, { actor });
    await this.deps.requestService.setState(request.id, 'running');
    this.launch(request.runId);
  }

  async cancel(request: LifecycleRequest): Promise<void> {
    if (request.runId) await this.deps.runner.cancel(request.runId);
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

  private async resumeAll(): Promise<number> {
    try {
      await this.resumeStranded();
    } catch (error) {
      this.deps.logger.warn({ err: errorSummary(error) }, 'resuming stranded requests failed');
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

  /** Resolves when every run this process started or resumed has finished (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.resuming.size > 0) {
      await Promise.allSettled([...this.running.values(), ...this.resuming]);
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
        this.deps.logger.error({ err: errorSummary(error), runId }, 'run failed to execute');
      })
      .finally(() => this.running.delete(runId));
    this.running.set(runId, work);
  }

  private onEvent(runId: string): void {
    void this.locate(runId).then((found) => {
      if (found?.progress.location) {
        this.reporter.schedule(runId, found.progress.location, () => this.progressCard(runId));
      }
    });
  }

  private async afterRun(outcome: RunOutcome): Promise<void> {
    if (outcome.kind === 'finished') await this.finishRun(outcome.runId, outcome.status);
  }

  /**
   * Final progress, flow hooks, summary, then the request's state last: a request still `running`
   * with a finished run means this was cut short, and the resume poll does it again.
   */
  private async finishRun(runId: string, status: FinishedRunStatus): Promise<void> {
    const found = await this.locate(runId);
    if (!found) return;
    const { run, request: current, progress } = found;
    if (progress.location) {
      await this.reporter.finish(run.id, progress.location, () => this.progressCard(run.id));
    }
    const summary = summariseRun(run.plan, await this.deps.store.journal.list(run.id));
    const flow = this.flowFor(current);
    // The flow's own results (summary JSON, deletion schedule) exist before anyone sees the summary.
    let extraCards: object[] = [];
    try {
      extraCards = (await flow.onFinished?.(current, run, status)) ?? [];
    } catch (error) {
      this.deps.logger.error({ err: errorSummary(error), runId: run.id }, 'finishing the run failed');
    }
    const data = summaryCardData(
      current,
      status,
      summary,
      Date.now() - progress.startedAt,
      flow.links?.(run) ?? [],
    );
    if (progress.location) {
      try {
        await this.deps.gateway.send(
          progress.location.reference,
          MessageFactory.attachment(cardAttachment(renderCard(summaryTemplate, data))),
        );
      } catch (error) {
        this.deps.logger.warn({ err: errorSummary(error), runId: run.id }, 'could not post the summary card');
      }
    }
    for (const card of extraCards) {
      if (!progress.location) break;
      try {
        await this.deps.gateway.send(
          progress.location.reference,
          MessageFactory.attachment(cardAttachment(card as AdaptiveCardJson)),
        );
      } catch (error) {
        this.deps.logger.warn({ err: errorSummary(error), runId: run.id }, 'could not post a summary card');
      }
    }
    const finished = await this.deps.requestService.setState(current.id, status);
    if (!finished.isDone)
      this.deps.logger.warn(
        { requestId: current.id, runId, reason: finished.message },
        'request state not updated',
      );
  }

  private async progressCard(runId: string): Promise<object> {
    const found = await this.locate(runId);
    if (!found) throw new Error(`Run ${runId} disappeared`);
    const summary = summariseRun(found.run.plan, await this.deps.store.journal.list(runId));
    return renderCard(
      progressTemplate,
      progressCardData(found.request, summary, Date.now() - found.progress.startedAt),
    );
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

  private flowFor(request: LifecycleRequest): FlowRunner {
    const flow = this.deps.flows[request.kind];
    if (!flow) throw new Error(`No flow is configured for ${request.kind} requests`);
    return flow;
  }
}
