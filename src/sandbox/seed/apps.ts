/** Seeded app registrations: the product app (all permissions it needs) and a read-only auditor app. */
import { hashSecret } from '../auth/client-credentials.js';
import type { AppRegistration } from '../state/directory-types.js';
import { loadSandboxCertificate, toAppCertificate } from './certificate.js';

export const lifecycleAppId = '22222222-2222-4222-8222-222222222222';
export const lifecycleAppSecret = 'lifecycle-sandbox-secret';
export const readOnlyAppId = '33333333-3333-4333-8333-333333333333';
export const readOnlyAppSecret = 'lifecycle-readonly-secret';

/** Graph application permissions of the product (graph.md "Suggested least-privilege app registration"). */
export const lifecycleGraphRoles = [
  'User.Read.All',
  'User.EnableDisableAccount.All',
  'User.RevokeSessions.All',
  'User-PasswordProfile.ReadWrite.All',
  'User.ReadUpdate.All',
  'User-LifeCycleInfo.ReadWrite.All',
  'LicenseAssignment.ReadWrite.All',
  'Organization.Read.All',
  'GroupMember.ReadWrite.All',
  'Directory.Read.All',
  'Files.ReadWrite.All',
  'MailboxSettings.ReadWrite',
  'Calendars.ReadWrite',
  'Mail.Send',
  'TeamsAppInstallation.ReadWriteSelfForUser.All',
  'AppCatalog.Read.All',
  'User.DeleteRestore.All',
  'SharePointTenantSettings.Read.All',
  'UserAuthenticationMethod.ReadWrite.All',
  'Group.ReadWrite.All',
  'Application.ReadWrite.All',
  'User.ReadWrite.All',
  'DeviceManagementManagedDevices.Read.All',
  'DeviceManagementManagedDevices.PrivilegedOperations.All',
  'Device.ReadWrite.All',
];

export const readOnlyGraphRoles = [
  'User.Read.All',
  'Directory.Read.All',
  'Organization.Read.All',
  'Files.Read.All',
  'MailboxSettings.Read',
  'Calendars.Read',
  'AppCatalog.Read.All',
  'TeamsAppInstallation.ReadForUser.All',
];

export function seededApps(): AppRegistration[] {
  return [
    {
      appId: lifecycleAppId,
      displayName: 'Lifecycle sandbox',
      secretSha256: [hashSecret(lifecycleAppSecret)],
      certificates: [toAppCertificate(loadSandboxCertificate().certificatePem)],
      roles: {
        graph: [...lifecycleGraphRoles],
        exchange: ['Exchange.ManageAsApp', 'Exchange.ManageAsAppV2'],
        sharepoint: ['Sites.FullControl.All'],
      },
      directoryRoles: ['User Administrator', 'Exchange Administrator', 'Cloud Device Administrator'],
    },
    {
      appId: readOnlyAppId,
      displayName: 'Read-only auditor',
      secretSha256: [hashSecret(readOnlyAppSecret)],
      certificates: [],
      roles: { graph: [...readOnlyGraphRoles], exchange: [], sharepoint: ['Sites.Read.All'] },
      directoryRoles: [],
    },
  ];
}
