/**
 * Mobile devices and client access of a mailbox: Get-MobileDevice -Mailbox, Clear-MobileDevice (remote
 * wipe request, full or -AccountOnly, or -Cancel), Remove-MobileDevice, Get-CASMailbox and
 * Set-CASMailbox (ActiveSync, Outlook on the web, POP, IMAP, MAPI).
 */
import type { MobileDeviceRecord } from '../../state/checklist-types.js';
import type { Tenant } from '../../state/tenant.js';
import { WRITE_COMMON_PARAMS, readResult, writeResult, type CmdletDefinition } from '../cmdlet.js';
import { objectNotFound } from '../errors.js';
import { resolveMailbox } from '../recipients.js';
import { exchangeDateTime, ExoObjectBuilder, type ExoObject } from '../response.js';
import { noSettingsModifiedWarning } from './set-mailbox.js';

function deviceIdentity(tenant: Tenant, d: MobileDeviceRecord): string {
  const alias = tenant.exchange.getMailbox(d.userId)?.alias ?? d.userId;
  return `${alias}\\ExchangeActiveSyncDevices\\${d.deviceType}\u00a7${d.deviceId}`;
}

function deviceObject(tenant: Tenant, d: MobileDeviceRecord): ExoObject {
  const user = tenant.directory.getUser(d.userId);
  // Clear-MobileDevice sets the wipe status; the device picks the request up on its next sync.
  return new ExoObjectBuilder()
    .value('Identity', deviceIdentity(tenant, d))
    .guid('Guid', d.guid)
    .value('DeviceId', d.deviceId)
    .value('DeviceType', d.deviceType)
    .value('DeviceModel', d.deviceModel)
    .value('FriendlyName', d.friendlyName)
    .value('DeviceOS', d.deviceOS)
    .value('ClientType', d.clientType)
    .value('DeviceAccessState', 'Allowed')
    .value('UserDisplayName', user?.displayName ?? d.userId)
    .value('WhenCreated', exchangeDateTime(d.whenCreated))
    .value('DeviceWipeStatus', d.wipe !== undefined)
    .value('DeviceWipeRequestTime', d.wipe ? exchangeDateTime(d.wipe.requestTime) : null)
    .build();
}

export const getMobileDevice: CmdletDefinition = {
  name: 'Get-MobileDevice',
  params: [
    { name: 'Mailbox', kind: 'string' },
    { name: 'Identity', kind: 'string' },
    { name: 'ResultSize', kind: 'resultSize' },
  ],
  run({ tenant }, p) {
    const mailbox = p.string('Mailbox');
    const devices =
      mailbox === undefined
        ? tenant.checklist.allMobileDevices()
        : tenant.checklist.mobileDevicesOf(resolveMailbox(tenant, mailbox).userId);
    return readResult(
      devices.map((d) => deviceObject(tenant, d)),
      p.limit('ResultSize'),
    );
  },
};

function resolveDevice(tenant: Tenant, identity: string): MobileDeviceRecord {
  const key = identity.trim().toLowerCase();
  const device = tenant.checklist
    .allMobileDevices()
    .find((d) => d.guid.toLowerCase() === key || deviceIdentity(tenant, d).toLowerCase() === key);
  if (!device) throw objectNotFound(identity);
  return device;
}

export const removeMobileDevice: CmdletDefinition = {
  name: 'Remove-MobileDevice',
  params: [{ name: 'Identity', kind: 'string', isMandatory: true }, ...WRITE_COMMON_PARAMS],
  run({ tenant, recordWrite }, p) {
    const device = resolveDevice(tenant, p.requiredString('Identity'));
    tenant.checklist.removeMobileDevice(device.guid);
    recordWrite('exo.remove-mobile-device');
    return writeResult();
  },
};

/**
 * Records the wipe request on the partnership (a repeated request keeps the first one's time); -Cancel
 * withdraws a pending one. Nothing happens to a device until it syncs, which the sandbox never does.
 */
export const clearMobileDevice: CmdletDefinition = {
  name: 'Clear-MobileDevice',
  params: [
    { name: 'Identity', kind: 'string', isMandatory: true },
    { name: 'AccountOnly', kind: 'bool' },
    { name: 'Cancel', kind: 'bool' },
    { name: 'NotificationEmailAddresses', kind: 'stringList' },
    ...WRITE_COMMON_PARAMS,
  ],
  run({ tenant, recordWrite }, p) {
    const device = resolveDevice(tenant, p.requiredString('Identity'));
    if (p.bool('Cancel') === true) {
      tenant.checklist.setMobileDeviceWipe(device.guid, null);
    } else {
      tenant.checklist.setMobileDeviceWipe(device.guid, {
        requestTime: device.wipe?.requestTime ?? new Date(tenant.now()).toISOString(),
        accountOnly: p.bool('AccountOnly') === true,
        notificationEmailAddresses: p.list('NotificationEmailAddresses') ?? [],
      });
    }
    recordWrite('exo.clear-mobile-device');
    return writeResult();
  },
};

const PROTOCOLS = ['ActiveSyncEnabled', 'OWAEnabled', 'PopEnabled', 'ImapEnabled', 'MAPIEnabled'] as const;

export const getCasMailbox: CmdletDefinition = {
  name: 'Get-CASMailbox',
  params: [
    { name: 'Identity', kind: 'string', isMandatory: true },
    { name: 'ResultSize', kind: 'resultSize' },
  ],
  run({ tenant }, p) {
    const m = resolveMailbox(tenant, p.requiredString('Identity'));
    const settings = tenant.checklist.casSettings(m.userId);
    const builder = new ExoObjectBuilder()
      .value('Identity', m.alias)
      .value('Name', m.alias)
      .value('DisplayName', m.displayName)
      .value('PrimarySmtpAddress', m.primarySmtpAddress)
      .guid('ExchangeGuid', m.exchangeGuid);
    for (const name of PROTOCOLS) builder.value(name, settings[name]);
    return readResult([builder.build()], p.limit('ResultSize'));
  },
};

export const setCasMailbox: CmdletDefinition = {
  name: 'Set-CASMailbox',
  params: [
    { name: 'Identity', kind: 'string', isMandatory: true },
    ...PROTOCOLS.map((name) => ({ name, kind: 'bool' as const })),
    ...WRITE_COMMON_PARAMS,
  ],
  run({ tenant, recordWrite }, p) {
    const identity = p.requiredString('Identity');
    const m = resolveMailbox(tenant, identity);
    const before = tenant.checklist.casSettings(m.userId);
    const after = { ...before };
    for (const name of PROTOCOLS) {
      const value = p.bool(name);
      if (value !== undefined) after[name] = value;
    }
    if (PROTOCOLS.every((name) => after[name] === before[name]))
      return writeResult([], [noSettingsModifiedWarning(identity)]);
    tenant.checklist.setCasSettings(after);
    recordWrite('exo.set-cas-mailbox');
    return writeResult();
  },
};
