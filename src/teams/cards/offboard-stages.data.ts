/** Data of the stage cards: the stages list (summary, status), the expiry notice, the extension request. */
import type { LifecycleRequest } from '../../core/model.js';
import type { StageView } from '../../core/offboard/offboard-stages.js';
import type { StagePolicy } from '../../core/offboard/stage-policy.js';
import type { ExpiryNotice, ExtensionRequestNotice } from '../../core/ports/stage-notifier.js';
import { markdownText as md } from './markdown-text.js';

/** "2026-12-23 09:00 UTC". */
export const utcText = (isoTime: string): string => `${isoTime.slice(0, 16).replace('T', ' ')} UTC`;

const stateText: Record<StageView['state'], string> = {
  scheduled: 'scheduled',
  running: 'running',
  queued: 'starting',
  completed: 'done',
  'completed-with-errors': 'done with errors',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** One line per stage: "Delegate's … access ends · 2026-12-23 09:00 UTC · scheduled". */
export function stageLines(stages: readonly StageView[]): string[] {
  return stages.map((s) =>
    md(
      `${s.title} · ${utcText(s.at)} · ${stateText[s.state]}${s.detail ? ` (${s.detail})` : ''}${s.runId ? ` · run ${s.runId}` : ''}`,
    ),
  );
}

export function stagesCardData(requestId: string, stages: readonly StageView[]) {
  return { title: 'Next stages of this offboarding', stages: stageLines(stages), requestId };
}

export function expiryNoticeCardData(notice: ExpiryNotice) {
  return {
    leaver: md(notice.leaver.displayName),
    leaverUpn: md(notice.leaver.userPrincipalName),
    expiresAt: utcText(notice.expiresAt),
    canExtend: notice.canExtend,
    extensionDays: notice.extensionDays,
    requestId: notice.requestId,
    version: notice.version,
  };
}

export function extensionRequestCardData(notice: ExtensionRequestNotice, outcome?: string) {
  return {
    requestedBy: md(notice.requestedBy.displayName ?? notice.requestedBy.aadObjectId),
    leaver: md(notice.leaver.displayName),
    leaverUpn: md(notice.leaver.userPrincipalName),
    expiresAt: utcText(notice.expiresAt),
    extendedTo: utcText(notice.extendedTo),
    requestId: notice.requestId,
    version: notice.version,
    isActionable: outcome === undefined,
    outcome: md(outcome ?? ''),
  };
}

/**
 * The stages an offboarding will have after its run, for the request and approval cards: the
 * delegation expiry (with its notice) when someone gets access, and the deletion when chosen. Empty
 * without a stages policy (and for other kinds).
 */
export function plannedStages(request: LifecycleRequest, policy: StagePolicy | undefined): string[] {
  if (request.kind !== 'offboard' || !policy) return [];
  const options = request.options;
  const delegate = options['delegate'] as { userPrincipalName?: string } | null | undefined;
  const givesAccess = options['grantMailboxAccess'] !== false || options['shareOneDrive'] !== false;
  const stages: string[] = [];
  if (delegate?.userPrincipalName && givesAccess && policy.delegationExpiryDays !== null) {
    stages.push(
      md(
        `${String(policy.delegationExpiryDays)} days after the run: ${delegate.userPrincipalName}'s access to the mailbox and OneDrive ends ` +
          `(they are told ${String(policy.expiryNoticeDaysBefore)} days before and can ask an approver to extend it by ${String(policy.extensionDays)} days)`,
      ),
    );
  }
  return stages;
}
