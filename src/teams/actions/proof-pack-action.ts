/**
 * The summary card's Proof pack button: the signed proof pack of a request (docs/proof.md), for
 * approvers and auditors only (`Policy.canReadAll`, checked here on the server whatever the card
 * shows). Anyone else is refused and the refusal audited. The pack carries personal data, so it goes
 * only to the actor's 1:1 chat, like the exports (`private-reply.ts`); each delivery is audited as
 * `request.proof-exported`. A record that fails its hash chain is never signed: the refusal names the
 * first broken link.
 */
import type { Activity } from 'botbuilder';
import type { RequestActionData } from './action-data.js';
import { deliverPrivately } from '../commands/private-reply.js';
import type { Reply, Turn } from '../route.js';

/** What the composition root gives the bot: one request's proof pack, made and signed on demand. */
export interface ProofPacks {
  build(requestId: string): Promise<ProofPackOutcome>;
}

export type ProofPackOutcome =
  /** `text`: the pack exactly as `lifecycle proof verify` reads it (sorted keys, two-space indent). */
  | { kind: 'pack'; text: string; headHash: string }
  | { kind: 'not-found' }
  | { kind: 'broken'; message: string };

export const onlyApproversAndAuditors = 'Only approvers and auditors can get a proof pack; nothing was sent.';

export async function sendProofPack(turn: Turn, data: RequestActionData): Promise<Reply> {
  const { deps, actor } = turn;
  const id = data.requestId;
  const proof = deps.proof;
  if (!proof)
    return turn.refuse('Proof packs are not enabled on this bot; nothing was sent.', { requestId: id });
  if (!(await deps.policy.canReadAll(actor))) {
    return turn.refuse(onlyApproversAndAuditors, { requestId: id });
  }
  const built = await proof.build(id);
  if (built.kind === 'not-found') return `Request ${id} does not exist.`;
  if (built.kind === 'broken') {
    return turn.refuse(
      `The record of ${id} fails its hash chain, so no proof pack was signed: ${built.message}`,
      { requestId: id, code: 'chain-broken' },
    );
  }
  const name = `${id}.proof.json`;
  const activity: Partial<Activity> = {
    text: `Proof pack of ${id}, chain head ${built.headHash} (check it offline: \`npx lifecycle proof verify ${name}\`)`,
    attachments: [
      {
        contentType: 'application/json',
        name,
        // The exact bytes the signature covers: a data URI keeps the file's layout, which the
        // verifier checks.
        contentUrl: `data:application/json;base64,${Buffer.from(built.text, 'utf8').toString('base64')}`,
      },
    ],
  };
  const sent = await deliverPrivately(turn, activity, `The proof pack of ${id}`, { requestId: id });
  if (sent.delivery !== 'refused') {
    await deps.store.audit.append({
      at: new Date(deps.clock.now()).toISOString(),
      type: 'request.proof-exported',
      requestId: id,
      actor,
      details: { delivery: sent.delivery, headHash: built.headHash },
    });
  }
  return sent.message;
}
