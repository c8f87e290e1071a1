/**
 * A revoke request started from a ticket (a PSA ticket or form): the ticket system, which has proven
 * itself by signing the delivery, names the ticket, the user whose rights go, optionally the
 * permission types, and the person who asked in the ticket. That person must be a known, enabled user
 * of the tenant, and every rule of the `revoke` command applies to them as the requester: the
 * requesters group (or the incident responders), no revoke of oneself, protected accounts, and
 * approval (incident responders' revokes need none; everyone else's go to an approver). The ticket
 * stands for the requester's confirmation, so the request leaves this class confirmed: `approved` (it
 * can run) or `awaiting-approval`. One ticket creates one request: a ticket id seen before answers
 * with its request, and a delivery arriving while another delivery of the same ticket is being handled
 * (another instance, the same moment) is refused as `in-progress` (a hold on the ticket id in the
 * store, see `key-lock.ts`), so two deliveries never create two requests. Refusals create nothing and
 * are audited.
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors.js';
import { resolveSubject } from '../flows/resolve-subject.js';
import { subjectOf } from '../flows/subject.js';
import type { LifecycleRequest, Principal } from '../model.js';
import type { Policy } from '../policy/policy.js';
import type { Clock } from '../ports/clock.js';
import type { AuditLog, KeyValueStore } from '../ports/store.js';
import { withKeyLock, type KeyLockQueue } from '../triggers/key-lock.js';
import type { Users } from '../ports/users.js';
import type { RequestService } from '../requests/request-service.js';
import { parseRevokeInput, permissionTypes, ticketIdPattern, type PermissionType } from './input.js';

/** What the ticket system sends (JSON). Unknown fields are refused, so a typo never goes unnoticed. */
export const ticketRevokeBodySchema = z
  .object({
    /** The PSA ticket the summary is sent back to. */
    ticketId: z.string().trim().min(1).max(64).regex(ticketIdPattern, 'letters, digits and . _ # / - only'),
    /** Whose rights on other mailboxes are removed (UPN or primary SMTP address). */
    user: z.string().trim().min(3).max(256),
    /** Which kinds; default: the organisation's default scope. */
    permissionTypes: z
      .array(z.enum(permissionTypes))
      .min(1, 'name at least one permission type, or leave the list out for the default scope')
      .max(permissionTypes.length * 2)
      .optional(),
    /** The person who asked in the ticket, as the ticket system knows them (their UPN or address). */
    requestedBy: z.string().trim().min(3).max(256),
  })
  .strict();

export type TicketRefusalCode =
  | 'invalid-input'
  | 'unknown-requester'
  | 'forbidden'
  | 'unknown-user'
  | 'ambiguous-user'
  /** Another delivery of the same ticket is being handled right now. */
  | 'in-progress';

export type TicketRevokeOutcome =
  | { kind: 'created'; request: LifecycleRequest }
  /** The ticket was received before: its request, unchanged. */
  | { kind: 'existing'; request: LifecycleRequest }
  | { kind: 'refused'; code: TicketRefusalCode; message: string };

/** Where the delivery came from, for the audit trail (never the body). */
export interface TicketSource {
  /** Names the trigger in the audit trail (`POST /api/tickets/revoke`). */
  endpoint: string;
  remoteAddress: string;
  deliveryId?: string;
}

export interface TicketRevokeDeps {
  users: Pick<Users, 'getUser' | 'resolveUser'>;
  policy: Policy;
  requestService: RequestService;
  audit: AuditLog;
  /** Ticket id → request id, so one ticket creates one request. */
  state: KeyValueStore;
  /** Holds the ticket id while a delivery is handled (the store's work queue). */
  queue: KeyLockQueue;
  clock: Clock;
  /** The tenant the bot serves: the requester's principal is in it. */
  tenantId: string;
  /** The organisation's default scope (a ticket naming no types). Default all four. */
  defaultPermissionTypes?: readonly PermissionType[];
}

const ticketKey = (ticketId: string): string => `ticket-revoke:${ticketId.toLowerCase()}`;

const sameAddress = (a: string | undefined, b: string): boolean =>
  a !== undefined && a.toLowerCase() === b.toLowerCase();

