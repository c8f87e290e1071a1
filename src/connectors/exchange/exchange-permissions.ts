import type { Logger } from 'pino';
import { NotFoundError } from '../../core/errors.js';
import type { FullAccessGrant, MailboxInfo, SendAsGrant } from '../../core/ports/mailbox.js';
import type { ExchangeAdminClient } from './exchange-admin-client.js';
import { isSmtpAddress } from './exchange-anchor.js';
import { exchangeFailureOf } from './exchange-errors.js';
import { logWarnings, mailboxAnchor } from './exchange-mailbox-settings.js';
import {
  MAILBOX_SELECT,
  mailboxPermissionRowSchema,
  mailboxRowSchema,
  parseRows,
  recipientPermissionRowSchema,
  toList,
  toMailboxInfo,
} from './exchange-schemas.js';
import { assertMailboxIdentity, assertPrincipal } from './mailbox-identity.js';
import { opathEquals } from './opath-filter.js';

const SELF = 'NT AUTHORITY\\SELF';
const HASHTABLE = '#Exchange.GenericHashTable';

function failureMatches(error: unknown, pattern: RegExp): boolean {
  const failure = exchangeFailureOf(error);
  return failure !== undefined && (pattern.test(failure.exceptionType ?? '') || pattern.test(failure.text));
}

/** FullAccess, SendAs and SendOnBehalf permissions. */
export class ExchangePermissions {
  constructor(
    private readonly client: ExchangeAdminClient,
    private readonly logger: Logger,
  ) {}

  async listFullAccess(identity: string): Promise<FullAccessGrant[]> {
    const mailbox = assertMailboxIdentity(identity);
    const result = await this.client.invoke(
      'Get-MailboxPermission',
      { Identity: mailbox },
      { anchor: mailboxAnchor(mailbox) },
    );
    return parseRows(mailboxPermissionRowSchema, result.value, 'Get-MailboxPermission')
      .filter((row) => row.User.toUpperCase() !== SELF && toList(row.AccessRights).includes('FullAccess'))
      .map((row) => ({
        mailbox,
        trustee: row.User,
        accessRights: toList(row.AccessRights),
        isInherited: row.IsInherited === true,
        isDeny: row.Deny === true,
      }));
  }

  async addFullAccess(identity: string, trustee: string, automapping: boolean): Promise<void> {
    try {
      await this.fullAccess('Add-MailboxPermission', identity, trustee, { AutoMapping: automapping });
    } catch (error) {
      if (failureMatches(error, /AlreadyExists|already exists/i)) return;
      throw error;
    }
  }

  /** "ACE doesn't exist" comes back as a warning: the grant is already gone. */
  async removeFullAccess(identity: string, trustee: string): Promise<void> {
    await this.fullAccess('Remove-MailboxPermission', identity, trustee, { Confirm: false });
  }

  private async fullAccess(
    cmdlet: 'Add-MailboxPermission' | 'Remove-MailboxPermission',
    identity: string,
    trustee: string,
    options: { AutoMapping: boolean } | { Confirm: false },
  ): Promise<void> {
    const mailbox = assertMailboxIdentity(identity);
    const parameters = {
      Identity: mailbox,
      User: assertPrincipal(trustee, 'trustee'),
      AccessRights: ['FullAccess'],
      InheritanceType: 'All',
      ...options,
    };
    logWarnings(
      this.logger,
      await this.client.invoke(cmdlet, parameters, { anchor: mailboxAnchor(mailbox) }),
      cmdlet,
    );
  }

  /** One tenant-wide query: every recipient the trustee can SendAs. */
  async listSendAsByTrustee(trustee: string): Promise<SendAsGrant[]> {
    const principal = assertPrincipal(trustee, 'trustee');
    const result = await this.client.invoke('Get-RecipientPermission', {
      Trustee: principal,
      AccessRights: ['SendAs'],
      ResultSize: 'Unlimited',
    });
    const rows = parseRows(recipientPermissionRowSchema, result.value, 'Get-RecipientPermission').filter(
      (row) => (row.AccessControlType ?? 'Allow') === 'Allow' && toList(row.AccessRights).includes('SendAs'),
    );
    const addresses = await this.primaryAddresses([...new Set(rows.map((row) => row.Identity))]);
    return rows.map((row) => ({
      mailbox: addresses.get(row.Identity) ?? row.Identity,
      trustee: row.Trustee,
    }));
  }

