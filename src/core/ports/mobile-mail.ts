/** Exchange Online: the mail clients of a mailbox (ActiveSync partnerships, client access protocols). */

export interface MobileMailDevice {
  /** Exchange identity of the partnership (`alias\ExchangeActiveSyncDevices\…`). */
  identity: string;
  friendlyName: string;
  deviceModel: string;
  deviceOs: string;
}

/** Protocols a mailbox can be reached by, as Set-CASMailbox names them. */
export interface MailProtocols {
  ActiveSyncEnabled: boolean;
  OWAEnabled: boolean;
  PopEnabled: boolean;
  ImapEnabled: boolean;
}

export interface MobileMail {
  listMobileDevices(mailbox: string): Promise<MobileMailDevice[]>;
  /** Removes the partnership: the device stops syncing. Idempotent: one already gone is success. */
  removeMobileDevice(identity: string): Promise<void>;
  /** Null when the mailbox doesn't exist. */
  getMailProtocols(mailbox: string): Promise<MailProtocols | null>;
  setMailProtocols(mailbox: string, protocols: Partial<MailProtocols>): Promise<void>;
}
