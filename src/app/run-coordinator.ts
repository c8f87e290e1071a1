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
  onFinished?(
    request: LifecycleRequest,
    run: RunRecord,
    status: RunStatus,
  ): Promise<object[] | undefined>;
}

export interface RunCoordinatorDeps {
  store: Store;
  runner: Runner;
  requestService: RequestService;
  flows: Partial<Record<LifecycleRequest['kind'], FlowRunner>>;
  gateway: ConversationGateway;
  logger: Logger;
}

interface StoredProgress {
  location?: ProgressLocation;
  startedAt: number;
}

export class RunCoordinator {
  private readonly reporter: ProgressReporter;
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly deps: RunCoordinatorDeps) {
    this.reporter = new ProgressReporter(deps.gateway, deps.logger);
  }

  /** Start an approved request: plan against live state, store the run, post progress, execute. */
  async start(request: LifecycleRequest, reference: Partial<ConversationReference>): Promise<string> {
    const flow = this.flowFor(request);
    const plan = await flow.plan(request);
    const runId = randomUUID();
    await this.deps.store.runs.create({
      id: runId,
      requestId: request.id,
      status: 'queued',
      plan,
      input: flow.runInput(request),
    });
    const started = await this.deps.requestService.setState(request.id, 'running', { runId });
    const current = started.isDone ? started.request : request;
    const progress: StoredProgress = { startedAt: Date.now() };
    const card = renderCard(progressTemplate, progressCardData(current, summariseRun(plan, []), 0));
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
    await this.deps.store.runs.setProgress(runId, progress);
    this.launch(runId);
    return runId;
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

  /** Resolves when every run started by this process has finished (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
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
    if (outcome.kind !== 'finished') return;
    const found = await this.locate(outcome.runId);
    if (!found) return;
    const { run, request, progress } = found;
    const finished = await this.deps.requestService.setState(request.id, outcome.status);
    const current = finished.isDone ? finished.request : request;
    if (progress.location) {
      await this.reporter.finish(run.id, progress.location, () => this.progressCard(run.id));
    }
    const summary = summariseRun(run.plan, await this.deps.store.journal.list(run.id));
    const flow = this.flowFor(current);
    const data = summaryCardData(
      current,
      outcome.status,
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
    let extraCards: object[] = [];
    try {
      extraCards = (await flow.onFinished?.(current, run, outcome.status)) ?? [];
    } catch (error) {
      this.deps.logger.error({ err: errorSummary(error), runId: run.id }, 'finishing the run failed');
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
