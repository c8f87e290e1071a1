/**
 * Keeps one progress card per run up to date, in place. Updates are coalesced: at most one per
 * `minIntervalMs` per run (Teams allows 7 sends per second and 60 per 30 s per conversation), and the
 * final state is always written.
 */
import type { ConversationReference } from 'botbuilder';
import { attachmentMessage } from './message-activity.js';
import type { Logger } from 'pino';
import { errorSummary } from '../core/ports/log.js';
import type { ConversationGateway } from './conversation-gateway.js';

export interface ProgressLocation {
  reference: Partial<ConversationReference>;
  activityId: string;
}

export type CardBuilder = () => Promise<object>;

interface Pending {
  timer?: NodeJS.Timeout;
  lastSentAt: number;
  inFlight: Promise<void>;
  build?: CardBuilder;
}

export class ProgressReporter {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly gateway: ConversationGateway,
    private readonly logger: Logger,
    private readonly minIntervalMs = 1500,
  ) {}

  /** Ask for an update; coalesced with others for the same run. */
  schedule(runId: string, location: ProgressLocation, build: CardBuilder): void {
    const entry = this.pending.get(runId) ?? { lastSentAt: 0, inFlight: Promise.resolve() };
    this.pending.set(runId, entry);
    entry.build = build;
    if (entry.timer) return;
    const wait = Math.max(0, entry.lastSentAt + this.minIntervalMs - Date.now());
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      entry.inFlight = entry.inFlight.then(() => this.flush(runId, location, entry));
    }, wait);
  }

  /** Write the final state now and forget the run. */
  async finish(runId: string, location: ProgressLocation, build: CardBuilder): Promise<void> {
    const entry = this.pending.get(runId);
    if (entry?.timer) clearTimeout(entry.timer);
    await entry?.inFlight;
    this.pending.delete(runId);
    await this.write(location, build);
  }

  private async flush(runId: string, location: ProgressLocation, entry: Pending): Promise<void> {
    const build = entry.build;
    entry.build = undefined;
    if (!build) return;
    entry.lastSentAt = Date.now();
    if (this.pending.get(runId) !== entry) return;
    await this.write(location, build);
  }

  private async write(location: ProgressLocation, build: CardBuilder): Promise<void> {
    try {
      const card = await build();
      await this.gateway.update(
        location.reference,
        location.activityId,
        attachmentMessage({
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: card,
        }),
      );
    } catch (error) {
      this.logger.warn({ err: errorSummary(error) }, 'progress card update failed');
    }
  }
}
