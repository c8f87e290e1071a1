import { z } from 'zod';
import { UnavailableError } from '../../core/errors.js';
import type { MailboxInfo } from '../../core/ports/mailbox.js';
import type { CmdletObject } from './exchange-admin-client.js';

const optionalString = z.string().nullish();
const strings = z.union([z.array(z.string()), z.string()]).nullish();

export const mailboxRowSchema = z.object({
  ExternalDirectoryObjectId: optionalString,
  Guid: optionalString,
  ExchangeGuid: optionalString,
  PrimarySmtpAddress: z.string(),
  UserPrincipalName: optionalString,
  DisplayName: optionalString,
  RecipientTypeDetails: optionalString,
  DistinguishedName: optionalString,
  IsDirSynced: z.boolean().nullish(),
  LitigationHoldEnabled: z.boolean().nullish(),
  HiddenFromAddressListsEnabled: z.boolean().nullish(),
  ForwardingSmtpAddress: optionalString,
  DeliverToMailboxAndForward: z.boolean().nullish(),
  GrantSendOnBehalfTo: strings,
});

export const mailboxPermissionRowSchema = z.object({
  Identity: optionalString,
  User: z.string(),
  AccessRights: strings,
  IsInherited: z.boolean().nullish(),
  Deny: z.boolean().nullish(),
});

export const recipientPermissionRowSchema = z.object({
  Identity: z.string(),
  Trustee: z.string(),
  AccessRights: strings,
  AccessControlType: optionalString,
  IsInherited: z.boolean().nullish(),
});

export const folderPermissionRowSchema = z.object({
  Identity: optionalString,
  FolderName: optionalString,
  User: z.string(),
  AccessRights: strings,
  SharingPermissionFlags: z.union([z.string(), z.array(z.string())]).nullish(),
});

export const folderStatisticsRowSchema = z.object({
  Identity: optionalString,
  Name: optionalString,
  FolderPath: z.string(),
  FolderType: optionalString,
});

/** Validates cmdlet output rows; a row of unexpected shape is a service fault, not input. */
export function parseRows<T>(schema: z.ZodType<T>, rows: CmdletObject[], cmdlet: string): T[] {
  return rows.map((row, index) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UnavailableError(
        `${cmdlet}: unexpected output at row ${index} ${issue?.path.join('.') ?? ''}`,
        { cause: parsed.error },
      );
    }
    return parsed.data;
  });
}

export function toList(value: string | string[] | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** `smtp:x@y` (how Get-Mailbox prints ForwardingSmtpAddress) → `x@y`. */
export function stripSmtpPrefix(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  return value.replace(/^smtp:/i, '');
}

export function toMailboxInfo(row: z.infer<typeof mailboxRowSchema>): MailboxInfo {
  return {
    id: row.ExternalDirectoryObjectId ?? row.Guid ?? row.ExchangeGuid ?? row.PrimarySmtpAddress,
    primarySmtpAddress: row.PrimarySmtpAddress,
    userPrincipalName: row.UserPrincipalName ?? undefined,
    displayName: row.DisplayName ?? row.PrimarySmtpAddress,
    recipientTypeDetails: row.RecipientTypeDetails ?? 'UserMailbox',
    distinguishedName: row.DistinguishedName ?? undefined,
    isDirSynced: row.IsDirSynced === true,
    litigationHoldEnabled: row.LitigationHoldEnabled === true,
    hiddenFromAddressListsEnabled: row.HiddenFromAddressListsEnabled === true,
    forwardingSmtpAddress: stripSmtpPrefix(row.ForwardingSmtpAddress),
    deliverToMailboxAndForward: row.DeliverToMailboxAndForward ?? undefined,
    grantSendOnBehalfTo: toList(row.GrantSendOnBehalfTo),
  };
}

/** Properties fetched for MailboxInfo ($select keeps responses small on big tenants). */
export const MAILBOX_SELECT = [
  'ExternalDirectoryObjectId',
  'Guid',
  'ExchangeGuid',
  'PrimarySmtpAddress',
  'UserPrincipalName',
  'DisplayName',
  'RecipientTypeDetails',
  'DistinguishedName',
  'IsDirSynced',
  'LitigationHoldEnabled',
  'HiddenFromAddressListsEnabled',
  'ForwardingSmtpAddress',
  'DeliverToMailboxAndForward',
  'GrantSendOnBehalfTo',
] as const;
