/** The acting person, taken from the authenticated activity only (never from card data). */
import type { TurnContext } from 'botbuilder';
import type { Principal } from '../core/model.js';

interface TenantChannelData {
  tenant?: { id?: unknown };
}

/** Who the activity says is acting, from any tenant; `trustedActor` decides whether to believe it. */
export function actorOf(context: TurnContext): Principal | null {
  const { from } = context.activity;
  const aadObjectId = from.aadObjectId;
  const tenantId = tenantOf(context);
  if (!aadObjectId || !tenantId) return null;
  return { aadObjectId, tenantId, ...(from.name && { displayName: from.name }) };
}

/** The tenant an activity comes from (conversation or channel data), if any. */
export function tenantOf(context: TurnContext): string | undefined {
  const channelData: unknown = context.activity.channelData;
  return context.activity.conversation.tenantId ?? tenantFromChannelData(channelData);
}

export type TrustedActor =
  | { isTrusted: true; actor: Principal }
  | { isTrusted: false; code: 'unidentified' | 'cross-tenant'; claimed: Principal | null };

/**
 * The actor when the activity names an Entra user of the served tenant. Otherwise why not: no
 * Entra id or tenant at all (`unidentified`), or another tenant (`cross-tenant`, with whom it claims).
 */
export function trustedActor(context: TurnContext, tenantId: string): TrustedActor {
  const claimed = actorOf(context);
  if (!claimed) return { isTrusted: false, code: 'unidentified', claimed: null };
  if (claimed.tenantId !== tenantId) return { isTrusted: false, code: 'cross-tenant', claimed };
  return { isTrusted: true, actor: claimed };
}

function tenantFromChannelData(channelData: unknown): string | undefined {
  if (typeof channelData !== 'object' || channelData === null) return undefined;
  const id = (channelData as TenantChannelData).tenant?.id;
  return typeof id === 'string' ? id : undefined;
}
