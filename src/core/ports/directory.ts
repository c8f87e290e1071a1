/** On-premises Active Directory, reached over LDAPS. */

export interface DirectoryAccount {
  dn: string;
  sAMAccountName: string;
  userPrincipalName?: string;
  employeeId?: string;
  displayName?: string;
  /** Raw userAccountControl flags. */
  userAccountControl: number;
  /** Derived from the ACCOUNTDISABLE bit (0x2). */
  isEnabled: boolean;
  description?: string;
  info?: string;
  /** ISO country code (AD `c`), used for usage location. */
  country?: string;
  isHiddenFromAddressLists: boolean;
  /** DNs of groups the account is a direct member of (not the primary group). */
  memberOf: string[];
  primaryGroupId?: number;
  /** Other attributes asked for by name (e.g. the provisioning mapping attribute). */
  attributes?: Record<string, string | undefined>;
}

export type DirectoryLookup =
  { userPrincipalName: string } | { sAMAccountName: string } | { employeeId: string } | { dn: string };

export interface Directory {
  /** Find one user; null when absent. Throws `ConflictError` when the lookup is ambiguous. */
  findUser(lookup: DirectoryLookup, extraAttributes?: readonly string[]): Promise<DirectoryAccount | null>;
  /** Set the ACCOUNTDISABLE bit, keeping every other bit. */
  disable(dn: string): Promise<void>;
  /** Clear the ACCOUNTDISABLE bit, keeping every other bit. */
  enable(dn: string): Promise<void>;
  /** Set a random password through `unicodePwd`. The password is never returned or logged. */
  setRandomPassword(dn: string): Promise<void>;
  /** Write description and/or info. */
  stamp(dn: string, fields: { description?: string; info?: string }): Promise<void>;
  setHiddenFromAddressLists(dn: string, isHidden: boolean): Promise<void>;
  /** Remove the member value from a group (never the primary group). */
  removeFromGroup(userDn: string, groupDn: string): Promise<void>;
  addToGroup(userDn: string, groupDn: string): Promise<void>;
  /** Move the object under another OU; returns the new DN. */
  move(dn: string, newParentDn: string): Promise<string>;
}
