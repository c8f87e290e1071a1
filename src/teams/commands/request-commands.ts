/**
 * `status`, `history` and `cancel`. Their roles (reader, member) are checked by the guard; which
 * requests a reader sees is decided here: requesters read their own, approvers and auditors read all
 * (`Policy.canReadAll`). Exports (`status <id> json`, `history`) go only to a 1:1 chat
 * (`private-reply.ts`). Names, reasons and arguments are escaped for Teams Markdown.
 */
import { isBulkRequest } from '../../core/offboard/bulk-offboard.js';
import { requestIdPattern } from '../../core/requests/request-id.js';
import { summariseRun } from '../../core/runner/summarise-run.js';
import { exportRequest } from '../../core/runs/run-export.js';
import { statusText } from '../cards/plan-card-data.js';
import { stageLines } from '../cards/offboard-stages.data.js';
import { approvalCardFor } from '../actions/approval-views.js';
import { cancelById } from '../actions/request-actions.js';
import { markdownText as md } from '../cards/markdown-text.js';
import { cardAttachment } from '../cards/render-card.js';
import type { Turn } from '../route.js';
import { awaitsActorsConfirmation, requestCardToConfirm } from './drafted-offboarding.js';
import { sendPrivately } from './private-reply.js';
import type { LifecycleRequest } from '../../core/model.js';

function requestIdFrom(argument: string): string | null {
  const id = argument.split(' ')[0]?.toUpperCase() ?? '';
  return requestIdPattern.test(id) ? id : null;
}

/** Requesters read the requests they asked for; approvers and auditors read every request. */
async function mayRead(turn: Turn, request: LifecycleRequest): Promise<boolean> {
  return (
    request.requester.aadObjectId === turn.actor.aadObjectId ||
    (await turn.deps.policy.canReadAll(turn.actor))
  );
}

export async function statusCommand(turn: Turn, argument: string): Promise<void> {
  const { ctx, deps } = turn;
  const id = requestIdFrom(argument);
  if (!id) {
    await ctx.sendActivity('Type `status <request id>`, for example `status REQ-20261123-ABCDEF`.');
    return;
  }
  const request = await deps.requestService.get(id);
  if (!request) {
    await ctx.sendActivity(`Request ${id} does not exist.`);
    return;
  }
  if (!(await mayRead(turn, request))) {
    await ctx.sendActivity(
      await turn.refuse(
        `Request ${id} is not one of yours: only its requester, approvers and auditors can read it.`,
        { requestId: id },
      ),
    );
    return;
  }
  if (/\bjson\b/i.test(argument)) {
    const exported = await exportRequest(deps.store, id);
    const text = JSON.stringify(exported, null, 2);
    const delivery = await sendPrivately(
      turn,
      {
        text: `Export of ${id} (also: \`npx lifecycle export ${id}\`)`,
        attachments: [
          { contentType: 'application/json', name: `${id}.json`, content: JSON.parse(text) as unknown },
        ],
      },
      `The export of ${id}`,
      { requestId: id },
    );
    if (delivery !== 'refused') await auditExport(turn, 'request.exported', delivery, { requestId: id });
    return;
  }
  const lines = [
    `**${request.id}** · ${request.kind} of ${md(request.subject.displayName)} (${md(request.subject.userPrincipalName)})`,
    `Status: ${statusText(request)} · asked by ${md(request.requester.displayName ?? request.requester.aadObjectId)} on ${request.createdAt.slice(0, 16).replace('T', ' ')}`,
  ];
  for (const a of request.approvals) {
    lines.push(
      `${a.decision === 'approved' ? 'Approved' : 'Rejected'} by ${md(a.approver.displayName ?? a.approver.aadObjectId)} at ${a.at.slice(0, 16).replace('T', ' ')}${a.reason ? `: ${md(a.reason)}` : ''}`,
    );
  }
  if (request.runId) {
    const run = await deps.store.runs.get(request.runId);
    if (run) {
      const summary = summariseRun(run.plan, await deps.store.journal.list(run.id));
      lines.push(
        `Run: ${run.status} · ${summary.counts.done} done, ${summary.counts.failed} failed, ${summary.counts.skipped} skipped, ${summary.changes.applied}/${summary.changes.total} changes`,
      );
      for (const s of summary.steps)
        lines.push(`- ${md(s.title)}: ${s.status}${s.error ? ` (${md(s.error)})` : ''}`);
    }
  }
  const stages = (await deps.stages?.view.stagesOf(request)) ?? [];
  if (stages.length > 1 || stages.some((s) => s.id !== 'leave')) {
    lines.push('Stages:');
    for (const line of stageLines(stages)) lines.push(`- ${line}`);
  }
  const audit = await deps.store.audit.list({ requestId: id, limit: 10 });
  if (audit.length > 0) lines.push(`Last events: ${audit.map((e) => e.type).join(', ')}`);
  await ctx.sendActivity(lines.join('\n\n'));
  if (request.state === 'awaiting-approval' && !isBulkRequest(request)) {
    // The approval card again, e.g. for an approver who wasn't in the conversation it was posted to.
    // Clicking it goes through the same guards as the original.
    // The reader's own view: an approver the card's refresh does not list yet gets Approve here.
    const card = await approvalCardFor(deps, request, turn.actor);
    await ctx.sendActivity({ attachments: [cardAttachment(card)] });
  }
  if (awaitsActorsConfirmation(turn, request)) {
    // An offboarding drafted by a containment: its requester confirms it here, through the usual guards.
    await ctx.sendActivity({ attachments: [cardAttachment(await requestCardToConfirm(turn, request))] });
  }
}

