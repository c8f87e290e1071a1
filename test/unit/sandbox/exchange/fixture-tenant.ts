/**
 * A small tenant for the Exchange and SharePoint route tests: a licensed cloud leaver with rights on a shared
 * mailbox and a colleague's calendar, a manager, a dir-synced user, an unlicensed user, a German-localised
 * mailbox ("Kalender"), two users with the same display name, and the full and read-only apps.
 */
import { generateKeyPairSync, createHash } from 'node:crypto';
import { hashSecret } from '../../../../src/sandbox/auth/client-credentials.js';
import type { UserRecord } from '../../../../src/sandbox/state/directory-types.js';
import type { MailboxRecord } from '../../../../src/sandbox/state/exchange-types.js';
import { createTenantData, type TenantData } from '../../../../src/sandbox/state/tenant-data.js';

export const TENANT_ID = '11111111-1111-4111-8111-111111111111';
export const FULL_APP = { id: '22222222-2222-4222-8222-222222222222', secret: 'lifecycle-sandbox-secret' };
export const READONLY_APP = {
  id: '33333333-3333-4333-8333-333333333333',
  secret: 'lifecycle-readonly-secret',
};
const E3 = 'e3e3e3e3-0000-4000-8000-000000000001';
const EXO_P2 = 'efb87545-963c-4e0d-99df-69c6916d9eb0';

export const ids = {
  leaver: 'a0000000-0000-4000-8000-000000000001',
  manager: 'a0000000-0000-4000-8000-000000000002',
  synced: 'a0000000-0000-4000-8000-000000000003',
  unlicensed: 'a0000000-0000-4000-8000-000000000004',
  german: 'a0000000-0000-4000-8000-000000000005',
  shared: 'a0000000-0000-4000-8000-000000000006',
  twinA: 'a0000000-0000-4000-8000-000000000007',
  twinB: 'a0000000-0000-4000-8000-000000000008',
} as const;

function user(id: string, nick: string, displayName: string, extra: Partial<UserRecord> = {}): UserRecord {
  const upn = `${nick}@contoso.com`;
  const attrs = Object.fromEntries(
    Array.from({ length: 15 }, (_, i) => [`extensionAttribute${i + 1}`, null]),
  );
  return {
    id,
    userPrincipalName: upn,
    displayName,
    givenName: null,
    surname: null,
    mail: upn,
    mailNickname: nick,
    proxyAddresses: [`SMTP:${upn}`, `smtp:${nick}@contoso.onmicrosoft.com`],
    accountEnabled: true,
    userType: 'Member',
    jobTitle: null,
    department: null,
    companyName: null,
    officeLocation: null,
    city: null,
    country: null,
    postalCode: null,
    businessPhones: [],
    mobilePhone: null,
    preferredLanguage: null,
    usageLocation: 'US',
    employeeId: null,
    employeeType: null,
    employeeHireDate: null,
    employeeLeaveDateTime: null,
    onPremisesSyncEnabled: null,
    onPremisesSamAccountName: null,
    onPremisesDistinguishedName: null,
    onPremisesImmutableId: null,
    onPremisesDomainName: null,
    onPremisesExtensionAttributes: attrs as UserRecord['onPremisesExtensionAttributes'],
    managerId: null,
    assignedLicenses: [{ skuId: E3, disabledPlans: [] }],
    createdDateTime: '2024-01-01T00:00:00Z',
    signInSessionsValidFromDateTime: '2024-01-01T00:00:00Z',
    lastPasswordChangeDateTime: '2024-01-01T00:00:00Z',
    forceChangePasswordNextSignIn: false,
    directoryRoles: [],
    ...extra,
  };
}

