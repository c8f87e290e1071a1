/** `jobs` as text (Teams and the command line): each job's schedule, last run and next run. */
import type { JobStatus } from './scheduler.js';

function when(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  return `${Math.round(seconds / 60)} min`;
}

function until(ms: number): string {
  if (ms <= 0) return 'due now';
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 120) return `in ${minutes} min`;
  return `in ${Math.round(minutes / 60)} h`;
}

export interface JobLines {
  title: string;
  lastRun: string;
  nextRun: string;
}

/** Plain text; callers escape it for their surface. */
export function jobLines(status: JobStatus, nowMs: number): JobLines {
  const last = status.lastRun;
  const lastRun = last
    ? `Last run: ${when(last.startedAt)}, ${last.result} after ${duration(last.finishedAt - last.startedAt)} on ${last.by}: ${last.summary}`
    : 'Last run: never';
  const nextRun =
    status.state === 'running'
      ? 'Next run: running now'
      : status.nextRunAt === undefined
        ? 'Next run: not scheduled'
        : `Next run: ${when(status.nextRunAt)} (${until(status.nextRunAt - nowMs)})`;
  const schedule = status.schedule === '' ? '' : ` (${status.schedule})`;
  const description = status.description === '' ? '' : ` — ${status.description}`;
  return { title: `${status.name}${schedule}${description}`, lastRun, nextRun };
}
