/**
 * A CSV of joiners sent to the bot in a 1:1 chat: download it (Teams' file.download.info attachment
 * through `downloadAttachment`: tenant SharePoint hosts only, capped, audited),
 * parse and validate every row, show a dry-run report with a Confirm button. The file is a request
 * (`core/provision/joiners-batch.ts`): Confirm sends it to the approvers, the approval that completes
 * it claims it once and runs its ready rows in the background, and the report goes here and to the IT
 * channel.
 */
import { TurnContext, type Attachment } from 'botbuilder';
import { attachmentMessage } from '../message-activity.js';
import { z } from 'zod';
import { isTerminal, type LifecycleRequest } from '../../core/model.js';
import { CsvFileError } from '../../core/csv-records.js';
import { maxCsvBytes, parseJoinersCsv } from '../../core/provision/joiners-csv.js';
import type { BatchLine } from '../../core/provision/index.js';
import {
  isExpired,
  isJoinersBatch,
  joinersOf,
  joinersRequest,
  readyLines,
} from '../../core/provision/joiners-batch.js';
import type { BatchReport } from '../../core/provision/provision-report.js';
import reportTemplate from '../cards/provision-report.card.json' with { type: 'json' };
import { toProvisionReportData, type ReportDecision } from '../cards/provision-report.data.js';
import { cardAttachment, renderCard, type AdaptiveCardJson } from '../cards/render-card.js';
import { provisionVerbs } from '../cards/provision-request.data.js';
import type { Reply, Turn } from '../route.js';
import type { VersionedActionData } from './action-data.js';
import { postToApprovalsChannel } from './request-actions.js';
import { downloadAttachment } from './file-download.js';
import { markdownText as md } from '../cards/markdown-text.js';

export const fileDownloadInfoType = 'application/vnd.microsoft.teams.file.download.info';

const downloadInfoSchema = z.object({ downloadUrl: z.url(), fileType: z.string().optional() }).loose();

export function fileAttachmentOf(activity: TurnContext['activity']): Attachment | undefined {
  return (activity.attachments ?? []).find((a) => a.contentType === fileDownloadInfoType);
}

/** A joiners file in a 1:1 chat (the guard has checked that the sender may ask for provisioning). */
export async function onJoinersFile(turn: Turn): Promise<void> {
  const { ctx, deps, actor } = turn;
  const provision = deps.provision;
  const attachment = fileAttachmentOf(ctx.activity);
  if (!provision || !attachment) return;
  if (ctx.activity.conversation.conversationType !== 'personal') {
    await ctx.sendActivity('Send joiner files to me in a 1:1 chat; nothing was changed.');
    return;
  }
  const fileName = (attachment.name ?? 'joiners.csv').slice(0, 200);
  const info = downloadInfoSchema.safeParse(attachment.content);
  if (!info.success || !/\.csv$/i.test(fileName)) {
    await ctx.sendActivity(
      'I can read CSV files of joiners (name, UPN, employee type); nothing was changed.',
    );
    return;
  }
  let lines: BatchLine[];
  try {
    lines = parseJoinersCsv(await downloadAttachment(turn, info.data.downloadUrl, maxCsvBytes));
  } catch (error) {
    if (!(error instanceof CsvFileError)) throw error;
    await ctx.sendActivity(`${md(fileName)}: ${md(error.message)} Nothing was changed.`);
    return;
  }
  if (lines.length === 0) {
    await ctx.sendActivity(`${md(fileName)} has a header but no joiners; nothing was changed.`);
    return;
  }
  if (lines.length > deps.policy.maxUsersPerRequest) {
    await ctx.sendActivity(
      `${md(fileName)} has ${lines.length} joiners; the policy allows ${deps.policy.maxUsersPerRequest} per request. Split the file or use the \`lifecycle provision\` command line. Nothing was changed.`,
    );
    return;
  }
  const preview = await provision.batch.run(lines, {
    requester: actor,
    source: `Teams file ${fileName}`,
    isDryRun: true,
  });
  const draft = await joinersRequest(deps.policy, actor, preview, lines, deps.clock.now());
  if (!draft) {
    const card = renderCard(reportTemplate, toProvisionReportData(preview));
    await ctx.sendActivity({ attachments: [cardAttachment(card)] });
    return;
  }
  const request = await deps.requestService.create(draft);
  await deps.store.state.set(previewKey(request.id), preview);
  await ctx.sendActivity({ attachments: [cardAttachment(batchCard(preview, request, 'confirm'))] });
}

