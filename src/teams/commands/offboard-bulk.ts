/**
 * Bulk offboarding from Teams: `offboard a@x, b@x, …` or `offboard --from` with a CSV file in a 1:1
 * chat, each optionally with `--option name=value` for every leaver (the checklist's defaults
 * otherwise; the card shows the options chosen). The bot previews every leaver, the requester
 * confirms, an approver approves the whole batch once on a blast-radius card (count, protected
 * accounts highlighted; two approvers when one is in it), then the batch runs in the background with
 * one progress card, updated at most every 2 s.
 */
import { MessageFactory, TurnContext } from 'botbuilder';
import { attachmentMessage } from '../message-activity.js';
import { CsvFileError } from '../../core/csv-records.js';
import { maxLeaversCsvBytes, parseLeaversCsv } from '../../core/offboard/leavers-csv.js';
import type { BulkResult } from '../../core/runs/bulk-run-service.js';
import type { LifecycleRequest } from '../../core/model.js';
import { isLeaverList, parseLeaverList, type BulkEntry } from '../../core/offboard/bulk-input.js';
import {
  parseBatchOptionPairs,
  splitOptionArguments,
  type BatchOptions,
} from '../../core/offboard/batch-options.js';
import { InvalidInputError } from '../../core/errors.js';
import { downloadAttachment } from '../actions/file-download.js';
import { fileAttachmentOf } from '../actions/provision-file.js';
import type { VersionedActionData } from '../actions/action-data.js';
import { postToApprovalsChannel, refuseOtherKind, rejectOnCard } from '../actions/request-actions.js';
import type { BotDeps, BulkServices } from '../bot-deps.js';
import bulkTemplate from '../cards/offboard-bulk.card.json' with { type: 'json' };
import { bulkCardData, type BulkProgress } from '../cards/offboard-bulk.data.js';
import { cardAttachment, renderCard, type AdaptiveCardJson } from '../cards/render-card.js';
import type { Reply, Turn } from '../route.js';
import { parseCommand } from './command-catalog.js';
import { answerInBackground, statusCard } from './deferred-reply.js';
import { markdownText as md } from '../cards/markdown-text.js';

const progressIntervalMs = 2000;

/** `offboard --from …` or a list of several UPNs. */
export function isBulkOffboardText(text: string | undefined): boolean {
  const command = parseCommand(text);
  if (command?.name !== 'offboard') return false;
  // A malformed `--option` still makes it a bulk command, which then says how to write it.
  const rest = splitOptionArguments(command.argument).rest.replace(/(?:^|\s)--option\b.*$/s, '');
  return /^--from\b/i.test(rest) || isLeaverList(rest);
}

function bulkCard(
  request: LifecycleRequest,
  isActionable: boolean,
  progress?: BulkProgress,
): AdaptiveCardJson {
  return renderCard(bulkTemplate, bulkCardData(request, isActionable, progress));
}

async function entriesOf(
  turn: Turn,
  argument: string,
): Promise<{ entries: BulkEntry[]; source: string } | string> {
  const { ctx } = turn;
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
      entries: parseLeaversCsv(await downloadAttachment(turn, content.downloadUrl, maxLeaversCsvBytes)),
      source: `Teams file ${fileName}`,
    };
  } catch (error) {
    if (error instanceof CsvFileError) return `${md(fileName)}: ${md(error.message)} Nothing was changed.`;
    throw error;
  }
}

/**
 * The typed list or CSV (the guard has checked that the sender may ask for an offboarding). The list
 * is read within the turn; previewing every leaver reads the tenant, so the turn answers with a
 * placeholder card that the preview (or the refusal) replaces when it is ready.
 */
