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
