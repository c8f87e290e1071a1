/**
 * Translation of ldapts and socket errors into the core's typed errors, keeping the original as
 * `cause`. Messages name the operation and the LDAP result code; they never carry attribute values.
 */
import { ResultCodeError } from 'ldapts';
import type { LifecycleError } from '../../core/errors.js';
import { type FailureKind, toFailureError } from '../http/failure-kind.js';

export type LdapOperation =
  | 'bind'
  | 'find'
  | 'disable'
  | 'enable'
  | 'set-password'
  | 'stamp'
  | 'hide-from-address-lists'
  | 'remove-from-group'
  | 'add-to-group'
  | 'move'
  | 'list-members';

/** LDAP result codes (RFC 4511 §4.1.9) the connector tells apart. */
export const LdapResult = {
  operationsError: 1,
  timeLimitExceeded: 3,
  adminLimitExceeded: 11,
  unavailableCriticalExtension: 12,
  confidentialityRequired: 13,
  noSuchAttribute: 16,
  undefinedAttributeType: 17,
  constraintViolation: 19,
  attributeOrValueExists: 20,
  invalidAttributeSyntax: 21,
  noSuchObject: 32,
  invalidDNSyntax: 34,
  inappropriateAuthentication: 48,
  invalidCredentials: 49,
  insufficientAccessRights: 50,
  busy: 51,
  unavailable: 52,
  unwillingToPerform: 53,
  namingViolation: 64,
  objectClassViolation: 65,
  notAllowedOnNonLeaf: 66,
  entryAlreadyExists: 68,
  other: 80,
} as const;

/**
 * "Not a member" diagnostics with result 53: AD's Win32 code ERROR_MEMBER_NOT_IN_GROUP (0x561), and
 * Samba's text for a member link that exists only as a deleted (deactivated) value.
 */
const MEMBER_NOT_IN_GROUP = /\b00000561:|Attribute member already deleted/;

/** TLS verification failures (Node/OpenSSL codes): the server is not who it claims, retrying won't help. */
const TLS_FAILURES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

const NETWORK_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** ldapts' own transport failures carry no code, only these messages. */
const LDAPTS_TRANSPORT =
  /^(Connection timeout|Socket error|Connection closed before message response|Socket connection not established)|Operation timed out/;

const ACTIONS: Record<LdapOperation, string> = {
  bind: 'sign in the service account',
  find: 'look up the user',
  disable: 'disable the account',
  enable: 'enable the account',
  'set-password': 'reset the password',
  stamp: 'write description/info',
  'hide-from-address-lists': 'set msExchHideFromAddressLists',
  'remove-from-group': 'remove the group membership',
  'add-to-group': 'add the group membership',
  move: 'move the account',
  'list-members': "read the group's members",
};

export function isResultCode(error: unknown, code: number): boolean {
  return error instanceof ResultCodeError && error.code === code;
}

/** AD answers "not a member" with 53 and data 561; Samba and other servers with 16 (noSuchAttribute). */
export function isNotAMember(error: unknown): boolean {
  if (!(error instanceof ResultCodeError)) return false;
  if (error.code === LdapResult.noSuchAttribute) return true;
  return error.code === LdapResult.unwillingToPerform && MEMBER_NOT_IN_GROUP.test(error.message);
}

/** AD answers "already a member" with 68 (ENTRY_EXISTS); other servers with 20. */
export function isAlreadyAMember(error: unknown): boolean {
  return (
    isResultCode(error, LdapResult.entryAlreadyExists) ||
    isResultCode(error, LdapResult.attributeOrValueExists)
  );
}

export function toLifecycleError(error: unknown, operation: LdapOperation): LifecycleError {
  const action = ACTIONS[operation];
  if (error instanceof ResultCodeError) {
    const [kind, reason] = resultCodeFailure(error, operation);
    return toFailureError(kind, `Could not ${action}: ${reason} (LDAP ${error.code})`, { cause: error });
  }
  const [kind, reason] = clientFailure(error);
  return toFailureError(kind, `Could not ${action}: ${reason}`, { cause: error });
}

/** A failure before any LDAP result: TLS, network or ldapts' own transport errors. */
function clientFailure(error: unknown): [FailureKind, string] {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TLS_FAILURES.has(code)) {
    return ['permission-denied', `the domain controller's TLS certificate is not trusted (${code})`];
  }
  if (typeof code === 'string' && NETWORK_FAILURES.has(code)) {
    return ['unavailable', `the domain controller is unreachable (${code})`];
  }
  if (error instanceof Error && LDAPTS_TRANSPORT.test(error.message)) {
    return ['unavailable', 'the connection to the domain controller failed'];
  }
  return ['unavailable', 'unexpected LDAP client failure'];
}

/** What the result code means, and the reason shown (the code itself is appended). */
function resultCodeFailure(error: ResultCodeError, operation: LdapOperation): [FailureKind, string] {
  switch (error.code) {
    case LdapResult.busy:
    case LdapResult.adminLimitExceeded:
      return ['throttled', 'the domain controller is busy'];
    case LdapResult.unavailable:
    case LdapResult.timeLimitExceeded:
    case LdapResult.operationsError:
    case LdapResult.other:
      return ['unavailable', 'the domain controller is unavailable'];
    case LdapResult.invalidCredentials:
    case LdapResult.inappropriateAuthentication:
      return ['permission-denied', "the service account's credentials were refused"];
    case LdapResult.insufficientAccessRights:
      return ['permission-denied', 'the service account lacks the right'];
    case LdapResult.confidentialityRequired:
      return ['permission-denied', 'the domain controller requires an encrypted connection'];
    case LdapResult.noSuchObject:
      return ['not-found', 'the object does not exist'];
    case LdapResult.invalidDNSyntax:
    case LdapResult.invalidAttributeSyntax:
    case LdapResult.namingViolation:
      return ['invalid-input', 'the directory refused the value as malformed'];
    case LdapResult.undefinedAttributeType:
    case LdapResult.objectClassViolation:
      return operation === 'hide-from-address-lists'
        ? ['conflict', 'the directory has no Exchange schema (msExchHideFromAddressLists is unknown)']
        : ['conflict', 'the directory schema does not allow the attribute'];
    case LdapResult.constraintViolation:
      return operation === 'set-password'
        ? ['conflict', "the domain's password policy refused it"]
        : ['invalid-input', 'the value breaks a directory constraint'];
    case LdapResult.entryAlreadyExists:
      return ['conflict', 'an object with that name already exists there'];
    case LdapResult.noSuchAttribute:
      return ['conflict', 'the object changed concurrently'];
    case LdapResult.unwillingToPerform:
      return ['conflict', 'the domain controller refused the change'];
    default:
      return ['conflict', `the directory answered ${error.name}`];
  }
}
