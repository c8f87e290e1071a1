/** Data for the progress and summary cards, folded from the plan and the journal. */
import type { LifecycleRequest } from '../../core/model.js';
import type { RunStatus } from '../../core/ports/store.js';
import type { SummaryLink, SummaryMeeting } from '../../core/flows/flow.js';
import type { RunSummary, StepProgressStatus } from '../../core/runner/summarise-run.js';
import { markdownText as md } from './markdown-text.js';

const icons: Record<StepProgressStatus, string> = {
  waiting: '⏳',
  running: '🔄',
  done: '✅',
  failed: '❌',
  skipped: '⏭️',
};

export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** How the delegate's notice went (the step's applied result): Teams 1:1 or e-mail, and why. */
function noticeChannelText(step: RunSummary['steps'][number]): string | undefined {
  if (step.stepId !== 'notify.delegate') return undefined;
  const channels = step.results.flatMap((r) => {
    const result = r as { channel?: unknown; detail?: unknown };
    if (result.channel === 'teams') return ['sent in a Teams 1:1 chat'];
    if (result.channel === 'email') {
      return [`sent by e-mail${typeof result.detail === 'string' ? ` (${result.detail})` : ''}`];
    }
    return [];
  });
  return channels.length > 0 ? channels.join('; ') : undefined;
}

function stepStatusText(step: RunSummary['steps'][number]): string {
  const elapsed = step.elapsedMs !== undefined ? ` · ${formatElapsed(step.elapsedMs)}` : '';
  switch (step.status) {
    case 'done':
      if (step.isNothingToDo) return 'already done, nothing to change';
      return (noticeChannelText(step) ?? `done (${step.appliedCount})`) + elapsed;
    case 'failed':
      return `failed${elapsed}`;
    case 'running':
      return `running (${step.appliedCount}/${step.changeCount})${step.attempts > 1 ? `, attempt ${step.attempts}` : ''}`;
    case 'skipped':
      return 'skipped';
    case 'waiting':
      return 'waiting';
  }
}

export function progressCardData(request: LifecycleRequest, summary: RunSummary, elapsedMs: number) {
  return {
    title: `Offboarding ${md(request.subject.displayName)}`.replace(
      'Offboarding',
      request.kind === 'offboard'
        ? 'Offboarding'
        : request.kind === 'revoke'
          ? 'Removing mailbox permissions of'
          : request.kind === 'contain'
            ? 'Containing'
            : request.kind === 'undo'
              ? 'Undoing the offboarding of'
              : 'Provisioning',
    ),
    statusText: summary.isFinished
      ? 'Finished'
      : `Running: ${summary.counts.done} of ${summary.steps.length} steps finished`,
    elapsedText: formatElapsed(elapsedMs),
    requestId: request.id,
    version: request.version,
    steps: summary.steps.map((s) => ({
      icon: icons[s.status],
      title: md(s.title),
      statusText: stepStatusText(s),
    })),
    isCancellable: !summary.isFinished,
  };
}

const finalTexts: Record<Exclude<RunStatus, 'queued' | 'running'>, { text: string; color: string }> = {
  completed: { text: 'Completed', color: 'Good' },
  'completed-with-errors': { text: 'Completed with errors', color: 'Warning' },
  failed: { text: 'Failed', color: 'Attention' },
  cancelled: { text: 'Cancelled', color: 'Warning' },
};

const summaryTitles: Record<LifecycleRequest['kind'], string> = {
  offboard: 'Offboarding of',
  revoke: 'Mailbox permission removal for',
  provision: 'Provisioning of',
  contain: 'Containment of',
  undo: 'Undo of the offboarding of',
};

/** "Weekly sales sync: recurring series, next on 2026-12-07 09:00 UTC, 3 attendees". */
export function keptMeetingText(m: SummaryMeeting): string {
  const when = `${m.start.slice(0, 10)} ${m.start.slice(11, 16)} UTC`;
  const recurrence = m.isRecurring ? `recurring series, next on ${when}` : `single meeting on ${when}`;
  const attendees = `${String(m.attendeeCount)} attendee${m.attendeeCount === 1 ? '' : 's'}`;
  return `**${md(m.subject || '(no subject)')}**: ${recurrence}, ${attendees}`;
}
const isFinishedStatus = (status: RunStatus): boolean => status !== 'queued' && status !== 'running';

export function summaryCardData(
  request: LifecycleRequest,
  status: RunStatus,
  summary: RunSummary,
  elapsedMs: number,
  links: SummaryLink[],
  keptMeetings: readonly SummaryMeeting[] = [],
  options: { hasProofPacks?: boolean } = {},
) {
  const final =
    status === 'queued' || status === 'running' ? { text: 'Running', color: 'Default' } : finalTexts[status];
  const c = summary.counts;
  const alreadyDone = summary.steps.filter((s) => s.status === 'done' && s.isNothingToDo).length;
  return {
    title: `${summaryTitles[request.kind]} ${md(request.subject.displayName)}: ${final.text}`,
    color: final.color,
    requestId: request.id,
    version: request.version,
    statusText: final.text,
    countsText: `${c.done - alreadyDone} done, ${alreadyDone} already done, ${c.failed} failed, ${c.skipped} skipped`,
    changesText: `${summary.changes.applied} of ${summary.changes.total} applied`,
    elapsedText: formatElapsed(elapsedMs),
    steps: summary.steps.map((s) => ({
      icon: icons[s.status],
      title: md(s.title),
      detail: s.error ? `${stepStatusText(s)}: ${md(s.error)}` : stepStatusText(s),
    })),
    errors: summary.steps
      .filter((s) => s.status === 'failed')
      .map((s) => `${md(s.title)}: ${md(s.error ?? 'failed')}`),
    links,
    meetings: keptMeetings.map((m) => ({ text: keptMeetingText(m) })),
    canRetry: status === 'completed-with-errors' || status === 'failed',
    // Offered once the run is over; the click is checked on the server (approvers and auditors).
    canProve: options.hasProofPacks === true && status !== 'queued' && status !== 'running',
    // An offboarding that changed something can be undone (`undo <request id>`).
    canUndo: request.kind === 'offboard' && isFinishedStatus(status) && summary.changes.applied > 0,
  };
}
