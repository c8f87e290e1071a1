/** Data for the request (plan preview) and approval cards. Pure functions; formatting lives here. */
import type { StagePolicy } from '../../core/offboard/stage-policy.js';
import { plannedStages } from './offboard-stages.data.js';
import type { LifecycleRequest } from '../../core/model.js';
import type { Plan } from '../../core/step.js';
import { describeLeaveTime, leaveScheduleOf } from '../../core/offboard/leave-time.js';
import { markdownText as md } from './markdown-text.js';

export interface PlanStepData {
  marker: string;
  title: string;
  changesText: string;
}

export function planStepsData(plan: Plan): {
  steps: PlanStepData[];
  warnings: string[];
  changeCount: number;
} {
  const steps = plan.steps.map((s) => {
    const title = md(s.title);
    const unplanned = s.planError ?? s.skippedReason;
    if (unplanned) return { marker: '⚠️', title, changesText: `can't plan: ${md(unplanned)}` };
    if (s.changes.length === 0) return { marker: '✔️', title, changesText: 'nothing to do' };
    // A change described by the step's own title says nothing more ("Set a random password").
    const same = (text: string): boolean => text.trim().toLowerCase() === s.title.trim().toLowerCase();
    const described = s.changes.map((c) => c.description).filter((text) => !same(text));
    if (described.length === 0) {
      return {
        marker: '➡️',
        title,
        changesText: s.changes.length === 1 ? 'to do' : `${s.changes.length} changes`,
      };
    }
    // Change descriptions carry tenant data (mailbox addresses, group names): escaped like user text.
    const first = described.slice(0, 3).map(md);
    const more = s.changes.length > first.length ? `, and ${s.changes.length - first.length} more` : '';
    return { marker: '➡️', title, changesText: `${first.join('; ')}${more}` };
  });
  const warnings = plan.steps.flatMap((s) => (s.warnings ?? []).map((w) => `${md(s.title)}: ${md(w)}`));
  const changeCount = plan.steps.reduce((n, s) => n + s.changes.length, 0);
  return { steps, warnings, changeCount };
}

const kindTitles: Record<LifecycleRequest['kind'], string> = {
  offboard: 'Offboarding',
  revoke: 'Mailbox permission removal',
  provision: 'Joiner provisioning',
  contain: 'Incident containment',
  undo: 'Undo of the offboarding',
};

/** "Offboarding", "Mailbox permission removal", … */
export function kindTitle(kind: LifecycleRequest['kind']): string {
  return kindTitles[kind];
}

const statusTexts: Partial<Record<LifecycleRequest['state'], string>> = {
  'awaiting-confirmation': 'Waiting for the requester to confirm',
  'awaiting-approval': 'Waiting for approval',
  approved: 'Approved, starting',
  scheduled: 'Scheduled',
  running: 'Running',
  completed: 'Completed',
  'completed-with-errors': 'Completed with errors',
  failed: 'Failed',
  cancelled: 'Cancelled',
  rejected: 'Rejected',
};

/** States a request can still be cancelled in from its approval card. */
export function isCancellable(state: LifecycleRequest['state']): boolean {
  return state === 'awaiting-approval' || state === 'approved' || state === 'running';
}

/** The request's state for people, with who rejected it and why (escaped: ready for Markdown). */
export function statusText(request: LifecycleRequest): string {
  const base = statusTexts[request.state] ?? request.state;
  const schedule = request.kind === 'offboard' ? leaveScheduleOf(request.options) : undefined;
  if (schedule && request.state === 'scheduled') return `${base} for ${md(describeLeaveTime(schedule))}`;
  if (schedule && (request.state === 'awaiting-approval' || request.state === 'awaiting-confirmation')) {
    return `${base} (leave time ${md(describeLeaveTime(schedule))})`;
  }
  const rejection = request.approvals.find((a) => a.decision === 'rejected');
  if (request.state === 'rejected' && rejection) {
    const who = md(rejection.approver.displayName ?? 'an approver');
    return `${base} by ${who}${rejection.reason ? `: ${md(rejection.reason)}` : ''}`;
  }
  return base;
}

/**
 * What an approved offboarding also does beyond the plan's steps, shown to approvers: the automatic
 * reply's text (sent to every correspondent) and the staged deletion of the account after the run.
 */
export function laterEffects(request: LifecycleRequest, stagePolicy?: StagePolicy): string[] {
  if (request.kind !== 'offboard') return [];
  const options = request.options;
  const effects: string[] = [];
  const autoReply = options['autoReply'];
  if (typeof autoReply === 'string' && autoReply.trim() !== '') {
    effects.push(`Automatic reply to every sender, internal and external: “${md(autoReply.trim())}”`);
  }
  const forwardTo = options['forwardTo'];
  if (typeof forwardTo === 'string' && forwardTo !== '') {
    effects.push(`New mail is forwarded to ${md(forwardTo)} (a copy stays in the mailbox)`);
  }
  const schedule = leaveScheduleOf(options);
  if (schedule) {
    effects.push(
      `Runs at ${md(describeLeaveTime(schedule))}, not before; the plan is read again then and comes back for approval if it grew`,
    );
  }
  const days = options['deleteAfterDays'];
  if (typeof days === 'number') {
    effects.push(
      `The account is deleted ${days} ${days === 1 ? 'day' : 'days'} after the run, if it is still disabled and the request completed (restorable for 30 days after deletion)`,
    );
  }
  effects.push(...plannedStages(request, stagePolicy));
  return effects;
}

