import { describe, expect, it } from 'vitest';
import { bindParameters } from '../../../../src/sandbox/exchange/binding.js';
import { parseEnvelope } from '../../../../src/sandbox/exchange/envelope.js';
import { ExoCmdletError } from '../../../../src/sandbox/exchange/errors.js';

function errorOf(fn: () => unknown): ExoCmdletError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ExoCmdletError) return e;
    throw e;
  }
  throw new Error('expected an ExoCmdletError');
}

describe('parseEnvelope', () => {
  it('reads the cmdlet name and parameters, matching property names case-insensitively', () => {
    const req = parseEnvelope({
      cmdletinput: { cmdletname: 'get-mailbox', parameters: { Identity: 'ada@contoso.com' } },
    });
    expect(req.cmdletName).toBe('get-mailbox');
    expect(req.parameters.get('identity')?.value).toBe('ada@contoso.com');
  });

  it('accepts a parameterless cmdlet', () => {
    expect(parseEnvelope({ CmdletInput: { CmdletName: 'Get-OrganizationConfig' } }).parameters.size).toBe(0);
  });

  it('keeps @odata.type annotations next to their parameter', () => {
    const req = parseEnvelope({
      CmdletInput: {
        CmdletName: 'Set-Mailbox',
        Parameters: {
          'GrantSendOnBehalfTo@odata.type': '#Exchange.GenericHashTable',
          GrantSendOnBehalfTo: { remove: 'x' },
        },
      },
    });
    expect(req.parameters.get('grantsendonbehalfto')?.odataType).toBe('#Exchange.GenericHashTable');
  });

  it.each([
    ['no body', undefined],
    ['an array', []],
    ['no CmdletInput', { Cmdlet: 'Get-Mailbox' }],
    ['a script as the cmdlet name', { CmdletInput: { CmdletName: 'Get-Mailbox; Remove-Mailbox x' } }],
    ['parameters as an array', { CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: ['x'] } }],
    [
      'a parameter name with punctuation',
      { CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: { 'Identity;x': 'a' } } },
    ],
    [
      'a parameter sent twice',
      { CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: { Identity: 'a', identity: 'b' } } },
    ],
  ])('refuses %s with a 400', (_name, body) => {
    expect(errorOf(() => parseEnvelope(body)).status).toBe(400);
  });
});

describe('bindParameters', () => {
  const specs = [
    { name: 'Identity', kind: 'string', isMandatory: true },
    { name: 'AccessRights', kind: 'stringList', values: ['FullAccess'] },
    { name: 'AutoMapping', kind: 'bool' },
    { name: 'ResultSize', kind: 'resultSize' },
    { name: 'GrantSendOnBehalfTo', kind: 'multiValued' },
    { name: 'ForwardingSmtpAddress', kind: 'nullableString' },
  ] as const;
  const bind = (parameters: Record<string, unknown>) =>
    bindParameters(
      parseEnvelope({ CmdletInput: { CmdletName: 'Add-Thing', Parameters: parameters } }),
      'Add-Thing',
      specs,
    );

  it('binds names case-insensitively to the canonical spelling and converts a single string to a list', () => {
    const p = bind({ identity: 'a', accessrights: 'fullaccess', automapping: false });
    expect(p.string('Identity')).toBe('a');
    expect(p.list('AccessRights')).toEqual(['FullAccess']);
    expect(p.bool('AutoMapping')).toBe(false);
  });

  it('refuses a parameter outside the whitelist with the PowerShell binding message', () => {
    const e = errorOf(() => bind({ Identity: 'a', Type: 'Shared' }));
    expect(e.status).toBe(400);
    expect(e.exceptionType).toBe('System.Management.Automation.ParameterBindingException');
    expect(e.message).toBe("A parameter cannot be found that matches parameter name 'Type'.");
  });

  it('refuses a missing mandatory parameter', () => {
    expect(errorOf(() => bind({ AutoMapping: true })).message).toContain(
      'missing mandatory parameters: Identity',
    );
  });

  it('refuses values of the wrong type or outside the allowed set', () => {
    expect(errorOf(() => bind({ Identity: { a: 1 } })).status).toBe(400);
    expect(errorOf(() => bind({ Identity: 'a', AutoMapping: 'yes' })).status).toBe(400);
    expect(errorOf(() => bind({ Identity: 'a', AccessRights: ['SendAs'] })).message).toContain(
      'Valid values: FullAccess',
    );
    expect(errorOf(() => bind({ Identity: 'a', ResultSize: 0 })).status).toBe(400);
    expect(errorOf(() => bind({ Identity: 'a', ResultSize: 'all' })).status).toBe(400);
  });

  it('reads ResultSize as a number or Unlimited', () => {
    expect(bind({ Identity: 'a', ResultSize: 'unlimited' }).limit('ResultSize')).toBe('Unlimited');
    expect(bind({ Identity: 'a', ResultSize: '25' }).limit('ResultSize')).toBe(25);
  });

  it('reads a multi-valued parameter as an overwrite (array) or an add/remove hashtable', () => {
    expect(bind({ Identity: 'a', GrantSendOnBehalfTo: ['x', 'y'] }).change('GrantSendOnBehalfTo')).toEqual({
      replace: ['x', 'y'],
      add: [],
      remove: [],
    });
    expect(
      bind({
        Identity: 'a',
        GrantSendOnBehalfTo: { '@odata.type': '#Exchange.GenericHashTable', Remove: 'x', add: ['y'] },
      }).change('GrantSendOnBehalfTo'),
    ).toEqual({ replace: null, add: ['y'], remove: ['x'] });
    expect(errorOf(() => bind({ Identity: 'a', GrantSendOnBehalfTo: { clear: 'x' } })).message).toContain(
      "'clear'",
    );
  });

  it('distinguishes an explicit null from an absent parameter', () => {
    expect(
      bind({ Identity: 'a', ForwardingSmtpAddress: null }).nullableString('ForwardingSmtpAddress'),
    ).toBeNull();
    expect(bind({ Identity: 'a' }).nullableString('ForwardingSmtpAddress')).toBeUndefined();
  });
});
