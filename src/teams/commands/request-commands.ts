/** `status`, `history` and `cancel`. Their roles (reader, member) are checked by the guard. */
import { isBulkRequest } from '../../core/offboard/bulk-offboard.js';
import { requestIdPattern } from '../../core/requests/request-id.js';
import { summariseRun } from '../../core/runner/summarise-run.js';
import { exportRequest } from '../../core/runs/run-export.js';
import { statusText } from '../cards/plan-card-data.js';
import { approvalCard, cancelById } from '../actions/request-actions.js';
import { cardAttachment } from '../cards/render-card.js';
import type { Turn } from '../route.js';

function requestIdFrom(argument: string): string | null {
  const id = argument.split(' ')[0]?.toUpperCase() ?? '';
  return requestIdPattern.test(id) ? id : null;
}

export async function statusCommand({ ctx, deps }: Turn, argument: string): Promise<void> {
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
  if (/\bjson\b/i.test(argument)) {
    const exported = await exportRequest(deps.store, id);
    const text = JSON.stringify(exported, null, 2);
    await ctx.sendActivity({
      text: `Export of ${id} (also: \`npx lifecycle export ${id}\`)`,
      attachments: [
        { contentType: 'application/json', name: `${id}.json`, content: JSON.parse(text) as unknown },
      ],
    });
    return;
  }
  const lines = [
    `**${request.id}** · ${request.kind} of ${request.subject.displayName} (${request.subject.userPrincipalName})`,
    `Status: ${statusText(request)} · asked by ${request.requester.displayName ?? request.requester.aadObjectId} on ${request.createdAt.slice(0, 16).replace('T', ' ')}`,
  ];
  for (const a of request.approvals) {
    lines.push(
      `${a.decision === 'approved' ? 'Approved' : 'Rejected'} by ${a.approver.displayName ?? a.approver.aadObjectId} at ${a.at.slice(0, 16).replace('T', ' ')}${a.reason ? `: ${a.reason}` : ''}`,
    );
  }
  if (request.runId) {
    const run = await deps.store.runs.get(request.runId);
    if (run) {
      const summary = summariseRun(run.plan, await deps.store.journal.list(run.id));
      lines.push(
        `Run: ${run.status} · ${summary.counts.done} done, ${summary.counts.failed} failed, ${summary.counts.skipped} skipped, ${summary.changes.applied}/${summary.changes.total} changes`,
      );
      for (const s of summary.steps) lines.push(`- ${s.title}: ${s.status}${s.error ? ` (${s.error})` : ''}`);
    }
  }
  const audit = await deps.store.audit.list({ requestId: id, limit: 10 });
  if (audit.length > 0) lines.push(`Last events: ${audit.map((e) => e.type).join(', ')}`);
  await ctx.sendActivity(lines.join('\n\n'));
  if (request.state === 'awaiting-approval' && !isBulkRequest(request)) {
    // The approval card again, e.g. for an approver who wasn't in the conversation it was posted to.
    // Clicking it goes through the same guards as the original.
    await ctx.sendActivity({ attachments: [cardAttachment(await approvalCard(deps, request))] });
  }
}

export async function historyCommand({ ctx, deps }: Turn, argument: string): Promise<void> {
  const upn = argument.trim();
  if (upn === '' || upn.length > 256 || !upn.includes('@')) {
    await ctx.sendActivity('Type `history <upn>`, for example `history adele.vance@contoso.com`.');
    return;
  }
  const requests = await deps.store.requests.listBySubject(upn, 20);
  if (requests.length === 0) {
    await ctx.sendActivity(`No requests about ${upn}.`);
    return;
  }
  const lines = requests.map((r) => {
    const approvers = r.approvals
      .map((a) => `${a.decision} by ${a.approver.displayName ?? a.approver.aadObjectId}`)
      .join(', ');
    return `- **${r.id}** ${r.kind} · ${statusText(r)} · asked by ${r.requester.displayName ?? r.requester.aadObjectId} on ${r.createdAt.slice(0, 10)}${approvers ? ` · ${approvers}` : ''}`;
  });
  await ctx.sendActivity([`Requests about ${upn}:`, ...lines].join('\n\n'));
}

export async function cancelCommand({ ctx, deps, actor }: Turn, argument: string): Promise<void> {
  const id = requestIdFrom(argument);
  if (!id) {
    await ctx.sendActivity('Type `cancel <request id>`.');
    return;
  }
  await ctx.sendActivity(await cancelById(deps, actor, id));
}
