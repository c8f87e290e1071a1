import { describe, expect, it } from 'vitest';
import { ExoCmdletError } from '../../../../src/sandbox/exchange/errors.js';
import { parseMailboxFilter } from '../../../../src/sandbox/exchange/filter.js';

const DN =
  'CN=leaver,OU=contoso.onmicrosoft.com,OU=Microsoft Exchange Hosted Organizations,DC=NAMPR01A001,DC=PROD,DC=OUTLOOK,DC=COM';

describe('parseMailboxFilter', () => {
  it('parses the documented GrantSendOnBehalfTo form', () => {
    expect(parseMailboxFilter(`GrantSendOnBehalfTo -eq '${DN}'`)).toEqual({
      property: 'GrantSendOnBehalfTo',
      value: DN,
    });
  });

  it('accepts parentheses, any case of the operator and doubled quotes inside the value', () => {
    expect(parseMailboxFilter("(grantsendonbehalfto -EQ 'CN=O''Brien,OU=x')")).toEqual({
      property: 'GrantSendOnBehalfTo',
      value: "CN=O'Brien,OU=x",
    });
  });

  it.each([
    `GrantSendOnBehalfTo -eq '${DN}' -or Name -like '*'`,
    "GrantSendOnBehalfTo -eq 'CN=x' ; Remove-Mailbox y",
    "GrantSendOnBehalfTo -eq 'CN=unterminated",
    'GrantSendOnBehalfTo -eq "CN=x"',
    "GrantSendOnBehalfTo -like 'CN=*'",
    "GrantSendOnBehalfTo -eq 'leaver@contoso.com'",
    "Name -eq 'x'",
    "$(Remove-Mailbox x) -eq 'y'",
  ])('refuses %s as a filter syntax error and evaluates nothing', (filter) => {
    let error: unknown;
    try {
      parseMailboxFilter(filter);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExoCmdletError);
    expect((error as ExoCmdletError).status).toBe(400);
    expect((error as ExoCmdletError).message).toContain('Invalid filter syntax');
  });
});
