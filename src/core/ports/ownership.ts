/** Entra ID (Microsoft Graph) objects a user owns: groups and Teams, app registrations, service principals. */

export type OwnedObjectKind = 'group' | 'application' | 'servicePrincipal';

export interface OwnedObject {
  kind: OwnedObjectKind;
  id: string;
  displayName: string;
  /** Groups only: a Teams-enabled Microsoft 365 group. */
  isTeam: boolean;
  /** Groups only: synced from AD (owners are changed there, not in Graph). */
  isSynced: boolean;
}

export interface Ownership {
  /** Groups, applications and service principals the user owns directly (`/users/{id}/ownedObjects`). */
  listOwnedObjects(userId: string): Promise<OwnedObject[]>;
  /** User ids of the object's owners. */
  listOwnerIds(kind: OwnedObjectKind, objectId: string): Promise<string[]>;
  /** Adds a user as owner. Idempotent: an owner already there is success. */
  addOwner(kind: OwnedObjectKind, objectId: string, userId: string): Promise<void>;
  /** Removes a user as owner. Idempotent: an owner already gone is success. */
  removeOwner(kind: OwnedObjectKind, objectId: string, userId: string): Promise<void>;
}
