/**
 * The route table: every command, message and card verb the bot answers, with the role it needs and,
 * for verbs, the card data contract. `createBotApplication` registers it in this order and every
 * route runs through the guard (`route-guard.ts`). teams-ai checks invoke routes first; among
 * messages the first match wins, so the bulk list comes before `offboard` and files before commands.
 */
import type { TurnContext } from 'botbuilder';
import { requestData, userChoiceData, versionedRequestData } from './actions/action-data.js';
import { sendProofPack } from './actions/proof-pack-action.js';
import {
  approveJoinersBatch,
  confirmJoinersBatch,
  fileAttachmentOf,
  onJoinersFile,
  rejectJoinersBatch,
} from './actions/provision-file.js';
import { isCardSubmit, refuseCardSubmit, refuseUnknownVerb } from './actions/unknown-actions.js';
import { approveExtension, extendDelegation, rejectExtension } from './actions/delegation-actions.js';
import {
  approveRequest,
  cancelRequest,
  confirmRequest,
  rejectRequest,
  retryFailed,
  viewRequest,
} from './actions/request-actions.js';
import type { BotDeps } from './bot-deps.js';
import { bulkVerbs } from './cards/offboard-bulk.data.js';
import { provisionVerbs } from './cards/provision-request.data.js';
import { cardAttachment } from './cards/render-card.js';
import { helpCard } from './cards/simple-cards.js';
import { verbs } from './cards/verbs.js';
import { parseCommand } from './commands/command-catalog.js';
import {
  approveBulk,
  bulkOffboardCommand,
  confirmBulk,
  isBulkOffboardText,
  rejectBulk,
} from './commands/offboard-bulk.js';
import { offboardCommand } from './commands/offboard-command.js';
import { provisionCommand } from './commands/provision-command.js';
import { cancelCommand, historyCommand, statusCommand } from './commands/request-commands.js';
import { revokeCommand } from './commands/revoke-command.js';
import { containCommand } from './commands/contain-command.js';
import { rescheduleCommand } from './commands/reschedule-command.js';
import { clockArgument, clockCommand, isClockText } from './dev-clock.js';
import { restoreCommand, undoCommand, undoFromSummary } from './commands/undo-command.js';
import { jobsCommand } from './commands/jobs-command.js';
import { command, fallback, message, unknownVerbs, verb, type Route, type Turn } from './route.js';

const withBulk = { isEnabled: (deps: BotDeps) => deps.bulk !== undefined };
const withProvisioning = { isEnabled: (deps: BotDeps) => deps.provision !== undefined };
/** Routes whose handler reads the tenant: the per-actor rate limit applies. */
const readsTenant = { readsTenant: true };
const withUndo = { isEnabled: (deps: BotDeps) => deps.undo !== undefined };

