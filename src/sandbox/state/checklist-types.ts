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
