/** Exchange Online: the mail clients of a mailbox (ActiveSync partnerships, client access protocols). */

export interface MobileMailDevice {
  /** Exchange identity of the partnership (`alias\ExchangeActiveSyncDevices\…`). */
  identity: string;
  /** Get-MobileDevice `DeviceId`: the ActiveSync id Intune reports as the managed device's `easDeviceId`. */
  deviceId: string;
  friendlyName: string;
  deviceModel: string;
  deviceOs: string;
  /** Clear-MobileDevice has been asked to wipe the device (Get-MobileDevice `DeviceWipeStatus`). */
  wipeRequested: boolean;
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
  /**
   * Clear-MobileDevice -AccountOnly: the device deletes the Exchange mailbox data (mail, calendar,
   * contacts) the next time it syncs; nothing else on it. Idempotent: a repeated request, or a
   * partnership already gone, is success.
   */
  wipeMobileDeviceAccountOnly(identity: string): Promise<void>;
  /** Null when the mailbox doesn't exist. */
  getMailProtocols(mailbox: string): Promise<MailProtocols | null>;
  setMailProtocols(mailbox: string, protocols: Partial<MailProtocols>): Promise<void>;
}
