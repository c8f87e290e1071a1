/**
 * A CSV of joiners sent to the bot in a 1:1 chat: download it (Teams' file.download.info attachment,
 * through `downloadAttachment`: tenant SharePoint hosts only, capped, audited),
 * parse and validate every row, show a dry-run report with a Confirm button; Confirm runs the batch in
 * the background and posts the report here and to the IT channel.
 */
import { randomUUID } from 'node:crypto';
import { MessageFactory, TurnContext, type Attachment } from 'botbuilder';
import { z } from 'zod';
import type { Principal } from '../../core/model.js';
import { CsvFileError } from '../../core/csv-records.js';
import { maxCsvBytes, parseJoinersCsv } from '../../core/provision/joiners-csv.js';
import type { BatchLine } from '../../core/provision/index.js';
import reportTemplate from '../cards/provision-report.card.json' with { type: 'json' };
import { toProvisionReportData } from '../cards/provision-report.data.js';
import { cardAttachment, renderCard } from '../cards/render-card.js';
import { provisionVerbs } from '../cards/provision-request.data.js';
import type { Turn } from '../route.js';
import { downloadAttachment } from './file-download.js';
import { markdownText as md } from '../cards/markdown-text.js';

export const fileDownloadInfoType = 'application/vnd.microsoft.teams.file.download.info';
const batchKey = (id: string): string => `provision-batch:${id}`;

const downloadInfoSchema = z.object({ downloadUrl: z.url(), fileType: z.string().optional() }).loose();

interface StoredBatch {
  requester: Principal;
  fileName: string;
  lines: BatchLine[];
}

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
  const batchId = randomUUID();
  const stored: StoredBatch = { requester: actor, fileName, lines };
  await deps.store.state.set(batchKey(batchId), stored);
  const card = renderCard(
    reportTemplate,
    toProvisionReportData(preview, { verb: provisionVerbs.batchConfirm, batchId }),
  );
  await ctx.sendActivity({ attachments: [cardAttachment(card)] });
}

/** Confirm of a previewed file: only its requester, once (the stored batch is removed first). */
export async function confirmJoinersBatch(turn: Turn, data: { batchId: string }): Promise<string> {
  const { ctx, deps, actor } = turn;
  const provision = deps.provision;
  if (!provision) return 'This card is malformed or expired; nothing was changed.';
  const key = batchKey(data.batchId);
  const stored = (await deps.store.state.get(key)) as StoredBatch | undefined;
  if (!stored) return 'This batch was already confirmed or has expired; nothing was changed.';
  if (stored.requester.aadObjectId !== actor.aadObjectId) {
    return turn.refuse('Only the person who sent the file can confirm it; nothing was changed.');
  }
  await deps.store.state.delete(key);
  const reference = TurnContext.getConversationReference(ctx.activity);
  provision.background.add(async () => {
    const report = await provision.batch.run(stored.lines, {
      requester: actor,
      source: `Teams file ${stored.fileName}`,
      isDryRun: false,
    });
    const card = renderCard(reportTemplate, toProvisionReportData(report));
    await deps.gateway.send(reference, MessageFactory.attachment(cardAttachment(card)));
    await provision.reports.send(report);
  });
  return `Provisioning ${stored.lines.length} joiners from ${md(stored.fileName)}; the report follows here and in the IT channel.`;
}