/** The preview (kept with the request) and the buttons of the batch's next decision. */
function batchCard(
  preview: BatchReport,
  request: LifecycleRequest,
  stage: 'confirm' | 'approve' | 'none',
): AdaptiveCardJson {
  const actions: ReportDecision['actions'] =
    stage === 'confirm'
      ? [{ title: 'Confirm', verb: provisionVerbs.batchConfirm, style: 'positive' }]
      : stage === 'approve'
        ? [
            { title: 'Approve', verb: provisionVerbs.batchApprove, style: 'positive' },
            { title: 'Reject', verb: provisionVerbs.batchReject, style: 'destructive' },
          ]
        : [];
  const data = toProvisionReportData(preview, {
    requestId: request.id,
    version: request.version,
    actions,
    showReason: stage === 'approve',
  });
  const approvals = `${request.approvals.filter((a) => a.decision === 'approved').length} of ${request.approvalsRequired} approvals`;
  return renderCard(reportTemplate, { ...data, title: `${data.title} (${request.id}, ${approvals})` });
}

const previewKey = (requestId: string): string => `provision-preview:${requestId}`;

/**
 * The batch of a joiners card, or the refusal: a request that is not a joiners file, or one whose
 * time ran out (it is cancelled, so nobody can act on it any more).
 */
async function batchOf(turn: Turn, requestId: string): Promise<LifecycleRequest | string> {
  const request = await turn.deps.requestService.get(requestId);
  if (!request) return turn.refuse(`Request ${requestId} does not exist.`, { requestId });
  if (!isJoinersBatch(request)) {
    return turn.refuse('This card does not belong to a joiners file; nothing was changed.', { requestId });
  }
  if (isExpired(request, turn.deps.clock.now()) && !isTerminal(request.state)) {
    if (request.state !== 'running') await turn.deps.requestService.setState(request.id, 'cancelled');
    return turn.refuse(
      `This joiners file expired at ${joinersOf(request).expiresAt}; send it again. Nothing was changed.`,
      { requestId },
    );
  }
  return request;
}

/** The sender confirms a previewed file: it goes to the approvers. */
export async function confirmJoinersBatch(turn: Turn, data: VersionedActionData): Promise<Reply> {
  const batch = await batchOf(turn, data.requestId);
  if (typeof batch === 'string') return batch;
  const decision = await turn.deps.requestService.confirm(turn.actor, data.requestId, data.version);
  if (!decision.isDone) return decision.message;
  const preview = await previewOf(turn, decision.request);
  const card = batchCard(preview, decision.request, 'approve');
  await turn.ctx.sendActivity({ attachments: [cardAttachment(card)] });
  await postToApprovalsChannel(turn.deps, card);
  return batchCard(preview, decision.request, 'none');
}

export async function rejectJoinersBatch(turn: Turn, data: VersionedActionData): Promise<Reply> {
  const batch = await batchOf(turn, data.requestId);
  if (typeof batch === 'string') return batch;
  const reason = typeof data['reason'] === 'string' ? data['reason'].trim() : '';
  if (reason === '') {
    return turn.refuse('Please give a reason to reject; nothing was changed.', { requestId: batch.id });
  }
  const decision = await turn.deps.requestService.reject(turn.actor, batch.id, data.version, reason);
  if (!decision.isDone) return decision.message;
  return batchCard(await previewOf(turn, decision.request), decision.request, 'none');
}

/** An approver approves; the approval that completes the batch claims it once and runs its ready rows. */
export async function approveJoinersBatch(turn: Turn, data: VersionedActionData): Promise<Reply> {
  const { ctx, deps } = turn;
  const provision = deps.provision;
  if (!provision) return 'Provisioning is not enabled on this bot.';
  const batch = await batchOf(turn, data.requestId);
  if (typeof batch === 'string') return batch;
  const decision = await deps.requestService.approve(turn.actor, data.requestId, data.version);
  if (!decision.isDone) return decision.message;
  const preview = await previewOf(turn, decision.request);
  if (decision.request.state !== 'approved') return batchCard(preview, decision.request, 'approve');
  const claimed = await deps.requestService.claim(decision.request.id, decision.request.version);
  if (!claimed.isDone) return claimed.message;
  const request = claimed.request;
  const lines = readyLines(request);
  const reference = TurnContext.getConversationReference(ctx.activity);
  provision.background.add(async () => {
    let status: 'completed' | 'completed-with-errors' | 'failed' = 'failed';
    try {
      const report = await provision.batch.run(lines, {
        requester: request.requester,
        source: joinersOf(request).source,
        isDryRun: false,
      });
      const failed = report.rows.filter((r) => r.status === 'failed' || r.status === 'invalid').length;
      status = failed === 0 ? 'completed' : failed < report.rows.length ? 'completed-with-errors' : 'failed';
      const card = renderCard(reportTemplate, toProvisionReportData(report));
      await deps.gateway.send(reference, attachmentMessage(cardAttachment(card)));
      await provision.reports.send(report);
    } finally {
      await deps.requestService.setState(request.id, status);
    }
  });
  return batchCard(preview, request, 'none');
}

/** The preview shown on the batch's cards, stored when the file was read. */
async function previewOf(turn: Turn, request: LifecycleRequest): Promise<BatchReport> {
  return (await turn.deps.store.state.get(previewKey(request.id))) as BatchReport;
}
