/** The one way the Teams surface records a refusal: an `action.refused` audit entry, timed by the injected clock. */
import type { Principal } from '../core/model.js';
import type { BotDeps } from './bot-deps.js';

export interface Refusal {
  /** The route refused: a command name or a card verb. */
  action: string;
  /** What the user was told. */
  reason: string;
  /** Who acted, or, for an untrusted activity, whom it claims (absent when it names nobody). */
  actor?: Principal | null;
  requestId?: string;
  /** Machine-readable, where the reason alone doesn't say it (`cross-tenant`, `unidentified`). */
  code?: string;
  /** The keys of the card data (never its values): enough to tell a forged card from an old one. */
  dataKeys?: readonly string[];
}

/** Appends the refusal to the audit trail and returns its reason, to be sent to the user. */
export async function auditRefusal(
  deps: Pick<BotDeps, 'store' | 'clock'>,
  refusal: Refusal,
): Promise<string> {
  const { action, reason, actor, requestId, code, dataKeys } = refusal;
  await deps.store.audit.append({
    at: new Date(deps.clock.now()).toISOString(),
    type: 'action.refused',
    ...(requestId && { requestId }),
    ...(actor && { actor }),
    details: { action, reason, ...(code && { code }), ...(dataKeys && { dataKeys }) },
  });
  return reason;
}
