import { readFileSync } from 'node:fs';
import {
  AlreadyExistsError,
  BusyError,
  ConstraintViolationError,
  InsufficientAccessError,
  InvalidCredentialsError,
  InvalidDNSyntaxError,
  NoSuchAttributeError,
  NoSuchObjectError,
  UnavailableError as LdapUnavailableError,
  UndefinedTypeError,
  UnwillingToPerformError,
} from 'ldapts';
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  PermissionDeniedError,
  ThrottledError,
  UnavailableError,
} from '../../../../src/core/errors.js';
import {
  isAlreadyAMember,
  isNotAMember,
  toLifecycleError,
} from '../../../../src/connectors/ldap/ldap-errors.js';

/** Documented AD answers (result codes and diagnostic text) from the shared request/response pairs. */
interface Example {
  operation: string;
  status: number;
  responseBody: { diagnosticMessage?: string };
}
const examples = JSON.parse(
  readFileSync(new URL('../../../contract/fixtures/exchange-ad-examples.json', import.meta.url), 'utf8'),
) as Example[];

describe('LDAP error translation', () => {
  it.each([
    [new BusyError(), 'find', ThrottledError],
    [new LdapUnavailableError(), 'disable', UnavailableError],
    [new InsufficientAccessError('00002098: ... has no wp on name'), 'move', PermissionDeniedError],
    [new InvalidCredentialsError('80090308: LdapErr: DSID-0C09..., data 52e'), 'bind', PermissionDeniedError],
    [
      new NoSuchObjectError('0000208D: NameErr: DSID-03100288, problem 2001 (NO_OBJECT)'),
      'stamp',
      NotFoundError,
    ],
    [new InvalidDNSyntaxError(), 'find', InvalidInputError],
    [new AlreadyExistsError(), 'move', ConflictError],
    [new NoSuchAttributeError(), 'disable', ConflictError],
    [
      new UnwillingToPerformError('0000001F: SvcErr: DSID-031A12E8, problem 5003 (WILL_NOT_PERFORM), data 0'),
      'set-password',
      ConflictError,
    ],
  ] as const)('maps %s during %s', (error, operation, expected) => {
    const typed = toLifecycleError(error, operation);
    expect(typed).toBeInstanceOf(expected);
    expect(typed.cause).toBe(error);
  });

  it('calls a password-policy refusal a conflict, and other constraint violations invalid input', () => {
    const policy = new ConstraintViolationError(
      '0000052D: Constraint violation - check the password policy. problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 9005a (unicodePwd)',
    );
    const reset = toLifecycleError(policy, 'set-password');
    expect(reset).toBeInstanceOf(ConflictError);
    expect(reset.message).toMatch(/password policy/);
    expect(toLifecycleError(new ConstraintViolationError('too long'), 'stamp')).toBeInstanceOf(
      InvalidInputError,
    );
  });

  it('explains a missing Exchange schema when msExchHideFromAddressLists is unknown', () => {
    const error = toLifecycleError(
      new UndefinedTypeError('00000057: LdapErr: DSID-0C090D8A, data 0'),
      'hide-from-address-lists',
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toMatch(/no Exchange schema/);
  });

  it('maps refused, reset and timed-out connections to UnavailableError and TLS failures to PermissionDeniedError', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:636'), { code: 'ECONNREFUSED' });
    expect(toLifecycleError(refused, 'bind')).toBeInstanceOf(UnavailableError);
    expect(toLifecycleError(new Error('Connection timeout'), 'bind')).toBeInstanceOf(UnavailableError);
    expect(toLifecycleError(new Error('ModifyRequest: Operation timed out'), 'disable')).toBeInstanceOf(
      UnavailableError,
    );
    const untrusted = Object.assign(new Error('unable to verify the first certificate'), {
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
    expect(toLifecycleError(untrusted, 'bind')).toBeInstanceOf(PermissionDeniedError);
    const wrongHost = Object.assign(new Error("Hostname/IP does not match certificate's altnames"), {
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
    expect(toLifecycleError(wrongHost, 'bind')).toBeInstanceOf(PermissionDeniedError);
  });

  it('recognises "not a member" from AD (53, 00000561) and Samba, and "already a member" (68 or 20)', () => {
    expect(
      isNotAMember(
        new UnwillingToPerformError(
          '00000561: SvcErr: DSID-031A1021, problem 5003 (WILL_NOT_PERFORM), data 0',
        ),
      ),
    ).toBe(true);
    expect(
      isNotAMember(new UnwillingToPerformError('Attribute member already deleted for target GUID 2b65')),
    ).toBe(true);
    expect(isNotAMember(new NoSuchAttributeError())).toBe(true);
    expect(isNotAMember(new UnwillingToPerformError('0000209A: SvcErr: DSID-03152D2C, problem 5003'))).toBe(
      false,
    );
    expect(
      isAlreadyAMember(
        new AlreadyExistsError('00000562: UpdErr: DSID-031A11E2, problem 6005 (ENTRY_EXISTS), data 0'),
      ),
    ).toBe(true);
    expect(isNotAMember(new InsufficientAccessError())).toBe(false);
  });

  it('maps the documented AD failures of the reference examples', () => {
    const failures = examples.filter((e) => e.operation.startsWith('LDAP') && e.status !== 0);
    expect(failures.length).toBeGreaterThanOrEqual(2);
    const plainLdapReset = failures.find((e) => e.status === 53)!;
    expect(
      toLifecycleError(
        new UnwillingToPerformError(plainLdapReset.responseBody.diagnosticMessage),
        'set-password',
      ),
    ).toBeInstanceOf(ConflictError);
    const policy = failures.find((e) => e.status === 19)!;
    expect(
      toLifecycleError(new ConstraintViolationError(policy.responseBody.diagnosticMessage), 'set-password'),
    ).toBeInstanceOf(ConflictError);
  });
});
