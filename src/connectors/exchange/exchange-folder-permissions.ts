import type { Logger } from 'pino';
import { NotFoundError } from '../../core/errors.js';
import type { FolderPermission } from '../../core/ports/mailbox.js';
import type { CmdletObject, CmdletParameters, ExchangeAdminClient } from './exchange-admin-client.js';
import { exchangeFailureOf } from './exchange-errors.js';
import { logWarnings, mailboxAnchor } from './exchange-mailbox-settings.js';
import {
  folderPermissionRowSchema,
  folderStatisticsRowSchema,
  parseRows,
  toList,
} from './exchange-schemas.js';
import {
  assertFolderOfMailbox,
  assertMailboxIdentity,
  assertPrincipal,
  folderIdentity,
} from './mailbox-identity.js';

function failureMatches(error: unknown, pattern: RegExp): boolean {
  const failure = exchangeFailureOf(error);
  return failure !== undefined && (pattern.test(failure.exceptionType ?? '') || pattern.test(failure.text));
}

/** SharingPermissionFlags prints as `Delegate, CanViewPrivateItems` or as a list. */
function sharingFlags(value: string | string[] | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  return (Array.isArray(value) ? value : value.split(',')).map((flag) => flag.trim());
}

/** Calendar (folder) permissions: the localized calendar folder and its permission entries. */
export class ExchangeFolderPermissions {
  constructor(
    private readonly client: ExchangeAdminClient,
    private readonly logger: Logger,
  ) {}

  /** The default calendar's folder identity, with its localized name (`…:\Kalender`). */
  async getCalendarFolder(identity: string): Promise<string> {
    const mailbox = assertMailboxIdentity(identity);
    const result = await this.client.invoke(
      'Get-MailboxFolderStatistics',
      { Identity: mailbox, FolderScope: 'Calendar' },
      { anchor: mailboxAnchor(mailbox) },
    );
    const rows = parseRows(folderStatisticsRowSchema, result.value, 'Get-MailboxFolderStatistics');
    const calendar = rows.find((row) => row.FolderType === 'Calendar') ?? rows[0];
    if (calendar === undefined) throw new NotFoundError(`Mailbox ${mailbox} has no calendar folder`);
    return folderIdentity(mailbox, calendar.FolderPath);
  }

  /**
   * Entries of the folder's permission list. With `user`, Exchange resolves the person (display names
   * in the list are not unique) and returns only their entry; "no existing permission entry" is [].
   */
  async listFolderPermissions(folder: string, identity: string, user?: string): Promise<FolderPermission[]> {
    const mailbox = assertMailboxIdentity(identity);
    const target = assertFolderOfMailbox(folder, mailbox);
    const parameters: CmdletParameters = { Identity: target };
    if (user !== undefined) parameters['User'] = assertPrincipal(user);
    let rows: CmdletObject[];
    try {
      rows = (
        await this.client.invoke('Get-MailboxFolderPermission', parameters, {
          anchor: mailboxAnchor(mailbox),
        })
      ).value;
    } catch (error) {
      if (
        user !== undefined &&
        failureMatches(error, /UserNotFoundInPermissionEntry|no existing permission entry/i)
      )
        return [];
      throw error;
    }
    return parseRows(folderPermissionRowSchema, rows, 'Get-MailboxFolderPermission').map((row) => ({
      mailbox,
      folder: target,
      user: row.User,
      accessRights: toList(row.AccessRights),
      isDelegate: sharingFlags(row.SharingPermissionFlags).includes('Delegate'),
    }));
  }

  /** "No existing permission entry" means it is already gone. */
  async removeFolderPermission(folder: string, identity: string, user: string): Promise<void> {
    const mailbox = assertMailboxIdentity(identity);
    const parameters = { Identity: assertFolderOfMailbox(folder, mailbox), User: assertPrincipal(user) };
    try {
      logWarnings(
        this.logger,
        await this.client.invoke('Remove-MailboxFolderPermission', parameters, {
          anchor: mailboxAnchor(mailbox),
        }),
        'Remove-MailboxFolderPermission',
      );
    } catch (error) {
      if (failureMatches(error, /UserNotFoundInPermissionEntry|no existing permission entry/i)) return;
      throw error;
    }
  }

  /** Adds, or sets the rights when the user already has an entry (so a retry converges). */
  async addFolderPermission(
    folder: string,
    identity: string,
    user: string,
    accessRights: string[],
    options: { isDelegate?: boolean } = {},
  ): Promise<void> {
    const mailbox = assertMailboxIdentity(identity);
    const rights = accessRights.map((right) => assertPrincipal(right, 'access right'));
    const parameters = {
      Identity: assertFolderOfMailbox(folder, mailbox),
      User: assertPrincipal(user),
      AccessRights: rights,
      // Calendar delegates only (Editor); Set-MailboxFolderPermission keeps the flags when it is absent.
      ...(options.isDelegate === true && { SharingPermissionFlags: ['Delegate'] }),
    };
    const anchor = mailboxAnchor(mailbox);
    try {
      logWarnings(
        this.logger,
        await this.client.invoke('Add-MailboxFolderPermission', parameters, { anchor }),
        'Add-MailboxFolderPermission',
      );
    } catch (error) {
      if (!failureMatches(error, /UserAlreadyExistsInPermissionEntry|existing permission entry was found/i))
        throw error;
      logWarnings(
        this.logger,
        await this.client.invoke('Set-MailboxFolderPermission', parameters, { anchor }),
        'Set-MailboxFolderPermission',
      );
    }
  }
}
