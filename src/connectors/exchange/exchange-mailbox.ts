import type { Logger } from 'pino';
import type {
  FolderPermission,
  FullAccessGrant,
  Mailbox,
  MailboxInfo,
  MailboxPage,
  MailboxSettingsUpdate,
  SendAsGrant,
} from '../../core/ports/mailbox.js';
import type { ExchangeAdminClient } from './exchange-admin-client.js';
import { ExchangeDistributionGroups } from './exchange-distribution-groups.js';
import { ExchangeMailboxSettings } from './exchange-mailbox-settings.js';
import { ExchangeFolderPermissions } from './exchange-folder-permissions.js';
import { ExchangePermissions } from './exchange-permissions.js';

export interface ExchangeMailboxOptions {
  client: ExchangeAdminClient;
  logger: Logger;
}

/** The Mailbox port on the Exchange Online admin API (v2.0 where whitelisted, else InvokeCommand). */
export class ExchangeMailbox implements Mailbox {
  private readonly settings: ExchangeMailboxSettings;
  private readonly permissions: ExchangePermissions;
  private readonly folders: ExchangeFolderPermissions;
  private readonly distributionGroups: ExchangeDistributionGroups;

  constructor(options: ExchangeMailboxOptions) {
    const logger = options.logger.child({ component: 'exchange-mailbox' });
    this.settings = new ExchangeMailboxSettings(options.client, logger);
    this.permissions = new ExchangePermissions(options.client, logger);
    this.folders = new ExchangeFolderPermissions(options.client, logger);
    this.distributionGroups = new ExchangeDistributionGroups(options.client, logger);
  }

  getMailbox(identity: string): Promise<MailboxInfo | null> {
    return this.settings.getMailbox(identity);
  }
  listMailboxes(page?: string, pageSize?: number): Promise<MailboxPage<MailboxInfo>> {
    return this.settings.listMailboxes(page, pageSize);
  }
  listFullAccess(mailbox: string): Promise<FullAccessGrant[]> {
    return this.permissions.listFullAccess(mailbox);
  }
  addFullAccess(mailbox: string, trustee: string, automapping: boolean): Promise<void> {
    return this.permissions.addFullAccess(mailbox, trustee, automapping);
  }
  removeFullAccess(mailbox: string, trustee: string): Promise<void> {
    return this.permissions.removeFullAccess(mailbox, trustee);
  }
  listSendAsByTrustee(trustee: string): Promise<SendAsGrant[]> {
    return this.permissions.listSendAsByTrustee(trustee);
  }
  removeSendAs(mailbox: string, trustee: string): Promise<void> {
    return this.permissions.removeSendAs(mailbox, trustee);
  }
  addSendAs(mailbox: string, trustee: string): Promise<void> {
    return this.permissions.addSendAs(mailbox, trustee);
  }
  listSendOnBehalfByTrustee(trustee: string, distinguishedName?: string): Promise<MailboxInfo[]> {
    return this.permissions.listSendOnBehalfByTrustee(trustee, distinguishedName);
  }
  addSendOnBehalf(mailbox: string, trustee: string): Promise<void> {
    return this.permissions.addSendOnBehalf(mailbox, trustee);
  }
  removeSendOnBehalf(mailbox: string, trustee: string): Promise<void> {
    return this.permissions.removeSendOnBehalf(mailbox, trustee);
  }
  getCalendarFolder(mailbox: string): Promise<string> {
    return this.folders.getCalendarFolder(mailbox);
  }
  listFolderPermissions(folder: string, mailbox: string, user?: string): Promise<FolderPermission[]> {
    return this.folders.listFolderPermissions(folder, mailbox, user);
  }
  removeFolderPermission(folder: string, mailbox: string, user: string): Promise<void> {
    return this.folders.removeFolderPermission(folder, mailbox, user);
  }
  addFolderPermission(
    folder: string,
    mailbox: string,
    user: string,
    accessRights: string[],
    options?: { isDelegate?: boolean },
  ): Promise<void> {
    return this.folders.addFolderPermission(folder, mailbox, user, accessRights, options);
  }
  convertToShared(mailbox: string): Promise<void> {
    return this.settings.convertToShared(mailbox);
  }
  updateMailboxSettings(mailbox: string, settings: MailboxSettingsUpdate): Promise<void> {
    return this.settings.updateMailboxSettings(mailbox, settings);
  }
  convertToRegular(mailbox: string): Promise<void> {
    return this.settings.convertToRegular(mailbox);
  }
  setLitigationHold(mailbox: string, isEnabled: boolean, durationDays?: number): Promise<void> {
    return this.settings.setLitigationHold(mailbox, isEnabled, durationDays);
  }
  setHiddenFromAddressLists(mailbox: string, isHidden: boolean): Promise<void> {
    return this.settings.setHiddenFromAddressLists(mailbox, isHidden);
  }
  setForwarding(
    mailbox: string,
    forwarding: { smtpAddress: string | null; deliverToMailboxAndForward: boolean },
  ): Promise<void> {
    return this.settings.setForwarding(mailbox, forwarding);
  }
  removeDistributionGroupMember(group: string, member: string): Promise<void> {
    return this.distributionGroups.removeMember(group, member);
  }
  addDistributionGroupMember(group: string, member: string): Promise<void> {
    return this.distributionGroups.addMember(group, member);
  }
}
