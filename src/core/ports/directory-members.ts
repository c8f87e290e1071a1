/** Members of an on-premises AD group, read over LDAPS (the joiners trigger's source). */

export interface DirectoryMember {
  /** The member's DN as the server spells it (already escaped). */
  dn: string;
  /** objectGUID as text: survives renames and moves, unlike the DN. */
  id: string;
  userPrincipalName?: string;
  displayName?: string;
  employeeId?: string;
  /** ISO country code (AD `c`). */
  country?: string;
  /** Derived from the ACCOUNTDISABLE bit of userAccountControl. */
  isEnabled: boolean;
  /** The extra attributes asked for, by the name asked for; absent ones are left out. */
  attributes: Record<string, string>;
}

export interface DirectoryGroupMembers {
  /**
   * The user accounts that are direct members of the group, read in pages (no size limit on large
   * groups). Nested groups, contacts and computers are not users and are left out. `attributes` are
   * LDAP attribute names (never end-user input). Throws `NotFoundError` when the group does not exist.
   */
  listUserMembers(groupDn: string, attributes: readonly string[]): Promise<DirectoryMember[]>;
}
