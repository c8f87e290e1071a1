/** Entra ID (Microsoft Graph) account control: sign-in, password, usage location, deletion. */

export interface Accounts {
  /** Block (false) or allow (true) sign-in. Idempotent. */
  setAccountEnabled(userId: string, isEnabled: boolean): Promise<void>;
  revokeSignInSessions(userId: string): Promise<void>;
  /** Cloud-only users: set a random password (never returned or logged). */
  resetPassword(userId: string): Promise<void>;
  /** ISO 3166 two-letter country code; licences can't be assigned without one. */
  setUsageLocation(userId: string, countryCode: string): Promise<void>;
  /** Soft delete: the user stays restorable from deleted items for 30 days. */
  deleteUser(userId: string): Promise<void>;
  restoreUser(userId: string): Promise<void>;
  /** The user in deleted items (soft-deleted, restorable), or null when it is not there. */
  getDeletedUser(userId: string): Promise<DeletedUser | null>;
}

/** A soft-deleted user as deleted items show it. */
export interface DeletedUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  /** ISO 8601: when it was deleted (Entra purges deleted users 30 days later). */
  deletedDateTime: string;
}
