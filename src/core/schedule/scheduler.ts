/**
 * Scheduled jobs on the durable work queue: one item per job (kind `schedule.job`, keyed by the job's
 * name), due at the job's next cron time. An instance runs a job only after claiming its item, so one
 * instance at a time runs it; the claim is renewed every third of `claimMs` while the job runs and a
 * claim that lapses (the instance died) makes the job due again on any instance (at-least-once: jobs
 * must be idempotent). After each run the item is enqueued again for the next cron time after the
 * run finished (runs that were missed while it ran, or while no instance was up, collapse into one),
 * carrying the last run's times, result and one-line summary for `jobs`.
 *
 * Other triggers add jobs with `register` before `start`.
 */
import { z } from 'zod';
import { describeError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import type { QueueItem, WorkQueue } from '../ports/store.js';
import { sleepUnlessAborted } from '../runner/retrying.js';
import { parseCron, type CronSchedule } from './cron.js';

export const jobQueueKind = 'schedule.job';

export interface ScheduledJob {
  /** Stable name, the queue key: lower case letters, digits, dots and dashes. */
  name: string;
  /** One line for `jobs`. */
  description: string;
  /** Five-field cron expression, UTC (`cron.ts`). */
  schedule: string;
  /**
   * Asked when the scheduler starts: true makes the job due at once (the inventory was never built).
   * A job new to the store is otherwise first due at its next cron time.
   */
  isDueAtStart?: () => Promise<boolean>;
  /**
   * When `isDueAtStart` says so, the job is due this long after the start rather than at once: the
   * first turns after a restart are answered before a long job takes its share of the process.
   */
  startDelayMs?: number;
  /** After a failure, the job is due again after this long, unless its next cron time is sooner. Default 5 min. */
  retryAfterMs?: number;
  /** How long a claim lasts without renewal. Default 5 min. */
  claimMs?: number;
  /** Does the work; returns a one-line result. The signal aborts when the claim was lost or on stop. */
  run(signal: AbortSignal): Promise<string>;
}

export interface JobRunRecord {
  startedAt: number;
  finishedAt: number;
  result: 'succeeded' | 'failed';
  /** The job's one-line result, or the error's message. */
  summary: string;
  /** The instance that ran it. */
  by: string;
}

export interface JobStatus {
  name: string;
  description: string;
  schedule: string;
  /** `running`: claimed by an instance whose claim is live; `stopped`: no longer scheduled. */
  state: 'scheduled' | 'running' | 'stopped';
  /** When it is due next (epoch ms); absent while running. */
  nextRunAt?: number;
  lastRun?: JobRunRecord;
}

const payloadSchema = z.object({
  schedule: z.string(),
  description: z.string().optional(),
  lastRun: z
    .object({
      startedAt: z.number(),
      finishedAt: z.number(),
      result: z.enum(['succeeded', 'failed']),
      summary: z.string(),
      by: z.string(),
    })
    .optional(),
});
type JobPayload = z.infer<typeof payloadSchema>;

const namePattern = /^[a-z][a-z0-9.-]{0,63}$/;
const defaultClaimMs = 5 * 60_000;
const defaultRetryAfterMs = 5 * 60_000;

export interface JobSchedulerDeps {
  queue: WorkQueue;
  clock: Clock;
  log: Log;
  /** This instance's id, recorded with each run. */
  owner: string;
  /** How often due jobs are looked for. Default 30 s. */
  pollMs?: number;
}

interface Registered {
  job: ScheduledJob;
  cron: CronSchedule;
}

export class JobScheduler {
  private readonly jobs = new Map<string, Registered>();
  private loop: Promise<void> | undefined;
  private readonly stopping = new AbortController();

  constructor(private readonly deps: JobSchedulerDeps) {}

  /** Adds a job. Throws `InvalidInputError` for a bad name or cron expression, or a name used twice. */
  register(job: ScheduledJob): void {
    if (!namePattern.test(job.name)) throw new Error(`Bad job name "${job.name.slice(0, 70)}"`);
    if (this.jobs.has(job.name)) throw new Error(`The job ${job.name} is registered twice`);
    this.jobs.set(job.name, { job, cron: parseCron(job.schedule) });
  }

  get names(): string[] {
    return [...this.jobs.keys()];
  }

  /**
   * Puts every registered job in the store (due at its next cron time, or now when `isDueAtStart`
   * says so) and moves a job whose schedule changed to its new next time. A job another instance
   * is running is left alone.
   */
  async init(): Promise<void> {
    const { queue, clock } = this.deps;
    for (const { job, cron } of this.jobs.values()) {
      const now = clock.now();
      const item = await queue.get(jobQueueKind, job.name);
      if (item?.status === 'claimed' && item.nextAttemptAt > now) continue;
      const payload = item ? payloadOf(item) : { schedule: job.schedule, description: job.description };
      const isDueNow = (await job.isDueAtStart?.()) ?? false;
      const isCurrent =
        item !== null &&
        item.status === 'pending' &&
        payload.schedule === job.schedule &&
        payload.description === job.description &&
        (!isDueNow || item.nextAttemptAt <= now + (job.startDelayMs ?? 0));
      if (isCurrent) continue;
      await queue.enqueue({
        kind: jobQueueKind,
        key: job.name,
        payload: { ...payload, schedule: job.schedule, description: job.description },
        notBeforeMs: isDueNow ? now + (job.startDelayMs ?? 0) : cron.nextAfter(now),
      });
    }
  }

  /** Claims and runs every registered job that is due, one after the other. Returns the names run. */
  async runDue(): Promise<string[]> {
    const ran: string[] = [];
    for (const registered of this.jobs.values()) {
      if (this.stopping.signal.aborted) break;
      const claimMs = registered.job.claimMs ?? defaultClaimMs;
      const item = await this.deps.queue.claimKey(
        jobQueueKind,
        registered.job.name,
        this.deps.clock.now(),
        claimMs,
      );
      if (!item) continue;
      await this.runClaimed(registered, item, claimMs);
      ran.push(registered.job.name);
    }
    return ran;
  }

  /** Initialises, then looks for due jobs every `pollMs` until `stop`. */
  start(): void {
    if (this.loop) return;
    const { clock, log } = this.deps;
    const signal = this.stopping.signal;
    this.loop = (async () => {
      let isInitialised = false;
      do {
        try {
          if (!isInitialised) {
            await this.init();
            isInitialised = true;
          }
          await this.runDue();
        } catch (error) {
          log.error({ err: describeError(error) }, 'scheduled jobs: polling failed');
        }
      } while (await sleepUnlessAborted(clock, this.deps.pollMs ?? 30_000, signal));
    })();
  }

  /** Stops polling; a job in progress is asked to stop (its signal aborts) and awaited. */
  async stop(): Promise<void> {
    this.stopping.abort(new Error('The scheduler is stopping'));
    await this.loop;
  }

  /**
   * Every job in the store or registered here, by name, with its last and next run. Works without
   * registrations (the command line): the store keeps each job's schedule and description.
   */
  async list(): Promise<JobStatus[]> {
    const now = this.deps.clock.now();
    const items = await this.deps.queue.list(jobQueueKind, undefined, 500);
    const byName = new Map(items.map((item) => [item.key, item]));
    const names = [...new Set([...this.jobs.keys(), ...byName.keys()])].sort();
    return names.map((name) => {
      const registered = this.jobs.get(name);
      const item = byName.get(name);
      const payload = item ? payloadOf(item) : undefined;
      const isRunning = item?.status === 'claimed' && item.nextAttemptAt > now;
      const status: JobStatus = {
        name,
        description: registered?.job.description ?? payload?.description ?? '',
        schedule: registered?.job.schedule ?? payload?.schedule ?? '',
        state: isRunning
          ? 'running'
          : item === undefined || item.status === 'pending' || item.status === 'claimed'
            ? 'scheduled'
            : 'stopped',
      };
      if (item && !isRunning && item.status !== 'done' && item.status !== 'dead') {
        status.nextRunAt = item.nextAttemptAt;
      }
      if (payload?.lastRun) status.lastRun = payload.lastRun;
      return status;
    });
  }

  private async runClaimed(registered: Registered, item: QueueItem, claimMs: number): Promise<void> {
    const { queue, clock, log, owner } = this.deps;
    const { job, cron } = registered;
    const run = new AbortController();
    const onStop = (): void => {
      run.abort(this.stopping.signal.reason);
    };
    this.stopping.signal.addEventListener('abort', onStop, { once: true });
    const keeper = new AbortController();
    const keeping = (async () => {
      while (await sleepUnlessAborted(clock, Math.floor(claimMs / 3), keeper.signal)) {
        const isHeld = await queue
          .extendClaim(item.id, item.attempts, clock.now() + claimMs)
          .catch((error: unknown) => {
            log.warn({ err: describeError(error), job: job.name }, 'scheduled job: claim renewal failed');
            return true; // the claim may outlive the store's hiccup; the fence after the run decides
          });
        if (!isHeld) {
          run.abort(new Error(`Another instance took over the job ${job.name}`));
          return;
        }
      }
    })();

    const startedAt = clock.now();
    let lastRun: JobRunRecord;
    log.info({ job: job.name }, 'scheduled job started');
    try {
      const summary = await job.run(run.signal);
      lastRun = {
        startedAt,
        finishedAt: clock.now(),
        result: 'succeeded',
        summary: summary.slice(0, 500),
        by: owner,
      };
      log.info({ job: job.name, summary: lastRun.summary }, 'scheduled job finished');
    } catch (error) {
      const described = describeError(error);
      lastRun = {
        startedAt,
        finishedAt: clock.now(),
        result: 'failed',
        summary: described.message.slice(0, 500),
        by: owner,
      };
      log.error({ job: job.name, err: described }, 'scheduled job failed');
    } finally {
      keeper.abort();
      await keeping;
      this.stopping.signal.removeEventListener('abort', onStop);
    }

    const finishedAt = lastRun.finishedAt;
    const nextAt =
      lastRun.result === 'succeeded'
        ? cron.nextAfter(finishedAt)
        : Math.min(cron.nextAfter(finishedAt), finishedAt + (job.retryAfterMs ?? defaultRetryAfterMs));
    // Fence: record the run only while the claim is still ours (another instance may have taken it).
    if (!(await queue.extendClaim(item.id, item.attempts, clock.now() + claimMs))) {
      log.warn({ job: job.name }, 'scheduled job: the claim was lost; the run is not recorded');
      return;
    }
    const payload: JobPayload = { schedule: job.schedule, description: job.description, lastRun };
    await queue.enqueue({ kind: jobQueueKind, key: job.name, payload, notBeforeMs: nextAt });
    await queue.complete(item.id);
  }
}

function payloadOf(item: QueueItem): JobPayload {
  const parsed = payloadSchema.safeParse(item.payload);
  return parsed.success ? parsed.data : { schedule: '' };
}