export const routes: readonly Route[] = [
  verb(verbs.offboardConfirm, 'member', versionedRequestData, (t, d) => confirmRequest(t, d, 'offboard')),
  verb(verbs.revokeConfirm, 'member', versionedRequestData, (t, d) => confirmRequest(t, d, 'revoke')),
  verb(
    verbs.offboardChoose,
    { requester: 'offboard' },
    userChoiceData,
    (t, d) => prepareChoice(t, d.userPrincipalName, offboardCommand, 'the offboarding of'),
    readsTenant,
  ),
  verb(
    verbs.revokeChoose,
    { requester: 'revoke' },
    userChoiceData,
    (t, d) => prepareChoice(t, d.userPrincipalName, revokeCommand, 'the permission removal for'),
    readsTenant,
  ),
  verb(verbs.requestApprove, 'member', versionedRequestData, approveRequest),
  verb(verbs.requestReject, 'member', versionedRequestData, rejectRequest),
  verb(verbs.requestCancel, 'member', versionedRequestData, cancelRequest),
  // The approval card's refresh: each viewer's own card (who may read it is checked by the handler).
  verb(verbs.requestView, 'member', requestData, viewRequest),
  verb(verbs.runRetryFailed, 'member', versionedRequestData, retryFailed),
  // Approvers and auditors only: the handler checks it (and whether proof packs are configured).
  verb(verbs.requestProof, 'reader', requestData, sendProofPack),
  verb(verbs.undoConfirm, 'member', versionedRequestData, (t, d) => confirmRequest(t, d, 'undo'), withUndo),
  verb(verbs.runUndo, { requester: 'undo' }, versionedRequestData, undoFromSummary, {
    ...withUndo,
    ...readsTenant,
  }),
  verb(verbs.delegationExtend, 'member', versionedRequestData, extendDelegation),
  verb(verbs.delegationExtensionApprove, 'member', versionedRequestData, approveExtension),
  verb(verbs.delegationExtensionReject, 'member', versionedRequestData, rejectExtension),
  verb(bulkVerbs.confirm, 'member', versionedRequestData, confirmBulk, withBulk),
  verb(bulkVerbs.approve, 'member', versionedRequestData, approveBulk, withBulk),
  verb(bulkVerbs.reject, 'member', versionedRequestData, rejectBulk, withBulk),
  verb(
    provisionVerbs.confirm,
    'member',
    versionedRequestData,
    (t, d) => confirmRequest(t, d, 'provision'),
    withProvisioning,
  ),
  verb(
    provisionVerbs.batchConfirm,
    { requester: 'provision' },
    versionedRequestData,
    confirmJoinersBatch,
    withProvisioning,
  ),
  verb(provisionVerbs.batchApprove, 'member', versionedRequestData, approveJoinersBatch, withProvisioning),
  verb(provisionVerbs.batchReject, 'member', versionedRequestData, rejectJoinersBatch, withProvisioning),
  // Last of the verbs: any verb not answered above (forged, or of a flow not enabled here).
  unknownVerbs('card.unknown-verb', refuseUnknownVerb),

  message('card.submit', isCardSubmit, 'member', refuseCardSubmit),
  message(
    'offboard.bulk',
    (a) => isBulkOffboardText(a.text),
    { requester: 'offboard' },
    bulkOffboardCommand,
    { ...withBulk, ...readsTenant },
  ),
  message(
    'provision.file',
    (a) => fileAttachmentOf(a) !== undefined,
    { requester: 'provision' },
    onJoinersFile,
    { ...withProvisioning, ...readsTenant },
  ),
  command('provision', { requester: 'provision' }, provisionCommand, {
    ...withProvisioning,
    ...readsTenant,
  }),
  command('offboard', { requester: 'offboard' }, offboardCommand, readsTenant),
  command('revoke', { requester: 'revoke' }, revokeCommand, readsTenant),
  command('contain', { requester: 'contain' }, containCommand, readsTenant),
  command('undo', { requester: 'undo' }, undoCommand, { ...withUndo, ...readsTenant }),
  command('restore', { requester: 'undo' }, restoreCommand, { ...withUndo, ...readsTenant }),
  command('status', 'reader', statusCommand),
  command('history', 'reader', historyCommand),
  command('cancel', 'member', cancelCommand),
  command('reschedule', 'member', rescheduleCommand, { isEnabled: (deps) => deps.schedule !== undefined }),
  message(
    'dev.clock',
    (a) => isClockText(a.text),
    'member',
    (t) => clockCommand(t, clockArgument(t.ctx.activity.text)),
    {
      isEnabled: (deps) => deps.devClock !== undefined,
    },
  ),
  command('jobs', 'reader', jobsCommand),
  fallback('help', showHelp),
];

/** A person picked on a choices card: prepared like the typed command, which sends the card. */
async function prepareChoice(
  turn: Turn,
  userPrincipalName: string,
  prepare: (turn: Turn, query: string) => Promise<void>,
  what: string,
): Promise<string> {
  await prepare(turn, userPrincipalName);
  return `Preparing ${what} ${userPrincipalName}.`;
}

/** `help`, unknown input, and commands whose flow is not configured here: never silence. */
async function showHelp(ctx: TurnContext): Promise<void> {
  const command = parseCommand(ctx.activity.text);
  const note =
    command && command.name !== 'help'
      ? `\`${command.name}\` is not enabled on this bot yet. This is what I can do:`
      : undefined;
  await ctx.sendActivity({ attachments: [cardAttachment(helpCard(false, note))] });
}