  /**
   * Get-RecipientPermission prints the recipient's Name (`support`), which the rest of the port does not
   * accept as a mailbox identity: each name is read back once for its primary SMTP address. A recipient
   * that is not a mailbox (a distribution group) keeps its name.
   */
  private async primaryAddresses(names: readonly string[]): Promise<Map<string, string>> {
    const addresses = new Map<string, string>();
    for (const name of names) {
      if (isSmtpAddress(name)) continue;
      try {
        const result = await this.client.invoke(
          'Get-Mailbox',
          { Identity: assertPrincipal(name, 'recipient') },
          { select: ['PrimarySmtpAddress'] },
        );
        const row = parseRows(
          mailboxRowSchema.pick({ PrimarySmtpAddress: true }),
          result.value,
          'Get-Mailbox',
        )[0];
        if (row) addresses.set(name, row.PrimarySmtpAddress);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    }
    return addresses;
  }

  async addSendAs(identity: string, trustee: string): Promise<void> {
    await this.recipientPermission('Add-RecipientPermission', identity, trustee);
  }

  async removeSendAs(identity: string, trustee: string): Promise<void> {
    await this.recipientPermission('Remove-RecipientPermission', identity, trustee);
  }

  /**
   * Mailboxes whose GrantSendOnBehalfTo contains the trustee. The filter needs the trustee's DN, read
   * from Exchange (never typed by a user; a caller that has just read it passes it), escaped as an
   * OPATH string literal.
   */
  async listSendOnBehalfByTrustee(trustee: string, distinguishedName?: string): Promise<MailboxInfo[]> {
    const principal = assertPrincipal(trustee, 'trustee');
    let dn = distinguishedName;
    if (dn === undefined) dn = await this.distinguishedNameOf(principal);
    if (dn === undefined) return [];
    const result = await this.client.invoke(
      'Get-Mailbox',
      { Filter: opathEquals('GrantSendOnBehalfTo', dn), ResultSize: 'Unlimited' },
      { select: MAILBOX_SELECT },
    );
    return parseRows(mailboxRowSchema, result.value, 'Get-Mailbox').map(toMailboxInfo);
  }

  /** The trustee's Exchange DN; undefined when it has no mailbox. */
  private async distinguishedNameOf(principal: string): Promise<string | undefined> {
    try {
      const self = await this.client.invoke(
        'Get-Mailbox',
        { Identity: principal },
        { select: ['DistinguishedName', 'PrimarySmtpAddress'] },
      );
      return (
        parseRows(
          mailboxRowSchema.pick({ DistinguishedName: true, PrimarySmtpAddress: true }),
          self.value,
          'Get-Mailbox',
        )[0]?.DistinguishedName ?? undefined
      );
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  /** Incremental change (`{add: […]}` hashtable): the rest of the list is never overwritten. */
  async addSendOnBehalf(identity: string, trustee: string): Promise<void> {
    await this.sendOnBehalf(identity, trustee, 'add');
  }

  async removeSendOnBehalf(identity: string, trustee: string): Promise<void> {
    await this.sendOnBehalf(identity, trustee, 'remove');
  }

  private async recipientPermission(
    cmdlet: 'Add-RecipientPermission' | 'Remove-RecipientPermission',
    identity: string,
    trustee: string,
  ): Promise<void> {
    const mailbox = assertPrincipal(identity, 'mailbox');
    const parameters = {
      Identity: mailbox,
      Trustee: assertPrincipal(trustee, 'trustee'),
      AccessRights: ['SendAs'],
      Confirm: false,
    };
    try {
      logWarnings(this.logger, await this.client.invoke(cmdlet, parameters), cmdlet);
    } catch (error) {
      if (
        cmdlet === 'Add-RecipientPermission' &&
        failureMatches(error, /AlreadyExists|already exists|already has/i)
      )
        return;
      throw error;
    }
  }

  private async sendOnBehalf(identity: string, trustee: string, change: 'add' | 'remove'): Promise<void> {
    const mailbox = assertMailboxIdentity(identity);
    const parameters = {
      Identity: mailbox,
      GrantSendOnBehalfTo: { '@odata.type': HASHTABLE, [change]: [assertPrincipal(trustee, 'trustee')] },
    };
    logWarnings(
      this.logger,
      await this.client.invoke('Set-Mailbox', parameters, { anchor: mailboxAnchor(mailbox) }),
      `Set-Mailbox (${change} send on behalf)`,
    );
  }
}
