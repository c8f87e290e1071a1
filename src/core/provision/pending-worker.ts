/**
 * Retries joiners that were not yet in Entra ID: polls the durable queue (`provision.pending`) for due
 * items, provisions those that appeared, reschedules the others with backoff, and reports the ones
 * that passed the horizon. The queue lives in the store, so waiting joiners survive restarts.
 */
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import type { Principal } from '../model.js';
import type { WorkQueue } from '../ports/store.js';
import {
  nextPendingAttempt,
  pendingKind,
  type BatchReport,
  type PendingPayload,
  type ProvisionBatch,
  type ProvisioningConfig,
} from './index.js';

export interface PendingWorkerOptions {
  queue: WorkQueue;
  batch: ProvisionBatch;
  config: ProvisioningConfig;
  clock: Clock;
  /** Who the runs are recorded as requested by. */
  requester: Principal;
  /** Called with each finished attempt's report (provisioned, or given up). */
  onReport: (report: BatchReport) => Promise<void>;
  logger: Log;
  /** Items per poll. */
  batchSize?: number;
}

export class PendingWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly options: PendingWorkerOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.poll();
    }, this.options.config.pending.pollSeconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass over the due items; returns how many were handled. Never throws. */
  poll(): Promise<number> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<number> {
    const { queue, clock, logger } = this.options;
    try {
      const items = await queue.claimDue(pendingKind, clock.now(), this.options.batchSize ?? 20);
      for (const item of items) {
        const payload = item.payload as PendingPayload;
        const report = await this.options.batch.run([{ line: 1, row: payload.row }], {
          requester: { ...this.options.requester, displayName: payload.requestedBy },
          source: `pending queue (attempt ${item.attempts})`,
          isDryRun: false,
          onNotSynced: 'report',
          concurrency: 1,
        });
        const row = report.rows[0];
        if (row?.status !== 'queued') {
          await queue.complete(item.id);
          await this.options.onReport(report);
          continue;
        }
        const retryAt = nextPendingAttempt(
          this.options.config,
          item.attempts,
          payload.firstSeenAt,
          clock.now(),
        );
        await queue.fail(item.id, 'not in Entra ID yet', retryAt);
        if (retryAt === null) {
          const hours = this.options.config.pending.horizonHours;
          await this.options.onReport({
            ...report,
            rows: [
              {
                ...row,
                status: 'failed',
                error: `Still not in Entra ID after ${hours} h (${item.attempts} attempts): check directory sync; no longer retried`,
              },
            ],
          });
        }
      }
      return items.length;
    } catch (error) {
      logger.error(
        { err: error instanceof Error ? { name: error.name, message: error.message } : String(error) },
        'pending joiners pass failed',
      );
      return 0;
    }
  }
}
