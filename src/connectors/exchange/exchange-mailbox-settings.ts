import type { Logger } from 'pino';
import { InvalidInputError, NotFoundError } from '../../core/errors.js';
import type { MailboxInfo, MailboxPage, MailboxSettingsUpdate } from '../../core/ports/mailbox.js';
import type { CmdletParameters, ExchangeAdminClient, InvokeResult } from './exchange-admin-client.js';
import { isSmtpAddress, type Anchor } from './exchange-anchor.js';
import { MAILBOX_SELECT, mailboxRowSchema, parseRows, toMailboxInfo } from './exchange-schemas.js';
import { assertMailboxIdentity } from './mailbox-identity.js';

export function mailboxAnchor(mailbox: string): Anchor {
  return isSmtpAddress(mailbox) ? { kind: 'mailbox', smtp: mailbox } : { kind: 'app' };
}

/** Mailbox reads and the Set-Mailbox settings of the offboarding plan. */
export class ExchangeMailboxSettings {
  constructor(
    private readonly client: ExchangeAdminClient,
    private readonly logger: Logger,
  ) {}

  async getMailbox(identity: string): Promise<MailboxInfo | null> {
    const mailbox = assertMailboxIdentity(identity);
    try {
      const result = await this.client.invoke(
        'Get-Mailbox',
        { Identity: mailbox },
        { anchor: mailboxAnchor(mailbox), select: MAILBOX_SELECT },
      );
      const [row] = parseRows(mailboxRowSchema, result.value, 'Get-Mailbox');
      return row === undefined ? null : toMailboxInfo(row);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  /** One page of every mailbox; `page` is the opaque continuation from the previous call. */
  async listMailboxes(page?: string, pageSize = 100): Promise<MailboxPage<MailboxInfo>> {
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000)
      throw new InvalidInputError('pageSize must be 1–1000');
    const result = await this.client.invokePage(
      'Get-Mailbox',
      { ResultSize: 'Unlimited' },
      { select: MAILBOX_SELECT, pageSize },
      page,
    );
    const items = parseRows(mailboxRowSchema, result.value, 'Get-Mailbox').map(toMailboxInfo);
    return result.nextLink === undefined ? { items } : { items, next: result.nextLink };
  }

  async convertToShared(mailbox: string): Promise<void> {
    await this.setMailbox(mailbox, { Type: 'Shared' }, 'convert to shared');
  }

  async convertToRegular(mailbox: string): Promise<void> {
    await this.setMailbox(mailbox, { Type: 'Regular' }, 'convert to regular');
  }

  /** Needs an EXO Plan 2 (or Plan 1 + archiving) licence: without one Exchange refuses (ConflictError). */
  async setLitigationHold(mailbox: string, isEnabled: boolean, durationDays?: number): Promise<void> {
    if (
      durationDays !== undefined &&
      (!Number.isInteger(durationDays) || durationDays < 1 || durationDays > 36_500)
    ) {
      throw new InvalidInputError('Litigation hold duration must be a whole number of days (1–36500)');
    }
    const parameters: CmdletParameters = { LitigationHoldEnabled: isEnabled };
    if (isEnabled)
      parameters['LitigationHoldDuration'] = durationDays === undefined ? 'Unlimited' : String(durationDays);
    await this.setMailbox(mailbox, parameters, 'litigation hold');
  }

  /** Synced mailboxes are refused by Exchange (write scope): ConflictError, to be done in AD. */
  async setHiddenFromAddressLists(mailbox: string, isHidden: boolean): Promise<void> {
    await this.setMailbox(mailbox, { HiddenFromAddressListsEnabled: isHidden }, 'hide from address lists');
  }

  async setForwarding(
    mailbox: string,
    forwarding: { smtpAddress: string | null; deliverToMailboxAndForward: boolean },
  ): Promise<void> {
    const what = forwarding.smtpAddress === null ? 'clear forwarding' : 'set forwarding';
    await this.setMailbox(mailbox, forwardingParameters(forwarding), what);
  }

  /**
   * Type, address-list visibility and forwarding in one Set-Mailbox: one destructive cmdlet against the
   * 120-per-60-s budget instead of one per setting. Every value is checked before the call, and Exchange
   * validates the whole call before changing anything, so a refused setting changes none of them.
   */
  async updateMailboxSettings(mailbox: string, settings: MailboxSettingsUpdate): Promise<void> {
    const parameters: CmdletParameters = {};
    const what: string[] = [];
    if (settings.type !== undefined) {
      parameters['Type'] = settings.type;
      what.push(`convert to ${settings.type.toLowerCase()}`);
    }
    if (settings.hiddenFromAddressLists !== undefined) {
      parameters['HiddenFromAddressListsEnabled'] = settings.hiddenFromAddressLists;
      what.push('hide from address lists');
    }
    if (settings.forwarding !== undefined) {
      Object.assign(parameters, forwardingParameters(settings.forwarding));
      what.push('forwarding');
    }
    if (what.length === 0) throw new InvalidInputError('No mailbox setting to change');
    await this.setMailbox(mailbox, parameters, what.join(', '));
  }

  private async setMailbox(identity: string, parameters: CmdletParameters, what: string): Promise<void> {
    const mailbox = assertMailboxIdentity(identity);
    const result = await this.client.invoke(
      'Set-Mailbox',
      { Identity: mailbox, ...parameters },
      { anchor: mailboxAnchor(mailbox) },
    );
    logWarnings(this.logger, result, `Set-Mailbox (${what})`);
  }
}

function forwardingParameters(forwarding: {
  smtpAddress: string | null;
  deliverToMailboxAndForward: boolean;
}): CmdletParameters {
  if (forwarding.smtpAddress === null)
    return { ForwardingSmtpAddress: null, ForwardingAddress: null, DeliverToMailboxAndForward: false };
  if (!isSmtpAddress(forwarding.smtpAddress))
    throw new InvalidInputError(
      `Not a forwarding address: ${JSON.stringify(forwarding.smtpAddress.slice(0, 80))}`,
    );
  return {
    ForwardingSmtpAddress: forwarding.smtpAddress,
    DeliverToMailboxAndForward: forwarding.deliverToMailboxAndForward,
  };
}

/** Warnings are surfaced in the log; no-op warnings mean the state already held. */
export function logWarnings(logger: Logger, result: InvokeResult, what: string): void {
  if (result.warnings.length === 0) return;
  if (result.isNoOp)
    logger.debug({ what, warnings: result.warnings.length }, 'exchange reported no change needed');
  else logger.warn({ what, warnings: result.warnings }, 'exchange warnings');
}
