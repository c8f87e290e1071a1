/**
 * The Teams side of the `RunReporter` port: one progress card per run, updated in place (coalesced),
 * then the summary card and a card for each of the flow's results (the revoke summary, the containment
 * timeline).
 */
import stagesTemplate from './cards/offboard-stages.card.json' with { type: 'json' };
import { stagesCardData } from './cards/offboard-stages.data.js';
import type { ConversationReference } from 'botbuilder';
import { attachmentMessage } from './message-activity.js';
import type { Logger } from 'pino';
import type { FlowResult } from '../core/flows/flow.js';
import { errorSummary } from '../core/ports/log.js';
import type { FinishedRunView, RunReporter, RunView } from '../core/runs/run-reporter.js';
import { cardAttachment, renderCard, type AdaptiveCardJson } from './cards/render-card.js';
import containTimelineTemplate from './cards/contain-timeline.card.json' with { type: 'json' };
import { containTimelineCardData } from './cards/contain-timeline.data.js';
import { revokeSummaryCard } from './cards/revoke-card-render.js';
import { markdownText as md } from './cards/markdown-text.js';
import { kindTitle } from './cards/plan-card-data.js';
import { progressCardData, summaryCardData } from './cards/run-card-data.js';
import progressTemplate from './cards/run-progress.card.json' with { type: 'json' };
import summaryTemplate from './cards/run-summary.card.json' with { type: 'json' };
import type { ApprovalsStatus } from './approvals-status.js';
import type { ConversationGateway } from './conversation-gateway.js';
import { ProgressReporter, type ProgressLocation } from './progress-reporter.js';

export class TeamsRunReporter implements RunReporter {
  private readonly progress: ProgressReporter;

  /** `approvals`: the approvals channel's status line of each request, moved on at start and end. */
  constructor(
    private readonly gateway: ConversationGateway,
    private readonly logger: Logger,
    /** Proof packs are configured: the summary card offers its Proof pack button. */
    private readonly options: { hasProofPacks?: boolean } = {},
    private readonly approvals?: ApprovalsStatus,
  ) {
    this.progress = new ProgressReporter(gateway, logger);
  }

  /** A one-line "starting" message; `show` makes it the progress card once the core stored its id. */
  async open(target: object, view: RunView): Promise<ProgressLocation | undefined> {
    await this.approvals?.show(view.request);
    const reference = target as Partial<ConversationReference>;
    const { request } = view;
    const activityId = await this.gateway.send(reference, {
      type: 'message',
      text: `${kindTitle(request.kind)} of ${md(request.subject.displayName)} (${request.id}): starting.`,
    });
    return activityId ? { reference, activityId } : undefined;
  }

  async show(location: object, view: RunView): Promise<void> {
    const at = location as ProgressLocation;
    try {
      await this.gateway.update(
        at.reference,
        at.activityId,
        attachmentMessage(cardAttachment(progressCard(view))),
      );
    } catch (error) {
      // The run's first progress update draws it.
      this.logger.warn({ err: errorSummary(error) }, 'could not show the progress card');
    }
  }

  async withdraw(location: object): Promise<void> {
    const at = location as ProgressLocation;
    try {
      await this.gateway.update(at.reference, at.activityId, {
        type: 'message',
        text: 'The progress of this run is shown in the other progress message.',
      });
    } catch (error) {
      this.logger.warn({ err: errorSummary(error) }, 'could not withdraw a second progress message');
    }
  }

  update(runId: string, location: object, view: () => Promise<RunView>): void {
    this.progress.schedule(runId, location as ProgressLocation, async () => progressCard(await view()));
  }

  async finish(runId: string, location: object, view: FinishedRunView): Promise<void> {
    const at = location as ProgressLocation;
    await this.progress.finish(runId, at, () => Promise.resolve(progressCard(view)));
    await this.approvals?.show(view.request, view.summary);
    const summary = summaryCardData(
      view.request,
      view.status,
      view.summary,
      view.elapsedMs,
      view.links,
      view.keptMeetings ?? [],
      { hasProofPacks: this.options.hasProofPacks === true },
    );
    const cards = [renderCard(summaryTemplate, summary), ...view.results.map((r) => resultCard(view, r))];
    for (const card of cards) {
      try {
        await this.gateway.send(at.reference, attachmentMessage(cardAttachment(card)));
      } catch (error) {
        this.logger.warn({ err: errorSummary(error), runId }, 'could not post a summary card');
      }
    }
  }
}

function progressCard(view: RunView): AdaptiveCardJson {
  return renderCard(progressTemplate, progressCardData(view.request, view.summary, view.elapsedMs));
}

function resultCard(view: RunView, result: FlowResult): AdaptiveCardJson {
  switch (result.kind) {
    case 'revoke-summary':
      return revokeSummaryCard(view.request.id, result.summary);
    case 'contain-timeline':
      return renderCard(
        containTimelineTemplate,
        containTimelineCardData(view.request.id, view.request.subject.displayName, result.timeline),
      );
    case 'offboard-stages':
      return renderCard(stagesTemplate, stagesCardData(result.requestId, result.stages));
  }
}
