/** Data for the request (plan preview) and approval cards. Pure functions; formatting lives here. */
import type { LifecycleRequest } from '../../core/model.js';
import type { Plan } from '../../core/step.js';

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
    if (s.skippedReason)
      return { marker: '⚠️', title: s.title, changesText: `can't plan: ${s.skippedReason}` };
    if (s.changes.length === 0) return { marker: '✔️', title: s.title, changesText: 'nothing to do' };
    // A change described by the step's own title says nothing more ("Set a random password").
    const same = (text: string): boolean => text.trim().toLowerCase() === s.title.trim().toLowerCase();
    const described = s.changes.map((c) => c.description).filter((text) => !same(text));
    if (described.length === 0) {
      return {
        marker: '➡️',
        title: s.title,
        changesText: s.changes.length === 1 ? 'to do' : `${s.changes.length} changes`,
      };
    }
    const first = described.slice(0, 3);
    const more = s.changes.length > first.length ? `, and ${s.changes.length - first.length} more` : '';
    return { marker: '➡️', title: s.title, changesText: `${first.join('; ')}${more}` };
  });
  const warnings = plan.steps.flatMap((s) => (s.warnings ?? []).map((w) => `${s.title}: ${w}`));
  const changeCount = plan.steps.reduce((n, s) => n + s.changes.length, 0);
  return { steps, warnings, changeCount };
}

const kindTitles: Record<LifecycleRequest['kind'], string> = {
  offboard: 'Offboarding',
  revoke: 'Mailbox permission removal',
  provision: 'Joiner provisioning',
};

const statusTexts: Partial<Record<LifecycleRequest['state'], string>> = {
  'awaiting-confirmation': 'Waiting for the requester to confirm',
  'awaiting-approval': 'Waiting for approval',
  approved: 'Approved, starting',
  running: 'Running',
  completed: 'Completed',
  'completed-with-errors': 'Completed with errors',
  failed: 'Failed',
  cancelled: 'Cancelled',
  rejected: 'Rejected',
};

export function statusText(request: LifecycleRequest): string {
  const base = statusTexts[request.state] ?? request.state;
  const rejection = request.approvals.find((a) => a.decision === 'rejected');
  if (request.state === 'rejected' && rejection) {
    const who = rejection.approver.displayName ?? 'an approver';
    return `${base} by ${who}${rejection.reason ? `: ${rejection.reason}` : ''}`;
  }
  return base;
}

/** `isActionable` false renders the same card without buttons (the requester's copy, closed requests). */
export function approvalCardData(
  request: LifecycleRequest,
  plan: Plan,
  isProtected: boolean,
  isActionable = true,
) {
  const { steps, warnings } = planStepsData(plan);
  const approvers = request.approvals.filter((a) => a.decision === 'approved');
  return {
    title: `${kindTitles[request.kind]} of ${request.subject.displayName}${request.state === 'awaiting-approval' ? ': approval needed' : ''}`,
    subject: `${request.subject.displayName} (${request.subject.userPrincipalName})`,
    requester: request.requester.displayName ?? 'the requester',
    requestId: request.id,
    version: request.version,
    approvalsText:
      `${approvers.length} of ${request.approvalsRequired}` +
      (approvers.length > 0
        ? ` (${approvers.map((a) => a.approver.displayName ?? 'approver').join(', ')})`
        : ''),
    statusText: statusText(request),
    protectedNote: isProtected ? 'Protected account: the policy requires a second approver.' : '',
    steps,
    warnings,
    isOpen: isActionable && request.state === 'awaiting-approval',
  };
}

/** The request card: plan preview plus the options form, pre-filled with the stored choices. */
export function offboardRequestData(
  request: LifecycleRequest,
  plan: Plan,
  note: string,
  isProtected: boolean,
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
      displayName: request.subject.displayName,
      userPrincipalName: request.subject.userPrincipalName,
      origin: request.subject.isSynced ? 'Synced from on-premises AD' : 'Cloud-only',
    },
    approvalNote,
    note,
    steps,
    warnings,
    delegateUpn: delegate?.userPrincipalName ?? '',
    options: {
      grantMailboxAccess: flag(options['grantMailboxAccess']),
      convertToShared: flag(options['convertToShared']),
      shareOneDrive: flag(options['shareOneDrive']),
      revokeMailboxRights: flag(options['revokeMailboxRights']),
      removeGroups: flag(options['removeGroups']),
      removeLicences: flag(options['removeLicences']),
      hideFromAddressLists: flag(options['hideFromAddressLists']),
      litigationHold: flag(options['litigationHold']),
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
