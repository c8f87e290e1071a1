/**
 * Where a request's progress and summary go: the conversation the requester asked in, stored with the
 * request when it is created. An approver may act in the approvals channel or another chat; the run
 * still reports to the requester.
 */
import type { ConversationReference } from 'botbuilder';
import type { BotDeps } from './bot-deps.js';

const keyOf = (requestId: string): string => `requester-conversation:${requestId}`;

export async function rememberRequesterConversation(
  deps: Pick<BotDeps, 'store'>,
  requestId: string,
  reference: Partial<ConversationReference>,
): Promise<void> {
  const { activityId: _turnSpecific, ...stored } = reference;
  await deps.store.conversations.save(keyOf(requestId), stored);
}

/** The requester's conversation, or `fallback` (the current turn's) for requests stored without one. */
export async function requesterConversation(
  deps: Pick<BotDeps, 'store'>,
  requestId: string,
  fallback: Partial<ConversationReference>,
): Promise<Partial<ConversationReference>> {
  const stored = (await deps.store.conversations.get(keyOf(requestId))) as
    Partial<ConversationReference> | undefined | null;
  return stored ?? fallback;
}

/** The requester's Teams user id (`29:…`), from the conversation stored with the request, if known. */
export async function requesterTeamsId(
  deps: Pick<BotDeps, 'store'>,
  requestId: string,
  requesterAadObjectId: string,
): Promise<string | undefined> {
  const stored = (await deps.store.conversations.get(keyOf(requestId))) as
    Partial<ConversationReference> | undefined | null;
  const user = stored?.user;
  return user?.aadObjectId === requesterAadObjectId ? user.id : undefined;
}
