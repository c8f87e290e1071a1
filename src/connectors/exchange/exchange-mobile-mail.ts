import { z } from 'zod';
import { InvalidInputError, NotFoundError } from '../../core/errors.js';
import type { MailProtocols, MobileMail, MobileMailDevice } from '../../core/ports/mobile-mail.js';
import type { ExchangeAdminClient } from './exchange-admin-client.js';
import { mailboxAnchor } from './exchange-mailbox-settings.js';
import { parseRows } from './exchange-schemas.js';
import { assertMailboxIdentity } from './mailbox-identity.js';

const deviceRowSchema = z.object({
  Identity: z.string(),
  DeviceId: z.string().nullish(),
  FriendlyName: z.string().nullish(),
  DeviceModel: z.string().nullish(),
  DeviceOS: z.string().nullish(),
  DeviceWipeStatus: z.boolean().nullish(),
});

const casRowSchema = z.object({
  ActiveSyncEnabled: z.boolean(),
  OWAEnabled: z.boolean(),
  PopEnabled: z.boolean(),
  ImapEnabled: z.boolean(),
});

/** Partnership identities as Get-MobileDevice prints them; anything else never reaches a cmdlet. */
function assertDeviceIdentity(identity: string): string {
  if (
    identity.length > 400 ||
    !/^[^\\\r\n]{1,256}\\ExchangeActiveSyncDevices\\[^\\\r\n]{1,140}$/.test(identity)
  )
    throw new InvalidInputError('Invalid mobile device identity');
  return identity;
}

/**
 * The leaver's mail clients through the Exchange admin API (InvokeCommand, parameters as JSON):
 * Get-MobileDevice / Clear-MobileDevice -AccountOnly / Remove-MobileDevice and
 * Get-CASMailbox / Set-CASMailbox.
 */
export class ExchangeMobileMail implements MobileMail {
  constructor(private readonly client: ExchangeAdminClient) {}

  async listMobileDevices(mailbox: string): Promise<MobileMailDevice[]> {
    const identity = assertMailboxIdentity(mailbox);
    const result = await this.client.invoke(
      'Get-MobileDevice',
      { Mailbox: identity, ResultSize: 'Unlimited' },
      { anchor: mailboxAnchor(identity) },
    );
    return parseRows(deviceRowSchema, result.value, 'Get-MobileDevice').map((d) => ({
      identity: d.Identity,
      deviceId: d.DeviceId ?? '',
      friendlyName: d.FriendlyName ?? '',
      deviceModel: d.DeviceModel ?? '',
      deviceOs: d.DeviceOS ?? '',
      wipeRequested: d.DeviceWipeStatus === true,
    }));
  }

  async removeMobileDevice(identity: string): Promise<void> {
    try {
      await this.client.invoke('Remove-MobileDevice', {
        Identity: assertDeviceIdentity(identity),
        Confirm: false,
      });
    } catch (error) {
      if (error instanceof NotFoundError) return;
      throw error;
    }
  }

  /**
   * Account-only, never a full wipe: an ActiveSync partnership says nothing about who owns the phone,
   * and a full Clear-MobileDevice would factory-reset a personal phone behind it.
   */
  async wipeMobileDeviceAccountOnly(identity: string): Promise<void> {
    try {
      await this.client.invoke('Clear-MobileDevice', {
        Identity: assertDeviceIdentity(identity),
        AccountOnly: true,
        Confirm: false,
      });
    } catch (error) {
      if (error instanceof NotFoundError) return;
      throw error;
    }
  }

  async getMailProtocols(mailbox: string): Promise<MailProtocols | null> {
    const identity = assertMailboxIdentity(mailbox);
    try {
      const result = await this.client.invoke(
        'Get-CASMailbox',
        { Identity: identity },
        { anchor: mailboxAnchor(identity) },
      );
      const [row] = parseRows(casRowSchema, result.value, 'Get-CASMailbox');
      return row ?? null;
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  async setMailProtocols(mailbox: string, protocols: Partial<MailProtocols>): Promise<void> {
    const identity = assertMailboxIdentity(mailbox);
    await this.client.invoke(
      'Set-CASMailbox',
      { Identity: identity, ...protocols, Confirm: false },
      { anchor: mailboxAnchor(identity) },
    );
  }
}
