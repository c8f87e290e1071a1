import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  PermissionDeniedError,
  ThrottledError,
  UnavailableError,
} from '../../../../src/core/errors.js';
import { retryAfterOf } from '../../../../src/core/errors.js';
import { anchorHeader } from '../../../../src/connectors/exchange/exchange-anchor.js';
import { routeCmdlet } from '../../../../src/connectors/exchange/exchange-endpoint-routing.js';
import {
  exchangeFailureOf,
  isNoOpWarning,
  parseExchangeFailure,
  toLifecycleExchangeError,
} from '../../../../src/connectors/exchange/exchange-errors.js';

const TENANT = '11111111-1111-4111-8111-111111111111';

describe('Exchange endpoint routing', () => {
  it('prefers v2.0 when the cmdlet and every parameter are whitelisted', () => {
    expect(routeCmdlet('Get-Mailbox', ['Identity'], true)).toEqual({ surface: 'v2', endpoint: 'Mailbox' });
    expect(routeCmdlet('set-mailbox', ['Identity', 'GrantSendOnBehalfTo'], true)).toEqual({
      surface: 'v2',
      endpoint: 'Mailbox',
    });
    expect(routeCmdlet('Remove-MailboxFolderPermission', ['Identity', 'User'], true)).toEqual({
      surface: 'v2',
      endpoint: 'MailboxFolderPermission',
    });
  });

  it('uses InvokeCommand for anything off the whitelist, or when v2.0 is off', () => {
    expect(routeCmdlet('Get-Mailbox', ['Filter', 'ResultSize'], true)).toEqual({ surface: 'beta' });
    expect(routeCmdlet('Set-Mailbox', ['Identity', 'Type'], true)).toEqual({ surface: 'beta' });
    expect(routeCmdlet('Add-MailboxPermission', ['Identity', 'User'], true)).toEqual({ surface: 'beta' });
    expect(routeCmdlet('Get-Mailbox', ['Identity'], false)).toEqual({ surface: 'beta' });
  });
});

describe('routing hints', () => {
  it('builds UPN and app anchors', () => {
    expect(anchorHeader({ kind: 'mailbox', smtp: 'ada@contoso.com' }, TENANT)).toBe('UPN:ada@contoso.com');
    expect(anchorHeader({ kind: 'app' }, TENANT)).toBe(
      `APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@${TENANT}`,
    );
  });

  it('refuses values that could inject headers', () => {
    expect(() => anchorHeader({ kind: 'mailbox', smtp: 'ada@contoso.com\r\nX-Evil: 1' }, TENANT)).toThrow(
      InvalidInputError,
    );
    expect(() => anchorHeader({ kind: 'mailbox', smtp: 'a@b.com; Remove-Mailbox x' }, TENANT)).toThrow(
      InvalidInputError,
    );
  });
});

const notFoundBody = JSON.stringify({
  error: {
    code: 'InternalServerError',
    message: 'Error executing cmdlet',
    details: [
      {
        code: 'Client',
        target: '',
        message:
          "Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't be performed because object 'nobody@contoso.com' couldn't be found on 'DC'.",
      },
    ],
  },
});

describe('Exchange error translation', () => {
  it('parses the id, the .NET type and the text from details[0]', () => {
    const failure = parseExchangeFailure(404, notFoundBody, new Headers({ 'request-id': 'r1' }));
    expect(failure).toMatchObject({ status: 404, errorId: 'Ex6F9304', requestId: 'r1' });
    expect(failure.exceptionType).toMatch(/ManagementObjectNotFoundException$/);
    const error = toLifecycleExchangeError(failure, 'Get-Mailbox');
    expect(error).toBeInstanceOf(NotFoundError);
    expect(exchangeFailureOf(error)?.errorId).toBe('Ex6F9304');
  });

  it('maps the synced-object write scope error to ConflictError', () => {
    const body = JSON.stringify({
      error: {
        code: 'InternalServerError',
        message: 'Error executing cmdlet',
        details: [
          {
            message:
              'X|System.InvalidOperationException|The operation on mailbox "Lee" failed because it\'s out of the current user\'s write scope.',
          },
        ],
      },
    });
    expect(
      toLifecycleExchangeError(parseExchangeFailure(400, body, new Headers()), 'Set-Mailbox'),
    ).toBeInstanceOf(ConflictError);
  });

  it('maps throttling with Retry-After (fractional seconds), transient types and bodyless 403', () => {
    const throttled = toLifecycleExchangeError(
      parseExchangeFailure(
        429,
        '{"error":{"code":"TooManyRequests","message":"x"}}',
        new Headers({ 'Retry-After': '1.5' }),
      ),
      'c',
    );
    expect(throttled).toBeInstanceOf(ThrottledError);
    expect(retryAfterOf(throttled)).toBe(1500);
    const proxy = JSON.stringify({
      error: {
        details: [{ message: 'E|Microsoft.Exchange.Configuration.CmdletProxyException|proxy failed' }],
      },
    });
    expect(toLifecycleExchangeError(parseExchangeFailure(400, proxy, new Headers()), 'c')).toBeInstanceOf(
      UnavailableError,
    );
    const denied = toLifecycleExchangeError(
      parseExchangeFailure(
        403,
        '\u0000\u0000',
        new Headers({ 'x-ms-diagnostics': '2000008;reason="The token has no role"' }),
      ),
      'c',
    );
    expect(denied).toBeInstanceOf(PermissionDeniedError);
    expect(denied.message).toContain('The token has no role');
  });

  it('maps parameter binding errors to InvalidInputError', () => {
    const body = JSON.stringify({
      error: {
        details: [
          {
            message:
              "E|System.Management.Automation.ParameterBindingException|A parameter cannot be found that matches parameter name 'Bogus'.",
          },
        ],
      },
    });
    expect(toLifecycleExchangeError(parseExchangeFailure(400, body, new Headers()), 'c')).toBeInstanceOf(
      InvalidInputError,
    );
  });

  it('recognises idempotent no-op warnings', () => {
    expect(
      isNoOpWarning(
        "WARNING: The command completed successfully but no settings of 'Lee Leaver' have been modified.",
      ),
    ).toBe(true);
    expect(
      isNoOpWarning(
        "WARNING: Can't remove the access control entry on the object because the ACE doesn't exist on the object.",
      ),
    ).toBe(true);
    expect(isNoOpWarning("Can't remove the access control entry because the ACE isn't present.")).toBe(true);
    expect(isNoOpWarning('Micro delay applied. Actual delayed: 2 msecs')).toBe(false);
  });
});
