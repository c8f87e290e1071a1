/**
 * `POST /api/tickets/revoke`: a ticket system (PSA ticket or form) asks for the removal of a user's
 * mailbox permissions. Off until `TICKET_REVOKE_SECRET_FILE` is set. The shared signed-endpoint module
 * checks the delivery (HMAC-SHA256 over `<timestamp>.<raw body>`, the time window, replays, the size
 * limit, JSON; refusals audited); `TicketRevokeIntake` checks the ticket and the requesting person and
 * creates the request; `postTicketRevoke` posts it to the IT channel (or starts it, for an incident
 * responder). The ticket id travels with the request to the ticket webhook when the run ends.
 *
 * Answers (JSON): 201 `{ requestId, state }` created; 200 `{ requestId, state, isDuplicate: true }` for
 * a ticket already received; 422 invalid ticket or user; 403 unknown or unauthorised requester; 503
 * while the IT channel is not reachable (nothing created) or when the post failed (the request is
 * withdrawn: cancelled, the ticket forgotten); the signed-endpoint refusals (400, 401, 409, 413, 415).
 */
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { LifecycleRequest } from '../core/model.js';
import { errorSummary } from '../core/ports/log.js';
import type { Users } from '../core/ports/users.js';
import { TicketRevokeIntake, type TicketRefusalCode } from '../core/revoke/index.js';
import type { BotDeps } from '../teams/bot-deps.js';
import { itChannelReference, postTicketRevoke } from '../teams/ticket-revoke-posting.js';
import type { RevokeSettings } from './revoke-settings.js';
import { signedEndpoint } from './signed-endpoint.js';

export const ticketRevokePath = '/api/tickets/revoke';
/** The endpoint's name in the audit trail and in the replay store's keys. */
export const ticketRevokeEndpointName = 'POST /api/tickets/revoke';
/** A ticket request is a few hundred bytes; anything much larger is not one. */
export const ticketRevokeMaxBodyBytes = 16 * 1024;

const statusOf: Record<TicketRefusalCode, number> = {
  'invalid-input': 422,
  'unknown-requester': 403,
  forbidden: 403,
  'unknown-user': 422,
  'ambiguous-user': 422,
  'in-progress': 409,
};

export interface TicketRevokeEndpointOptions {
  settings: Pick<RevokeSettings, 'ticketTrigger' | 'defaultPermissionTypes'>;
  /** Where the requests are posted (`IT_CHANNEL_CONVERSATION_ID`). */
  itChannelConversationId: string | undefined;
  deps: BotDeps;
  users: Pick<Users, 'getUser' | 'resolveUser'>;
  logger: Logger;
}

/** The endpoint, or undefined when the trigger is not configured (the route then does not exist). */
export function ticketRevokeEndpoint(
  options: TicketRevokeEndpointOptions,
): { path: string; handler: RequestHandler } | undefined {
  const trigger = options.settings.ticketTrigger;
  const channelId = options.itChannelConversationId;
  if (!trigger || !channelId) return undefined;
  const { deps, logger } = options;
  const channelKey = `conversation:${channelId}`;
  const intake = new TicketRevokeIntake({
    users: options.users,
    policy: deps.policy,
    requestService: deps.requestService,
    audit: deps.store.audit,
    state: deps.store.state,
    queue: deps.store.queue,
    clock: deps.clock,
    tenantId: deps.tenantId,
    defaultPermissionTypes: options.settings.defaultPermissionTypes,
  });
  const handler = signedEndpoint({
    name: ticketRevokeEndpointName,
    secret: trigger.secret,
    store: deps.store,
    clock: deps.clock,
    logger,
    maxBodyBytes: ticketRevokeMaxBodyBytes,
    toleranceSeconds: trigger.toleranceSeconds,
    handle: async (delivery) => {
      const source = {
        endpoint: ticketRevokeEndpointName,
        remoteAddress: delivery.remoteAddress,
        ...(delivery.deliveryId !== undefined && { deliveryId: delivery.deliveryId }),
      };
      const channel = await itChannelReference(deps, channelKey);
      if (!channel) {
        const message = 'The IT channel is not reachable yet (install the app there); nothing was created.';
        await deps.store.audit.append({
          at: new Date(deps.clock.now()).toISOString(),
          type: 'action.refused',
          actor: { system: ticketRevokeEndpointName },
          details: { action: ticketRevokeEndpointName, code: 'unavailable', reason: message, ...source },
        });
        return { status: 503, body: { error: 'unavailable', message } };
      }
      const outcome = await intake.receive(delivery.body, source);
      if (outcome.kind === 'refused') {
        return { status: statusOf[outcome.code], body: { error: outcome.code, message: outcome.message } };
      }
      if (outcome.kind === 'existing') {
        return {
          status: 200,
          body: { requestId: outcome.request.id, state: outcome.request.state, isDuplicate: true },
        };
      }
      let posted: LifecycleRequest;
      try {
        posted = await postTicketRevoke(deps, outcome.request, channel);
      } catch (error) {
        const reason = errorSummary(error).message;
        logger.error(
          { requestId: outcome.request.id, err: errorSummary(error) },
          'ticket request not posted',
        );
        if (await intake.withdraw(outcome.request, reason)) {
          const message =
            'The request could not be posted to the IT channel; it was withdrawn. Send it again.';
          return { status: 503, body: { error: 'unavailable', message } };
        }
        const current = (await deps.requestService.get(outcome.request.id)) ?? outcome.request;
        return { status: 201, body: { requestId: current.id, state: current.state } };
      }
      logger.info({ requestId: posted.id, state: posted.state }, 'revoke request created from a ticket');
      return { status: 201, body: { requestId: posted.id, state: posted.state } };
    },
  });
  return { path: ticketRevokePath, handler };
}
