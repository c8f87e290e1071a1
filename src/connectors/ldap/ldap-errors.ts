/**
 * Translation of ldapts and socket errors into the core's typed errors, keeping the original as
 * `cause`. Messages name the operation and the LDAP result code; they never carry attribute values.
 */
import { ResultCodeError } from 'ldapts';
import {
  ConflictError,
  InvalidInputError,
  type LifecycleError,
  NotFoundError,
  PermissionDeniedError,
  ThrottledError,
  UnavailableError,
} from '../../core/errors.js';

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
  | 'move';

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
  const options = { cause: error };
  if (error instanceof ResultCodeError) return fromResultCode(error, operation, action, options);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TLS_FAILURES.has(code)) {
    return new PermissionDeniedError(
      `Could not ${action}: the domain controller's TLS certificate is not trusted (${code})`,
      options,
    );
  }
  if (typeof code === 'string' && NETWORK_FAILURES.has(code)) {
    return new UnavailableError(
      `Could not ${action}: the domain controller is unreachable (${code})`,
      options,
    );
  }
  if (error instanceof Error && LDAPTS_TRANSPORT.test(error.message)) {
    return new UnavailableError(
      `Could not ${action}: the connection to the domain controller failed`,
      options,
    );
  }
  return new UnavailableError(`Could not ${action}: unexpected LDAP client failure`, options);
}

function fromResultCode(
  error: ResultCodeError,
  operation: LdapOperation,
  action: string,
  options: ErrorOptions,
): LifecycleError {
  const suffix = `(LDAP ${error.code})`;
  switch (error.code) {
    case LdapResult.busy:
    case LdapResult.adminLimitExceeded:
      return new ThrottledError(undefined, {
        ...options,
        message: `Could not ${action}: the domain controller is busy ${suffix}`,
      });
    case LdapResult.unavailable:
    case LdapResult.timeLimitExceeded:
    case LdapResult.operationsError:
    case LdapResult.other:
      return new UnavailableError(
        `Could not ${action}: the domain controller is unavailable ${suffix}`,
        options,
      );
    case LdapResult.invalidCredentials:
    case LdapResult.inappropriateAuthentication:
      return new PermissionDeniedError(
        `Could not ${action}: the service account's credentials were refused ${suffix}`,
        options,
      );
    case LdapResult.insufficientAccessRights:
      return new PermissionDeniedError(
        `Could not ${action}: the service account lacks the right ${suffix}`,
        options,
      );
    case LdapResult.confidentialityRequired:
      return new PermissionDeniedError(
        `Could not ${action}: the domain controller requires an encrypted connection ${suffix}`,
        options,
      );
    case LdapResult.noSuchObject:
      return new NotFoundError(`Could not ${action}: the object does not exist ${suffix}`, options);
    case LdapResult.invalidDNSyntax:
    case LdapResult.invalidAttributeSyntax:
    case LdapResult.namingViolation:
      return new InvalidInputError(
        `Could not ${action}: the directory refused the value as malformed ${suffix}`,
        options,
      );
    case LdapResult.undefinedAttributeType:
    case LdapResult.objectClassViolation:
      return new ConflictError(
        operation === 'hide-from-address-lists'
          ? `Could not ${action}: the directory has no Exchange schema (msExchHideFromAddressLists is unknown) ${suffix}`
          : `Could not ${action}: the directory schema does not allow the attribute ${suffix}`,
        options,
      );
    case LdapResult.constraintViolation:
      return operation === 'set-password'
        ? new ConflictError(`Could not ${action}: the domain's password policy refused it ${suffix}`, options)
        : new InvalidInputError(
            `Could not ${action}: the value breaks a directory constraint ${suffix}`,
            options,
          );
    case LdapResult.entryAlreadyExists:
      return new ConflictError(
        `Could not ${action}: an object with that name already exists there ${suffix}`,
        options,
      );
    case LdapResult.noSuchAttribute:
      return new ConflictError(`Could not ${action}: the object changed concurrently ${suffix}`, options);
    case LdapResult.unwillingToPerform:
      return new ConflictError(
        `Could not ${action}: the domain controller refused the change ${suffix}`,
        options,
      );
    default:
      return new ConflictError(
        `Could not ${action}: the directory answered ${error.name} ${suffix}`,
        options,
      );
  }
}
