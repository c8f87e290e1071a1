/**
 * Bulk offboarding from Teams: `offboard a@x, b@x, …` or `offboard --from` with a CSV file in a 1:1
 * chat. The bot previews every leaver, the requester confirms, an approver approves the whole batch
 * once on a blast-radius card (count, protected accounts highlighted; two approvers when one is in
 * it), then the batch runs in the background with one progress card, updated at most every 2 s.
 */
import { ActivityTypes, MessageFactory, TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import { LeaversCsvError, parseLeaversCsv } from '../../core/offboard/leavers-csv.js';
import type { BulkResult } from '../../core/runs/bulk-run-service.js';
import type { LifecycleRequest, Principal } from '../../core/model.js';
import { isLeaverList, parseLeaverList, type BulkEntry } from '../../core/offboard/bulk-input.js';
import { isBulkRequest } from '../../core/offboard/bulk-offboard.js';
import { CsvFormatError } from '../../core/provision/joiners-csv.js';
import { download, fileAttachmentOf } from '../actions/provision-file.js';
import { parseRequestAction } from '../actions/action-data.js';
import { actorOf } from '../actor.js';
import type { BotDeps, BulkServices } from '../bot-deps.js';
import bulkTemplate from '../cards/offboard-bulk.card.json' with { type: 'json' };
import { bulkCardData, bulkVerbs, type BulkProgress } from '../cards/offboard-bulk.data.js';
import { cardAttachment, renderCard, type AdaptiveCardJson } from '../cards/render-card.js';
import { parseCommand } from './command-catalog.js';

const progressIntervalMs = 2000;

/** `offboard --from …` or a list of several UPNs. */
export function isBulkOffboardText(text: string | undefined): boolean {
  const command = parseCommand(text);
  if (command?.name !== 'offboard') return false;
  return /^--from\b/i.test(command.argument) || isLeaverList(command.argument);
}

function bulkCard(
  request: LifecycleRequest,
  isActionable: boolean,
  progress?: BulkProgress,
): AdaptiveCardJson {
  return renderCard(bulkTemplate, bulkCardData(request, isActionable, progress));
}

async function audited(
  deps: BotDeps,
  actor: Principal | null,
  action: string,
  message: string,
  requestId?: string,
): Promise<string> {
  await deps.store.audit.append({
    at: new Date().toISOString(),
    type: 'action.refused',
    ...(requestId && { requestId }),
    ...(actor && { actor }),
    details: { action, reason: message },
  });
  return message;
}

/** The actor when the activity comes from this tenant; null otherwise. */
function trusted(ctx: TurnContext, deps: BotDeps): Principal | null {
  const actor = actorOf(ctx);
  return actor && actor.tenantId === deps.tenantId ? actor : null;
}

async function entriesOf(
  ctx: TurnContext,
  argument: string,
): Promise<{ entries: BulkEntry[]; source: string } | string> {
  if (!/^--from\b/i.test(argument)) return { entries: parseLeaverList(argument), source: 'Teams message' };
  const attachment = fileAttachmentOf(ctx.activity);
  if (!attachment) return 'Attach the leavers CSV (upn, delegate) to `offboard --from`; nothing was changed.';
  if (ctx.activity.conversation.conversationType !== 'personal')
    return 'Send leaver files to me in a 1:1 chat; nothing was changed.';
  const fileName = (attachment.name ?? 'leavers.csv').slice(0, 200);
  const content = attachment.content as { downloadUrl?: unknown } | undefined;
  if (!/\.csv$/i.test(fileName) || typeof content?.downloadUrl !== 'string')
    return 'I can read CSV files of leavers (upn, delegate); nothing was changed.';
  try {
    return {
      entries: parseLeaversCsv(await download(content.downloadUrl)),
      source: `Teams file ${fileName}`,
    };
  } catch (error) {
    if (error instanceof LeaversCsvError || error instanceof CsvFormatError)
      return `${fileName}: ${error.message} Nothing was changed.`;
    throw error;
  }
}

export async function bulkOffboardCommand(
  ctx: TurnContext,
  deps: BotDeps,
  bulk: BulkServices,
): Promise<void> {
  const actor = trusted(ctx, deps);
  if (!actor) {
    await ctx.sendActivity(
      await audited(
        deps,
        actorOf(ctx),
        'offboard.bulk',
        'I could not tell who you are; nothing was changed.',
      ),
    );
    return;
  }
  const argument = parseCommand(ctx.activity.text)?.argument ?? '';
  const found = await entriesOf(ctx, argument);
  if (typeof found === 'string') {
    await ctx.sendActivity(found);
    return;
  }
  await ctx.sendActivity({ type: ActivityTypes.Typing });
  const result = await bulk.offboard.prepare(actor, found.entries);
  if (result.kind === 'refused') {
    await ctx.sendActivity(await audited(deps, actor, 'offboard.bulk', result.message));
    return;
  }
  if (result.kind === 'too-many') {
    await ctx.sendActivity(
      await audited(
        deps,
        actor,
        'offboard.bulk',
        `That is ${result.count} leavers; the policy allows ${result.max} per request. Split the list; nothing was changed.`,
      ),
    );
    return;
  }
  const { preview } = result;
  if (preview.totals.ready === 0) {
    const why = preview.items.map(
      (i) => `line ${i.line} ${i.userPrincipalName}: ${i.status}${i.message ? ` (${i.message})` : ''}`,
    );
    await ctx.sendActivity(
      `Nobody in the list can be offboarded; nothing was changed.\n\n${why.slice(0, 30).join('\n\n')}`,
    );
    return;
  }
  const request = await bulk.offboard.createRequest(actor, preview, found.source);
  await ctx.sendActivity({ attachments: [cardAttachment(bulkCard(request, true))] });
}

async function confirmBulk(
  ctx: TurnContext,
  deps: BotDeps,
  actor: Principal | null,
  raw: unknown,
): Promise<AdaptiveCardJson | string> {
  const parsed = parseRequestAction(raw);
  if (!actor)
    return audited(deps, actor, bulkVerbs.confirm, 'I could not tell who you are; nothing was changed.');
  if (!parsed.ok) return audited(deps, actor, bulkVerbs.confirm, parsed.message);
  const { requestId, version } = parsed.data;
  if (version === undefined)
    return audited(
      deps,
      actor,
      bulkVerbs.confirm,
      'This card has no version; nothing was changed.',
      requestId,
    );
  const existing = await deps.requestService.get(requestId);
  if (existing && !isBulkRequest(existing))
    return audited(
      deps,
      actor,
      bulkVerbs.confirm,
      'This is not a bulk request; nothing was changed.',
      requestId,
    );
  const decision = await deps.requestService.confirm(actor, requestId, version);
  if (!decision.isDone) return decision.message;
  const card = bulkCard(decision.request, true);
  await ctx.sendActivity({ attachments: [cardAttachment(card)] });
  if (deps.approvalsConversationKey) {
    const reference = await deps.store.conversations.get(deps.approvalsConversationKey);
    if (reference) await deps.gateway.send(reference, { attachments: [cardAttachment(card)] });
  }
  return bulkCard(decision.request, false);
}

async function approveBulk(
  ctx: TurnContext,
  deps: BotDeps,
  bulk: BulkServices,
  actor: Principal | null,
  raw: unknown,
): Promise<AdaptiveCardJson | string> {
  const parsed = parseRequestAction(raw);
  if (!actor)
    return audited(deps, actor, bulkVerbs.approve, 'I could not tell who you are; nothing was changed.');
  if (!parsed.ok) return audited(deps, actor, bulkVerbs.approve, parsed.message);
  const { requestId, version } = parsed.data;
  if (version === undefined)
    return audited(
      deps,
      actor,
      bulkVerbs.approve,
      'This card has no version; nothing was changed.',
      requestId,
    );
  const existing = await deps.requestService.get(requestId);
  if (existing && !isBulkRequest(existing))
    return audited(
      deps,
      actor,
      bulkVerbs.approve,
      'This is not a bulk request; nothing was changed.',
      requestId,
    );
  const decision = await bulk.offboard.approve(actor, requestId, version);
  if (!decision.isDone) return decision.message;
  if (decision.request.state === 'approved')
    startBatch(deps, bulk, decision.request, TurnContext.getConversationReference(ctx.activity));
  return bulkCard(decision.request, true);
}

async function rejectBulk(
  deps: BotDeps,
  actor: Principal | null,
  raw: unknown,
): Promise<AdaptiveCardJson | string> {
  const parsed = parseRequestAction(raw);
  if (!actor)
    return audited(deps, actor, bulkVerbs.reject, 'I could not tell who you are; nothing was changed.');
  if (!parsed.ok) return audited(deps, actor, bulkVerbs.reject, parsed.message);
  const { requestId, version } = parsed.data;
  if (version === undefined)
    return audited(
      deps,
      actor,
      bulkVerbs.reject,
      'This card has no version; nothing was changed.',
      requestId,
    );
  const reason = typeof parsed.data['reason'] === 'string' ? parsed.data['reason'].trim() : '';
  if (reason === '') return 'Please give a reason to reject; nothing was changed.';
  const decision = await deps.requestService.reject(actor, requestId, version, reason);
  if (!decision.isDone) return decision.message;
  return bulkCard(decision.request, false);
}

/** Runs the approved batch in the background; one progress card, updated at most every 2 s. */
function startBatch(
  deps: BotDeps,
  bulk: BulkServices,
  request: LifecycleRequest,
  reference: ReturnType<typeof TurnContext.getConversationReference>,
): void {
  const progress: BulkProgress = { done: 0, total: 0, failed: 0 };
  let cardId: string | undefined;
  let lastUpdate = 0;
  let pending: ReturnType<typeof setTimeout> | undefined;
  const update = async (): Promise<void> => {
    pending = undefined;
    lastUpdate = Date.now();
    const current = (await deps.requestService.get(request.id)) ?? request;
    if (cardId)
      await deps.gateway.update(
        reference,
        cardId,
        MessageFactory.attachment(cardAttachment(bulkCard(current, false, progress))),
      );
  };
  const schedule = (): void => {
    if (pending) return;
    const wait = Math.max(0, lastUpdate + progressIntervalMs - Date.now());
    pending = setTimeout(() => {
      void update().catch((error: unknown) => {
        deps.logger.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'bulk progress update failed',
        );
      });
    }, wait);
  };
  const work = async (): Promise<void> => {
    cardId = await deps.gateway.send(
      reference,
      MessageFactory.attachment(cardAttachment(bulkCard(request, false, progress))),
    );
    const report = await bulk.runner.execute(request, {
      onResult: (result: BulkResult, done, total) => {
        progress.done = done;
        progress.total = total;
        if (result.status !== 'completed') progress.failed += 1;
        schedule();
      },
    });
    if (pending) clearTimeout(pending);
    await update();
    const failed = report.results.filter((r) => r.status !== 'completed');
    const lines = failed
      .slice(0, 20)
      .map(
        (r) =>
          `• ${r.userPrincipalName} (${r.requestId ?? '-'}): ${r.status}${r.error ? ` — ${r.error}` : ''}`,
      );
    await deps.gateway.send(
      reference,
      MessageFactory.text(
        `Bulk offboarding ${request.id} ${report.status}: ${report.results.length - failed.length} of ${report.results.length} leavers completed.${
          lines.length > 0
            ? `\n\n${lines.join('\n\n')}\n\nUse \`status <request id>\` and Retry on each.`
            : ''
        }`,
      ),
    );
  };
  void work().catch((error: unknown) => {
    deps.logger.error(
      {
        err: error instanceof Error ? { name: error.name, message: error.message } : String(error),
        requestId: request.id,
      },
      'bulk offboarding failed',
    );
  });
}

type Guard = (
  deps: BotDeps,
  what: string,
  work: () => Promise<AdaptiveCardJson | string>,
) => Promise<AdaptiveCardJson | string>;

/** Routes of the bulk flow; registered before the single-user `offboard` and the file routes. */
export function registerBulkOffboardRoutes(app: Application, deps: BotDeps, guard: Guard): void {
  const bulk = deps.bulk;
  if (!bulk) return;
  app.message(
    (ctx) => Promise.resolve(ctx.activity.type === 'message' && isBulkOffboardText(ctx.activity.text)),
    async (ctx) => {
      const message = await guard(deps, 'offboard.bulk', async () => {
        await bulkOffboardCommand(ctx, deps, bulk);
        return '';
      });
      if (typeof message === 'string' && message !== '') await ctx.sendActivity(message);
    },
  );
  app.adaptiveCards.actionExecute(bulkVerbs.confirm, (ctx, _state, data) =>
    guard(deps, bulkVerbs.confirm, () => confirmBulk(ctx, deps, trusted(ctx, deps), data)),
  );
  app.adaptiveCards.actionExecute(bulkVerbs.approve, (ctx, _state, data) =>
    guard(deps, bulkVerbs.approve, () => approveBulk(ctx, deps, bulk, trusted(ctx, deps), data)),
  );
  app.adaptiveCards.actionExecute(bulkVerbs.reject, (ctx, _state, data) =>
    guard(deps, bulkVerbs.reject, () => rejectBulk(deps, trusted(ctx, deps), data)),
  );
}
