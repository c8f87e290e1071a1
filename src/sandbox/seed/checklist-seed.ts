/**
 * The leaver checklist's hard cases, on Adele Vance (the cloud-only leaver the end-to-end tests use):
 * sign-in methods of every kind with the phone as default, sole owner of the Sales Team and co-owner of
 * Retail Security, owner of an app registration and its service principal. Her direct reports are in
 * named-people.ts (managerId).
 */
import type { Tenant } from '../state/tenant.js';
import { seeded } from './named-ids.js';

const U = seeded.users;
const G = seeded.groups;

/** Fixed ids of the seeded app objects (documented in docs/sandbox.md). */
export const seededAppObjects = {
  salesDashboardApp: 'a0000000-0000-4000-8000-000000000001',
  salesDashboardSp: 'a0000000-0000-4000-8000-000000000002',
  salesDashboardAppId: 'a1000000-0000-4000-8000-000000000001',
} as const;

/** Fixed ids of Adele's sign-in methods; the phone ids are Graph's fixed ids per phone type. */
export const seededSignInMethods = {
  mobilePhone: '3179e48a-750b-4051-897c-87b9720928f7',
  authenticator: 'b0000000-0000-4000-8000-000000000001',
  fido2: '-2_GRUg2-HYz6_1YG4YRAQ2',
  softwareOath: 'b0000000-0000-4000-8000-000000000003',
  temporaryAccessPass: 'b0000000-0000-4000-8000-000000000004',
  password: '28c10230-6103-485e-b985-444c60001490',
} as const;

/** Fixed ids of Adele's devices. */
export const seededDevices = {
  personalPhone: 'd0000000-0000-4000-8000-000000000001',
  corporateLaptop: 'd0000000-0000-4000-8000-000000000002',
  registeredPhone: 'd1000000-0000-4000-8000-000000000001',
  registeredPhoneDeviceId: 'd2000000-0000-4000-8000-000000000001',
  corporateLaptopDeviceId: 'd2000000-0000-4000-8000-000000000002',
  mobileDeviceGuid: 'd3000000-0000-4000-8000-000000000001',
} as const;

/** Fixed ids of the seeded meetings (docs/sandbox.md). */
export const seededMeetings = {
  /** Adele's weekly sales sync with Megan, Lee and Nestor: started two weeks ago, no end date. */
  weeklySalesSync: 'e0000000-0000-4000-8000-000000000001',
  /** Adele's quarterly review with Megan, in ten days. */
  quarterlyReview: 'e0000000-0000-4000-8000-000000000002',
  /** Adele's retail kickoff with Lee, three days ago. */
  pastKickoff: 'e0000000-0000-4000-8000-000000000003',
  /** Megan's product roadmap meeting, Adele attends, in five days. */
  roadmapAttended: 'e0000000-0000-4000-8000-000000000004',
} as const;