/** What the offboarding an undo reverses did that can't be reversed (escaped for Markdown). */
export function irreversibleOf(request: LifecycleRequest): string[] {
  if (request.kind !== 'undo') return [];
  const texts = request.options['irreversible'];
  return Array.isArray(texts) ? texts.filter((t): t is string => typeof t === 'string').map(md) : [];
}

/**
 * `isActionable` false renders the same card without Approve and Reject (the requester's copy, other
 * viewers, closed requests); `canCancel` adds Cancel (the requester's own view).
 */
export function approvalCardData(
  request: LifecycleRequest,
  plan: Plan,
  isProtected: boolean,
  isActionable = true,
  canCancel = false,
  stagePolicy?: StagePolicy,
) {
  const { steps, warnings } = planStepsData(plan);
  const approvers = request.approvals.filter((a) => a.decision === 'approved');
  return {
    title: `${kindTitles[request.kind]} of ${md(request.subject.displayName)}${request.state === 'awaiting-approval' ? ': approval needed' : ''}`,
    subject: `${md(request.subject.displayName)} (${md(request.subject.userPrincipalName)})`,
    requester: md(request.requester.displayName ?? 'the requester'),
    requestId: request.id,
    version: request.version,
    approvalsText:
      `${approvers.length} of ${request.approvalsRequired}` +
      (approvers.length > 0
        ? ` (${approvers.map((a) => md(a.approver.displayName ?? 'approver')).join(', ')})`
        : ''),
    statusText: statusText(request),
    protectedNote: isProtected ? 'Protected account: the policy requires a second approver.' : '',
    steps,
    irreversible: irreversibleOf(request),
    later: laterEffects(request, stagePolicy),
    warnings,
    isOpen: isActionable && request.state === 'awaiting-approval',
    canCancel: canCancel && isCancellable(request.state),
  };
}

/** The request card: plan preview plus the options form, pre-filled with the stored choices. */
export function offboardRequestData(
  request: LifecycleRequest,
  plan: Plan,
  note: string,
  isProtected: boolean,
  leave: { date: string; time: string; timeZone: string } = { date: '', time: '', timeZone: '' },
  stagePolicy?: StagePolicy,
) {
  const { steps, warnings } = planStepsData(plan);
  const options = request.options;
  const delegate = options['delegate'] as { userPrincipalName?: string } | null | undefined;
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  const flag = (v: unknown): string => (v === true ? 'true' : 'false');
  const approvalNote =
    request.approvalsRequired === 0
      ? 'Not needed by policy'
      : request.approvalsRequired === 1
        ? 'One approver after you confirm'
        : `${request.approvalsRequired} approvers after you confirm${isProtected ? ' (protected account)' : ''}`;
  return {
    requestId: request.id,
    version: request.version,
    subject: {
      displayName: md(request.subject.displayName),
      userPrincipalName: md(request.subject.userPrincipalName),
      origin: request.subject.isSynced ? 'Synced from on-premises AD' : 'Cloud-only',
    },
    approvalNote,
    note: md(note),
    stages: plannedStages(request, stagePolicy),
    steps,
    warnings,
    delegateUpn: delegate?.userPrincipalName ?? '',
    leave,
    options: {
      grantMailboxAccess: flag(options['grantMailboxAccess']),
      convertToShared: flag(options['convertToShared']),
      shareOneDrive: flag(options['shareOneDrive']),
      revokeMailboxRights: flag(options['revokeMailboxRights']),
      removeGroups: flag(options['removeGroups']),
      removeLicences: flag(options['removeLicences']),
      hideFromAddressLists: flag(options['hideFromAddressLists']),
      litigationHold: flag(options['litigationHold']),
      keepInactiveMailbox: flag(options['keepInactiveMailbox']),
      // Requests stored before these options existed show their defaults.
      removeSignInMethods: flag(options['removeSignInMethods'] ?? true),
      handOverOwnership: flag(options['handOverOwnership'] ?? true),
      appOwnership: options['appOwnership'] === 'add-delegate' ? 'add-delegate' : 'report',
      reassignReports: flag(options['reassignReports'] ?? true),
      retirePersonalDevices: flag(options['retirePersonalDevices'] ?? true),
      wipeCorporateDevices: flag(options['wipeCorporateDevices']),
      disableRegisteredDevices: flag(options['disableRegisteredDevices'] ?? true),
      blockMailClients: flag(options['blockMailClients'] ?? true),
      removeAnonymousLinks: flag(options['removeAnonymousLinks']),
      organizedMeetings: options['organizedMeetings'] === 'cancel' ? 'cancel' : 'list',
      meetingWindowDays:
        typeof options['meetingWindowDays'] === 'number' ? String(options['meetingWindowDays']) : '120',
      forwardTo: text(options['forwardTo']),
      autoReply: text(options['autoReply']),
      deleteAfterDays:
        typeof options['deleteAfterDays'] === 'number' ? String(options['deleteAfterDays']) : '',
    },
  };
}

/** After confirmation the request card becomes read-only. */
export function confirmedNote(request: LifecycleRequest): string {
  return `${statusText(request)}. Request ${request.id}.`;
}