function mailbox(u: UserRecord, extra: Partial<MailboxRecord> = {}): MailboxRecord {
  return {
    userId: u.id,
    exchangeGuid: createHash('sha256')
      .update(u.id)
      .digest('hex')
      .replace(/^(.{8})(.{4})(.{3})(.{3})(.{12}).*$/, '$1-$2-4$3-8$4-$5'),
    name: u.mailNickname,
    alias: u.mailNickname,
    displayName: u.displayName,
    primarySmtpAddress: u.userPrincipalName,
    emailAddresses: [`SMTP:${u.userPrincipalName}`, `smtp:${u.mailNickname}@contoso.onmicrosoft.com`],
    distinguishedName: `CN=${u.mailNickname},OU=contoso.onmicrosoft.com,OU=Microsoft Exchange Hosted Organizations,DC=NAMPR01A001,DC=PROD,DC=OUTLOOK,DC=COM`,
    recipientTypeDetails: 'UserMailbox',
    isDirSynced: u.onPremisesSyncEnabled === true,
    litigationHold: { enabled: false, duration: null, owner: null, date: null },
    hiddenFromAddressListsEnabled: false,
    forwardingAddress: null,
    forwardingSmtpAddress: null,
    deliverToMailboxAndForward: false,
    calendarFolderName: 'Calendar',
    automaticReplies: {
      status: 'disabled',
      externalAudience: 'all',
      internalReplyMessage: '',
      externalReplyMessage: '',
      scheduledStartDateTime: { dateTime: '2024-01-01T00:00:00', timeZone: 'UTC' },
      scheduledEndDateTime: { dateTime: '2024-01-02T00:00:00', timeZone: 'UTC' },
    },
    timeZone: 'UTC',
    language: { locale: 'en-US', displayName: 'English (United States)' },
    totalItemSizeBytes: 1_000_000,
    archiveStatus: 'None',
    whenCreated: '2024-01-01T00:00:00Z',
    whenSoftDeleted: null,
    ...extra,
  };
}

export interface FixtureTenant {
  data: TenantData;
  /** PEM private key and thumbprint of the full app's certificate (SharePoint needs certificate tokens). */
  certificate: { privateKeyPem: string; thumbprintSha1: string };
}

