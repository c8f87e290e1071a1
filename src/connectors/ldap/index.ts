export { LdapDirectory, type LdapDirectoryOptions } from './ldap-directory.js';
export type { CreateLdapClient, LdapClient } from './ldap-session.js';
export { escapeDnValue, formatRdn, isSameDn, parseDn, splitFirstRdn } from './dn.js';
export { UAC, isDisabled, withDisabled, withEnabled } from './user-account-control.js';
