/** Data of the stage cards: the stages list (summary, status), the expiry notice, the extension request. */
import type { StageView } from '../../core/offboard/offboard-stages.js';
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
