/**
 * The connector's DN functions are the core's: one RFC 4514 implementation, shared by the steps that
 * compute a parent OU and by the LDAP requests built here.
 */
export {
  DnSyntaxError,
  escapeDnValue,
  firstRdn,
  formatRdn,
  isSameDn,
  isWithin,
  normalizeDn,
  parentDn,
  parseDn,
  parseRdn,
  splitDn,
  splitFirstRdn,
  type Rdn,
} from '../../core/directory/dn.js';
