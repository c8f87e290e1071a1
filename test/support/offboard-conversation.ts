/**
 * Drives one offboarding through a bot process the way people do in Teams: the operator types
 * `offboard <upn>`, confirms the request card, an approver approves the approval card. Returns where
 * the progress card and the summary will appear.
 */
import { actionOf, cardText, type ConnectorEndpoint, type ConnectorUser } from './connector-endpoint.js';

export const operatorUser: ConnectorUser = {
  id: '29:isaiah-langer',
  aadObjectId: '10000000-0000-4000-8000-000000000013',
  name: 'Isaiah Langer',
};
export const approverUser: ConnectorUser = {
  id: '29:joni-sherman',
  aadObjectId: '10000000-0000-4000-8000-000000000015',
  name: 'Joni Sherman',
};

export interface StartedOffboarding {
  upn: string;
  conversationId: string;
  requestId: string;
  /** Endpoint sequence number when the approval was clicked: the progress card comes after it. */
  approvedSeq: number;
}

export interface PendingApproval {
  upn: string;
  conversationId: string;
  requestId: string;
  approvalCardId: string;
  approve: { verb: string; data: Record<string, unknown> };
}

/**
 * `botUrl` is asked for every activity, so a test can send each one to another instance (a proxy or
 * a restarted bot).
 */
export async function startOffboarding(
  endpoint: ConnectorEndpoint,
  botUrl: () => string,
  upn: string,
  conversationId: string,
): Promise<StartedOffboarding> {
  const pending = await requestOffboarding(endpoint, botUrl, upn, conversationId);
  const approvedSeq = endpoint.sequence;
  const approved = await approveOffboarding(endpoint, botUrl, pending);
  if (approved.status !== 200) throw new Error(`approve ${upn}: HTTP ${approved.status}`);
  return { upn, conversationId, requestId: pending.requestId, approvedSeq };
}

/** Clicks Approve on the approval card. */
export function approveOffboarding(
  endpoint: ConnectorEndpoint,
  botUrl: () => string,
  pending: PendingApproval,
): ReturnType<ConnectorEndpoint['click']> {
  return endpoint.click(
    botUrl(),
    approverUser,
    pending.conversationId,
    pending.approvalCardId,
    pending.approve.verb,
    pending.approve.data,
  );
}

/** `offboard <upn>`, then Confirm: resolves when the approval card is there. */
export async function requestOffboarding(
  endpoint: ConnectorEndpoint,
  botUrl: () => string,
  upn: string,
  conversationId: string,
): Promise<PendingApproval> {
  const status = await endpoint.say(botUrl(), operatorUser, conversationId, `offboard ${upn}`);
  if (status >= 300) throw new Error(`offboard ${upn}: HTTP ${status}`);
  const requestCard = await endpoint.waitFor(
    (m) => m.conversationId === conversationId && actionOf(endpoint.cardOf(m) ?? {}, 'Confirm') !== undefined,
  );
  const confirm = actionOf(endpoint.cardOf(requestCard) ?? {}, 'Confirm');
  if (!confirm) throw new Error(`no Confirm on the request card for ${upn}`);
  const requestId = String(confirm.data['requestId']);
  const confirmed = await endpoint.click(
    botUrl(),
    operatorUser,
    conversationId,
    requestCard.id,
    confirm.verb,
    confirm.data,
  );
  if (confirmed.status !== 200) throw new Error(`confirm ${upn}: HTTP ${confirmed.status}`);
  const approvalCard = await endpoint.waitFor(
    (m) =>
      m.conversationId === conversationId &&
      actionOf(endpoint.cardOf(m) ?? {}, 'Approve') !== undefined &&
      cardText(endpoint.cardOf(m)).includes(requestId),
  );
  const approve = actionOf(endpoint.cardOf(approvalCard) ?? {}, 'Approve');
  if (!approve) throw new Error(`no Approve on the approval card for ${upn}`);
  return { upn, conversationId, requestId, approvalCardId: approvalCard.id, approve };
}

/** The summary card of a request, once posted. */
export function summaryOf(endpoint: ConnectorEndpoint, started: StartedOffboarding) {
  return [...endpoint.messages.values()].find(
    (m) =>
      m.conversationId === started.conversationId &&
      cardText(endpoint.cardOf(m)).includes(`status ${started.requestId} json`),
  );
}

/**
 * Progress cards of a request: cards posted after the approval that are not the summary, nor the
 * card of the offboarding's next stages that follows it.
 */
export function progressCardsOf(endpoint: ConnectorEndpoint, started: StartedOffboarding) {
  return [...endpoint.messages.values()].filter(
    (m) =>
      m.conversationId === started.conversationId &&
      m.postedSeq > started.approvedSeq &&
      endpoint.cardOf(m) !== undefined &&
      !cardText(endpoint.cardOf(m)).includes('JSON export') &&
      !cardText(endpoint.cardOf(m)).includes('Next stages of this offboarding') &&
      actionOf(endpoint.cardOf(m) ?? {}, 'Approve') === undefined,
  );
}