export function seedLeaverChecklist(tenant: Tenant): void {
  const c = tenant.checklist;
  const created = tenant.nowIso();
  const M = seededSignInMethods;
  const method = (id: string, type: string, properties: Record<string, unknown>, isDefault = false): void => {
    c.addAuthMethod({
      userId: U.adeleVance,
      id,
      odataType: `#microsoft.graph.${type}`,
      properties,
      isDefault,
    });
  };
  method(M.password, 'passwordAuthenticationMethod', { password: null, createdDateTime: created });
  method(
    M.mobilePhone,
    'phoneAuthenticationMethod',
    { phoneNumber: '+1 4255550109', phoneType: 'mobile', smsSignInState: 'notAllowedByPolicy' },
    true,
  );
  method(M.authenticator, 'microsoftAuthenticatorAuthenticationMethod', {
    displayName: 'iPhone 15',
    deviceTag: 'SoftwareTokenActivated',
    phoneAppVersion: '6.8.7',
    createdDateTime: created,
  });
  method(M.fido2, 'fido2AuthenticationMethod', {
    displayName: 'Red key',
    createdDateTime: created,
    aaGuid: '2fc0579f-8113-47ea-b116-555a8db9202a',
    model: 'NFC key',
    attestationCertificates: ['dbe793efdf1945e2df25d93653a1e8a3268a9075'],
    attestationLevel: 'attested',
  });
  method(M.softwareOath, 'softwareOathAuthenticationMethod', { secretKey: null });
  method(M.temporaryAccessPass, 'temporaryAccessPassAuthenticationMethod', {
    createdDateTime: created,
    startDateTime: created,
    lifetimeInMinutes: 60,
    isUsableOnce: true,
    isUsable: false,
    methodUsabilityReason: 'Expired',
    temporaryAccessPass: null,
  });

  // Megan Bowen signs in with a security key and Windows Hello (the documented list example's kinds).
  for (const [id, type, properties] of [
    [
      'c0000000-0000-4000-8000-000000000001',
      'fido2AuthenticationMethod',
      {
        displayName: 'Blue key',
        createdDateTime: created,
        aaGuid: '2fc0579f-8113-47ea-b116-555a8db9202a',
        model: 'NFC key',
        attestationCertificates: [],
        attestationLevel: 'attested',
      },
    ],
    [
      'c0000000-0000-4000-8000-000000000002',
      'windowsHelloForBusinessAuthenticationMethod',
      { displayName: "Megan's Surface Book", createdDateTime: created, keyStrength: 'normal' },
    ],
  ] as const) {
    c.addAuthMethod({
      userId: U.meganBowen,
      id,
      odataType: `#microsoft.graph.${type}`,
      properties,
      isDefault: false,
    });
  }

  // Sole owner of the Sales Team; co-owner of Retail Security with Megan Bowen.
  c.addOwner('group', G.salesTeam, U.adeleVance);
  c.addOwner('group', G.retailSecurity, U.adeleVance);
  c.addOwner('group', G.retailSecurity, U.meganBowen);

  // The Sales Dashboard app registration and its service principal, both owned by Adele.
  const A = seededAppObjects;
  c.addDirectoryApp({
    kind: 'application',
    id: A.salesDashboardApp,
    appId: A.salesDashboardAppId,
    displayName: 'Sales Dashboard',
    createdDateTime: created,
  });
  c.addDirectoryApp({
    kind: 'servicePrincipal',
    id: A.salesDashboardSp,
    appId: A.salesDashboardAppId,
    displayName: 'Sales Dashboard',
    createdDateTime: created,
  });
  c.addOwner('application', A.salesDashboardApp, U.adeleVance);

  // Two Intune devices (her own iPhone, a company laptop) and the iPhone's Entra registration.
  const D = seededDevices;
  const managed = {
    userId: U.adeleVance,
    userPrincipalName: 'adele.vance@contoso.com',
    managementState: 'managed',
    complianceState: 'compliant',
    enrolledDateTime: created,
    lastSyncDateTime: created,
  };
  c.addManagedDevice({
    ...managed,
    id: D.personalPhone,
    deviceName: "Adele's iPhone",
    managedDeviceOwnerType: 'personal',
    operatingSystem: 'iOS',
    osVersion: '17.4',
    model: 'iPhone 15',
    manufacturer: 'Apple',
    serialNumber: 'F2LZK0AAN70F',
    azureADDeviceId: D.registeredPhoneDeviceId,
    easDeviceId: 'ApplF2LZK0AAN70F',
  });
  c.addManagedDevice({
    ...managed,
    id: D.corporateLaptop,
    deviceName: 'CONTOSO-LT-0042',
    managedDeviceOwnerType: 'company',
    operatingSystem: 'Windows',
    osVersion: '10.0.22631.3447',
    model: 'Surface Laptop 5',
    manufacturer: 'Microsoft Corporation',
    serialNumber: '0F3K7GH22373PX',
    azureADDeviceId: D.corporateLaptopDeviceId,
    easDeviceId: '',
  });
  // Her iPhone's Exchange ActiveSync partnership (the mail app keeps syncing until it is removed).
  c.addMobileDevice({
    guid: D.mobileDeviceGuid,
    userId: U.adeleVance,
    deviceId: 'ApplF2LZK0AAN70F',
    deviceType: 'iPhone',
    deviceModel: 'iPhone15C2',
    friendlyName: "Adele's iPhone",
    deviceOS: 'iOS 17.4',
    clientType: 'EAS',
    whenCreated: created,
  });
  c.addEntraDevice({
    id: D.registeredPhone,
    deviceId: D.registeredPhoneDeviceId,
    displayName: "Adele's iPhone",
    operatingSystem: 'iOS',
    operatingSystemVersion: '17.4',
    accountEnabled: true,
    trustType: 'Workplace',
    isManaged: true,
    isCompliant: true,
    registeredUserIds: [U.adeleVance],
    createdDateTime: created,
  });
  c.addOwner('servicePrincipal', A.salesDashboardSp, U.adeleVance);
  seedMeetings(tenant);
}

/** Meetings Adele organises (a weekly series, a single future one, a past one) and one she only attends. */
function seedMeetings(tenant: Tenant): void {
  const created = tenant.nowIso();
  const E = seededMeetings;
  const meeting = (
    id: string,
    organizerId: string,
    attendeeIds: string[],
    subject: string,
    dayOffset: number,
    recurrence: 'none' | 'weekly' = 'none',
  ): void => {
    tenant.checklist.addCalendarEvent({
      id,
      organizerId,
      attendeeIds,
      subject,
      dayOffset,
      startMinutes: 9 * 60,
      durationMinutes: 30,
      recurrence,
      iCalUId: `040000008200E00074C5B7101A82E008000000000000000000000000000000001000000${id.replace(/-/g, '').slice(-24).toUpperCase()}`,
      createdDateTime: created,
    });
  };
  meeting(
    E.weeklySalesSync,
    U.adeleVance,
    [U.meganBowen, U.leeGu, U.nestorWilke],
    'Weekly sales sync',
    -14,
    'weekly',
  );
  meeting(E.quarterlyReview, U.adeleVance, [U.meganBowen], 'Quarterly review', 10);
  meeting(E.pastKickoff, U.adeleVance, [U.leeGu], 'Retail kickoff', -3);
  meeting(E.roadmapAttended, U.meganBowen, [U.adeleVance, U.leeGu], 'Product roadmap', 5);
}
