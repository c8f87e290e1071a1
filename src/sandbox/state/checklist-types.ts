/** Records of the leaver checklist: sign-in methods, owners, app objects, devices (Entra, Intune, Exchange). */

/** One registered authentication method. `odataType` is Graph's (`#microsoft.graph.fido2AuthenticationMethod`). */
export interface AuthMethodRecord {
  userId: string;
  id: string;
  odataType: string;
  /** The method's own properties as Graph returns them (displayName, phoneNumber, …). */
  properties: Record<string, unknown>;
  /** The user's default MFA method: Entra refuses to delete it while other methods remain. */
  isDefault: boolean;
}

export type OwnedKind = 'group' | 'application' | 'servicePrincipal';

/** `ownerId` owns the group, application or service principal `objectId`. */
export interface OwnerRecord {
  objectKind: OwnedKind;
  objectId: string;
  ownerId: string;
}

/** An application (app registration) or service principal object in the directory. */
export interface DirectoryAppRecord {
  kind: 'application' | 'servicePrincipal';
  id: string;
  appId: string;
  displayName: string;
  createdDateTime: string;
}

/** An Intune managed device (a subset of Graph's managedDevice, its property names). */
export interface ManagedDeviceRecord {
  id: string;
  /** The primary user. */
  userId: string;
  userPrincipalName: string;
  deviceName: string;
  managedDeviceOwnerType: 'company' | 'personal' | 'unknown';
  operatingSystem: string;
  osVersion: string;
  model: string;
  manufacturer: string;
  serialNumber: string;
  /** `managed`, then `retirePending` / `wipePending` after the action. */
  managementState: string;
  complianceState: string;
  enrolledDateTime: string;
  lastSyncDateTime: string;
  /** The Entra device object's `deviceId`. */
  azureADDeviceId: string;
  /** Exchange ActiveSync id of the device (Get-MobileDevice `DeviceId`); empty when it has none. */
  easDeviceId: string;
}

/** An Entra ID device object. */
export interface EntraDeviceRecord {
  id: string;
  deviceId: string;
  displayName: string;
  operatingSystem: string;
  operatingSystemVersion: string;
  accountEnabled: boolean;
  /** `Workplace` (registered), `AzureAd` (joined), `ServerAd` (hybrid joined). */
  trustType: string;
  isManaged: boolean;
  isCompliant: boolean;
  registeredUserIds: string[];
  createdDateTime: string;
}

/** An Exchange ActiveSync device partnership of a mailbox (Get-MobileDevice). */
export interface MobileDeviceRecord {
  guid: string;
  /** The mailbox's user id. */
  userId: string;
  deviceId: string;
  deviceType: string;
  deviceModel: string;
  friendlyName: string;
  deviceOS: string;
  clientType: 'EAS' | 'REST' | 'Outlook';
  whenCreated: string;
  /** A pending Clear-MobileDevice request: sent to the device on its next sync. */
  wipe?: MobileDeviceWipeRequest;
}

/** Clear-MobileDevice: requested at, account-only (mailbox data) or full, who gets the confirmation. */
export interface MobileDeviceWipeRequest {
  requestTime: string;
  accountOnly: boolean;
  notificationEmailAddresses: string[];
}

/** Client access protocols of a mailbox (Get-CASMailbox); a mailbox without a record has all of them on. */
export interface CasSettingsRecord {
  userId: string;
  ActiveSyncEnabled: boolean;
  OWAEnabled: boolean;
  PopEnabled: boolean;
  ImapEnabled: boolean;
  MAPIEnabled: boolean;
}

/**
 * A meeting in the organiser's calendar (and, as attendee copies, in the attendees'). Seeded meetings are
 * anchored to the sandbox clock's current day (UTC) so they stay past or future whatever the date: the
 * first start is `dayOffset` days from today at `startMinutes` after midnight UTC.
 */
export interface CalendarEventRecord {
  id: string;
  organizerId: string;
  /** Required attendees (users of the tenant). */
  attendeeIds: string[];
  subject: string;
  dayOffset: number;
  startMinutes: number;
  durationMinutes: number;
  /** `weekly`: a series without an end date, one occurrence every seven days from the first start. */
  recurrence: 'none' | 'weekly';
  iCalUId: string;
  createdDateTime: string;
  /** Set when the organiser cancelled the meeting: gone from their calendar, marked cancelled for attendees. */
  cancelledDateTime?: string;
}

/** A cancellation sent to a meeting's attendees (Remove-CalendarEvents -CancelOrganizedMeetings). */
export interface MeetingCancellationRecord {
  eventId: string;
  organizerId: string;
  attendeeIds: string[];
  subject: string;
  sentDateTime: string;
}