export async function bulkOffboardCommand(turn: Turn, argument: string): Promise<void> {
  const { ctx, deps, actor } = turn;
  const bulk = deps.bulk;
  if (!bulk) return;
  const options = batchOptionsOf(argument);
  if (typeof options === 'string') {
    await ctx.sendActivity(options);
    return;
  }
  const found = await entriesOf(turn, options.rest);
  if (typeof found === 'string') {
    await ctx.sendActivity(found);
    return;
  }
  const count = found.entries.length;
  await answerInBackground(
    turn,
    statusCard(
      `Planning the offboarding of ${count} leaver${count === 1 ? '' : 's'}…`,
      'Reading each account, mailbox, groups and licences.',
    ),
    'offboard.bulk',
    async () => {
      const result = await bulk.offboard.prepare(actor, found.entries, { batchOptions: options.chosen });
      if (result.kind === 'refused') return turn.refuse(result.message);
      if (result.kind === 'too-many') {
        return turn.refuse(
          `That is ${result.count} leavers; the policy allows ${result.max} per request. Split the list; nothing was changed.`,
        );
      }
      const { preview } = result;
      if (preview.totals.ready === 0) {
        const why = preview.items.map(
          (i) =>
            `line ${i.line} ${md(i.userPrincipalName)}: ${i.status}${i.message ? ` (${md(i.message)})` : ''}`,
        );
        return `Nobody in the list can be offboarded; nothing was changed.\n\n${why.slice(0, 30).join('\n\n')}`;
      }
      const request = await bulk.offboard.createRequest(
        actor,
        preview,
        found.source,
        preview.approvalsRequired,
        options.chosen,
      );
      return bulkCard(request, true);
    },
  );
}

/** The command's `--option` pairs as batch options, and the rest of it; a string is the refusal. */
function batchOptionsOf(argument: string): { chosen: BatchOptions; rest: string } | string {
  const { rest, pairs } = splitOptionArguments(argument);
  if (/(?:^|\s)--option\b/.test(rest))
    return 'Write each option as `--option name=value`; nothing was changed.';
  try {
    return { chosen: parseBatchOptionPairs(pairs), rest };
  } catch (error) {
    if (error instanceof InvalidInputError) return `${md(error.message)}; nothing was changed.`;
    throw error;
  }
}

export async function confirmBulk(turn: Turn, data: VersionedActionData): Promise<Reply> {
  const { ctx, deps, actor } = turn;
  const wrong = await refuseOtherKind(turn, data.requestId, true, 'confirm');
  if (wrong !== null) return wrong;
  const decision = await deps.requestService.confirm(actor, data.requestId, data.version);
  if (!decision.isDone) return decision.message;
  const card = bulkCard(decision.request, true);
  await ctx.sendActivity({ attachments: [cardAttachment(card)] });
  await postToApprovalsChannel(deps, card);
  return bulkCard(decision.request, false);
}

export async function approveBulk(turn: Turn, data: VersionedActionData): Promise<Reply> {
  const { ctx, deps, actor } = turn;
  const bulk = deps.bulk;
  if (!bulk) return 'Bulk offboarding is not enabled on this bot.';
  const wrong = await refuseOtherKind(turn, data.requestId, true, 'approve');
  if (wrong !== null) return wrong;
  const decision = await bulk.offboard.approve(actor, data.requestId, data.version);
  if (!decision.isDone) return decision.message;
  if (decision.request.state === 'approved')
    startBatch(deps, bulk, decision.request, TurnContext.getConversationReference(ctx.activity));
  return bulkCard(decision.request, true);
}

export function rejectBulk(turn: Turn, data: VersionedActionData): Promise<Reply> {
  return rejectOnCard(turn, data, { isBulk: true, render: (request) => bulkCard(request, false) });
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
        attachmentMessage(cardAttachment(bulkCard(current, false, progress))),
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
      attachmentMessage(cardAttachment(bulkCard(request, false, progress))),
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
          `• ${md(r.userPrincipalName)} (${r.requestId ?? '-'}): ${r.status}${r.error ? ` — ${md(r.error)}` : ''}`,
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