const addressPattern = /^[^\s@:\\/"'<>()[\],;]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

export class TicketRevokeIntake {
  constructor(private readonly deps: TicketRevokeDeps) {}

  async receive(body: unknown, source: TicketSource): Promise<TicketRevokeOutcome> {
    const parsed = ticketRevokeBodySchema.safeParse(body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : 'body'}: ${issue.message}`,
      );
      return this.refuse(
        source,
        undefined,
        'invalid-input',
        `Invalid ticket request: ${problems.join('; ')}`,
      );
    }
    const ticket = parsed.data;
    const held = await withKeyLock(this.deps.queue, ticketKey(ticket.ticketId), this.deps.clock.now(), () =>
      this.receiveHeld(ticket, source),
    );
    if (held.isHeld) return held.value;
    return this.refuse(
      source,
      ticket.ticketId,
      'in-progress',
      'Another delivery of this ticket is being handled right now; nothing was created. Send it again later.',
    );
  }

  /** The ticket's delivery, handled while this instance holds the ticket id. */
  private async receiveHeld(
    ticket: z.infer<typeof ticketRevokeBodySchema>,
    source: TicketSource,
  ): Promise<TicketRevokeOutcome> {
    const known = await this.existing(ticket.ticketId);
    if (known) return { kind: 'existing', request: known };

    const requester = await this.requesterOf(ticket.requestedBy);
    if (!requester) {
      return this.refuse(
        source,
        ticket.ticketId,
        'unknown-requester',
        'The requesting person is not a known, enabled user of this tenant; nothing was created.',
      );
    }
    const actor: Principal = {
      aadObjectId: requester.id,
      tenantId: this.deps.tenantId,
      displayName: requester.displayName,
    };
    const resolved = await resolveSubject(
      { policy: this.deps.policy, users: this.deps.users },
      actor,
      ticket.user,
      'revoke',
    );
    if (resolved.kind === 'refused')
      return this.refuse(source, ticket.ticketId, 'forbidden', resolved.message);
    if (resolved.kind === 'ambiguous') {
      return this.refuse(
        source,
        ticket.ticketId,
        'ambiguous-user',
        'The user matches several people; name them by UPN.',
      );
    }
    // Only an exact address names the user: a display-name match is never acted on from a ticket.
    if (
      resolved.kind === 'not-found' ||
      !(
        sameAddress(resolved.user.userPrincipalName, ticket.user) ||
        sameAddress(resolved.user.mail, ticket.user)
      )
    ) {
      return this.refuse(
        source,
        ticket.ticketId,
        'unknown-user',
        'The user is not a user of this tenant (give their UPN).',
      );
    }
    const user = resolved.user;
    let options: Record<string, unknown>;
    try {
      options = {
        ...parseRevokeInput(
          {
            user: user.mail ?? user.userPrincipalName,
            ticketId: ticket.ticketId,
            ...(ticket.permissionTypes && { permissionTypes: ticket.permissionTypes }),
          },
          this.deps.defaultPermissionTypes ?? permissionTypes,
        ),
      };
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      return this.refuse(source, ticket.ticketId, 'invalid-input', error.message);
    }
    const created = await this.deps.requestService.create({
      kind: 'revoke',
      subject: subjectOf(user),
      options,
      requester: actor,
      approvalsRequired: resolved.approvalsRequired,
      ticketId: ticket.ticketId,
    });
    await this.deps.state.set(ticketKey(ticket.ticketId), created.id);
    await this.deps.audit.append({
      at: this.nowIso(),
      type: 'ticket.received',
      requestId: created.id,
      actor: { system: source.endpoint },
      details: {
        ticketId: ticket.ticketId,
        requestedBy: actor.aadObjectId,
        remoteAddress: source.remoteAddress,
        ...(source.deliveryId !== undefined && { deliveryId: source.deliveryId }),
      },
    });
    // The ticket is the requester's confirmation; confirm checks protection again, now.
    const confirmed = await this.deps.requestService.confirm(actor, created.id, created.version);
    if (!confirmed.isDone) {
      await this.deps.requestService.cancel(actor, created.id);
      // Nothing is left bound to the ticket: a corrected delivery creates a fresh request.
      await this.deps.state.delete(ticketKey(ticket.ticketId));
      return this.refuse(source, ticket.ticketId, 'forbidden', confirmed.message);
    }
    return { kind: 'created', request: confirmed.request };
  }

  /**
   * The request could not be shown or started (the IT channel post or the preview failed): it is
   * cancelled while nothing ran, and the ticket forgotten, so the ticket system's next delivery
   * creates a fresh request. Returns whether it was withdrawn (false: it already runs).
   */
  async withdraw(request: LifecycleRequest, reason: string): Promise<boolean> {
    const current = (await this.deps.requestService.get(request.id)) ?? request;
    if (current.state !== 'awaiting-approval' && current.state !== 'approved') return false;
    const cancelled = await this.deps.requestService.cancel(current.requester, current.id, current.version);
    if (!cancelled.isDone) return false;
    if (current.ticketId !== undefined) await this.deps.state.delete(ticketKey(current.ticketId));
    await this.deps.audit.append({
      at: this.nowIso(),
      type: 'ticket.withdrawn',
      requestId: current.id,
      actor: { system: 'ticket-trigger' },
      details: { reason: reason.slice(0, 300) },
    });
    return true;
  }

  /** The request an earlier delivery of this ticket created, if any. */
  /**
   * The request a ticket already made. One left unconfirmed (a delivery that failed between creating
   * and confirming it) is cancelled and forgotten, so the ticket's next delivery creates a fresh
   * request instead of pointing at one that never moves.
   */
  private async existing(ticketId: string): Promise<LifecycleRequest | null> {
    const id = await this.deps.state.get(ticketKey(ticketId));
    const request = typeof id === 'string' ? await this.deps.requestService.get(id) : null;
    if (request?.state !== 'awaiting-confirmation') return request;
    await this.deps.requestService.cancel(request.requester, request.id);
    await this.deps.state.delete(ticketKey(ticketId));
    return null;
  }

  /** The person the ticket system vouches for: an enabled user whose UPN or address is exactly the value. */
  private async requesterOf(requestedBy: string) {
    if (!addressPattern.test(requestedBy)) return null;
    const user = await this.deps.users.getUser(requestedBy);
    if (!user || !user.accountEnabled) return null;
    return sameAddress(user.userPrincipalName, requestedBy) || sameAddress(user.mail, requestedBy)
      ? user
      : null;
  }

  private async refuse(
    source: TicketSource,
    ticketId: string | undefined,
    code: TicketRefusalCode,
    message: string,
  ): Promise<TicketRevokeOutcome> {
    await this.deps.audit.append({
      at: this.nowIso(),
      type: 'action.refused',
      actor: { system: source.endpoint },
      details: {
        action: source.endpoint,
        code,
        reason: message,
        remoteAddress: source.remoteAddress,
        ...(ticketId !== undefined && { ticketId }),
        ...(source.deliveryId !== undefined && { deliveryId: source.deliveryId }),
      },
    });
    return { kind: 'refused', code, message };
  }

  private nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}
