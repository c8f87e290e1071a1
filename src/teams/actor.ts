/** The acting person, taken from the authenticated activity only (never from card data). */
import type { TurnContext } from 'botbuilder';
import type { Principal } from '../core/model.js';

interface TenantChannelData {
  tenant?: { id?: unknown };
}

export function actorOf(context: TurnContext): Principal | null {
  const { from, conversation } = context.activity;
  const channelData: unknown = context.activity.channelData;
  const aadObjectId = from.aadObjectId;
  const tenantId = conversation.tenantId ?? tenantFromChannelData(channelData);
  if (!aadObjectId || !tenantId) return null;
  return { aadObjectId, tenantId, ...(from.name && { displayName: from.name }) };
}

/** The tenant an activity comes from (conversation or channel data), if any. */
export function tenantOf(context: TurnContext): string | undefined {
  const channelData: unknown = context.activity.channelData;
  return context.activity.conversation.tenantId ?? tenantFromChannelData(channelData);
}

function tenantFromChannelData(channelData: unknown): string | undefined {
  if (typeof channelData !== 'object' || channelData === null) return undefined;
  const id = (channelData as TenantChannelData).tenant?.id;
  return typeof id === 'string' ? id : undefined;
}