export function fixtureTenant(): FixtureTenant {
  const info = {
    tenantId: TENANT_ID,
    domain: 'contoso.com',
    initialDomain: 'contoso.onmicrosoft.com',
    sharePointTenantName: 'contoso',
    displayName: 'Contoso',
    syncedAccountEnabledWrites: 'accept' as const,
  };
  const data = createTenantData(info, 42);
  const users = [
    user(ids.leaver, 'lee.leaver', 'Lee Leaver', { managerId: ids.manager }),
    user(ids.manager, 'mia.manager', 'Mia Manager'),
    user(ids.synced, 'sam.synced', 'Sam Synced', { onPremisesSyncEnabled: true }),
    user(ids.unlicensed, 'una.unlicensed', 'Una Unlicensed', { assignedLicenses: [] }),
    user(ids.german, 'greta.german', 'Greta German'),
    user(ids.shared, 'sales', 'Shared Sales', { accountEnabled: false, assignedLicenses: [] }),
    user(ids.twinA, 'alex.twin1', 'Alex Twin'),
    user(ids.twinB, 'alex.twin2', 'Alex Twin'),
  ];
  for (const u of users) data.users.set(u.id, u);
  for (const u of users) {
    const extra: Partial<MailboxRecord> =
      u.id === ids.shared
        ? { recipientTypeDetails: 'SharedMailbox' }
        : u.id === ids.german
          ? {
              calendarFolderName: 'Kalender',
              language: { locale: 'de-DE', displayName: 'Deutsch (Deutschland)' },
            }
          : {};
    data.mailboxes.set(u.id, mailbox(u, extra));
  }
  data.skus.set(E3, {
    skuId: E3,
    skuPartNumber: 'ENTERPRISEPACK',
    accountId: TENANT_ID,
    accountName: 'contoso',
    appliesTo: 'User',
    capabilityStatus: 'Enabled',
    prepaidUnits: { enabled: 25, lockedOut: 0, suspended: 0, warning: 0 },
    externallyConsumedUnits: 0,
    servicePlans: [
      {
        servicePlanId: EXO_P2,
        servicePlanName: 'EXCHANGE_S_ENTERPRISE',
        provisioningStatus: 'Success',
        appliesTo: 'User',
      },
    ],
    subscriptionIds: [],
  });
  const right = (kind: 'FullAccess' | 'SendAs' | 'SendOnBehalf', mailboxId: string, trusteeId: string) =>
    data.mailboxRights.set(`${kind}|${mailboxId}|${trusteeId}`, {
      id: `${kind}-${mailboxId}-${trusteeId}`,
      kind,
      mailboxId,
      trusteeId,
      autoMapping: kind === 'FullAccess',
      inheritanceType: 'All',
      isInherited: false,
      deny: false,
      visibleFrom: 0,
      hiddenFrom: null,
    });
  right('FullAccess', ids.shared, ids.leaver);
  right('SendAs', ids.shared, ids.leaver);
  right('SendOnBehalf', ids.shared, ids.leaver);
  right('SendOnBehalf', ids.shared, ids.manager);
  right('SendAs', ids.german, ids.leaver);
  for (const owner of [ids.manager, ids.german]) {
    const perm = (
      key: string,
      trustee: MailboxFolderTrustee,
      accessRights: string[],
      flags: ('Delegate' | 'CanViewPrivateItems')[] = [],
    ) =>
      data.folderPermissions.set(`${owner}|calendar|${key}`, {
        id: Buffer.from(key).toString('base64'),
        mailboxId: owner,
        folder: 'calendar',
        trustee,
        accessRights,
        sharingPermissionFlags: flags,
        visibleFrom: 0,
        hiddenFrom: null,
      });
    perm('Default', { kind: 'default' }, ['AvailabilityOnly']);
    perm('Anonymous', { kind: 'anonymous' }, ['None']);
    perm(`recipient:${ids.leaver}`, { kind: 'recipient', recipientId: ids.leaver }, ['Editor'], ['Delegate']);
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const thumbprintSha1 = createHash('sha1').update(publicKeyPem).digest('base64url');
  data.apps.set(FULL_APP.id, {
    appId: FULL_APP.id,
    displayName: 'Lifecycle',
    secretSha256: [hashSecret(FULL_APP.secret)],
    certificates: [
      {
        thumbprintSha1,
        thumbprintSha256: createHash('sha256').update(publicKeyPem).digest('base64url'),
        publicKeyPem,
      },
    ],
    roles: {
      graph: [],
      exchange: ['Exchange.ManageAsApp', 'Exchange.ManageAsAppV2'],
      sharepoint: ['Sites.FullControl.All'],
    },
    directoryRoles: ['Exchange Administrator'],
  });
  data.apps.set(READONLY_APP.id, {
    appId: READONLY_APP.id,
    displayName: 'Lifecycle (read-only)',
    secretSha256: [hashSecret(READONLY_APP.secret)],
    certificates: [],
    roles: { graph: ['User.Read.All'], exchange: [], sharepoint: [] },
    directoryRoles: [],
  });
  const siteUrl = 'https://contoso-my.sharepoint.com/personal/lee_leaver_contoso_com';
  data.drives.set('b!leaver', {
    id: 'b!leaver',
    ownerUserId: ids.leaver,
    siteUrl,
    webUrl: `${siteUrl}/Documents`,
    createdDateTime: '2024-01-01T00:00:00Z',
    quota: { total: 1e12, used: 1e6, deleted: 0, remaining: 1e12 - 1e6, state: 'normal' },
  });
  data.siteAdmins.set(`${siteUrl}|${ids.leaver}`, {
    id: 'sa-1',
    siteUrl,
    userId: ids.leaver,
    isPrimaryOwner: true,
    visibleFrom: 0,
    hiddenFrom: null,
  });
  return {
    data,
    certificate: {
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      thumbprintSha1,
    },
  };
}

type MailboxFolderTrustee = import('../../../../src/sandbox/state/exchange-types.js').FolderTrustee;