/** A person's requests: an export of personal data, sent only in a 1:1 chat. */
export async function historyCommand(turn: Turn, argument: string): Promise<void> {
  const { ctx, deps, actor } = turn;
  const upn = argument.trim();
  if (upn === '' || upn.length > 256 || !upn.includes('@')) {
    await ctx.sendActivity('Type `history <upn>`, for example `history adele.vance@contoso.com`.');
    return;
  }
  const isAll = await deps.policy.canReadAll(actor);
  const found = await deps.store.requests.listBySubject(upn, 20);
  const requests = isAll ? found : found.filter((r) => r.requester.aadObjectId === actor.aadObjectId);
  const lines = requests.map((r) => {
    const approvers = r.approvals
      .map((a) => `${a.decision} by ${md(a.approver.displayName ?? a.approver.aadObjectId)}`)
      .join(', ');
    return `- **${r.id}** ${r.kind} · ${statusText(r)} · asked by ${md(r.requester.displayName ?? r.requester.aadObjectId)} on ${r.createdAt.slice(0, 10)}${approvers ? ` · ${approvers}` : ''}`;
  });
  const text =
    requests.length === 0
      ? `No requests ${isAll ? '' : 'of yours '}about ${md(upn)}.`
      : [`Requests ${isAll ? '' : 'you asked for '}about ${md(upn)}:`, ...lines].join('\n\n');
  const delivery = await sendPrivately(turn, { text }, `The history of ${md(upn)}`);
  if (delivery !== 'refused') {
    await auditExport(turn, 'history.exported', delivery, {
      subject: upn.slice(0, 256),
      count: requests.length,
    });
  }
}

/** Who exported what, and where it went: exports carry personal data. */
async function auditExport(
  { deps, actor }: Turn,
  type: string,
  delivery: 'here' | 'personal-chat',
  about: { requestId?: string; subject?: string; count?: number },
): Promise<void> {
  const { requestId, ...details } = about;
  await deps.store.audit.append({
    at: new Date(deps.clock.now()).toISOString(),
    type,
    ...(requestId !== undefined && { requestId }),
    actor,
    details: { ...details, delivery },
  });
}

export async function cancelCommand({ ctx, deps, actor }: Turn, argument: string): Promise<void> {
  const id = requestIdFrom(argument);
  if (!id) {
    await ctx.sendActivity('Type `cancel <request id>`.');
    return;
  }
  await ctx.sendActivity(await cancelById(deps, actor, id));
}
