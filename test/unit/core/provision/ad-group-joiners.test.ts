import { describe, expect, it } from 'vitest';
import { adAttributeOf, summaryLine, toJoinerRow } from '../../../../src/core/provision/ad-group-joiners.js';
import { joinerRowSchema } from '../../../../src/core/provision/provision-input.js';

const member = {
  dn: 'CN=Lovelace\\, Ada,OU=Staff,DC=corp,DC=example',
  id: '0d1f8a4e-3c2b-4a55-9f10-2b7e5c9d1a01',
  userPrincipalName: 'ada.lovelace@contoso.com',
  displayName: 'Ada Lovelace',
  employeeId: '100042',
  country: 'gb',
  isEnabled: true,
  attributes: {
    ExtensionAttribute1: 'E3',
    title: 'Analyst',
    department: 'Analytics',
    employeeType: 'Employee',
  },
};

describe('an AD group member as a joiner row', () => {
  it('carries the CSV fields and the mapping attributes under their mapping names', () => {
    const row = joinerRowSchema.parse(toJoinerRow(member, member.userPrincipalName));
    expect(row).toEqual({
      userPrincipalName: 'ada.lovelace@contoso.com',
      displayName: 'Ada Lovelace',
      employeeId: '100042',
      employeeType: 'Employee',
      usageLocation: 'gb',
      attributes: {
        extensionattribute1: 'E3',
        jobtitle: 'Analyst',
        department: 'Analytics',
        employeetype: 'Employee',
      },
    });
  });

  it('leaves out a country that is not a two-letter code', () => {
    const row = joinerRowSchema.parse(
      toJoinerRow({ ...member, country: 'United Kingdom' }, member.userPrincipalName),
    );
    expect(row.usageLocation).toBeUndefined();
  });

  it('reads jobTitle from AD title and never asks AD for userType', () => {
    expect(adAttributeOf('jobTitle')).toBe('title');
    expect(adAttributeOf('extensionAttribute7')).toBe('extensionAttribute7');
    expect(adAttributeOf('userType')).toBeUndefined();
  });
});

describe('the job summary line', () => {
  it('names the first failure and what waits', () => {
    const line = summaryLine(
      {
        members: 5,
        provisioned: ['a@contoso.com'],
        failed: [{ member: 'b@contoso.com', error: 'No free seats left of SPE_E3: licence not assigned' }],
        waiting: ['c@contoso.com'],
        running: ['d@contoso.com (REQ-1)'],
        deferred: 1,
      },
      { kind: 'move', licensedGroupDn: 'CN=O365_License,OU=Groups,DC=corp,DC=example' },
    );
    expect(line).toBe(
      '5 in the group, 1 provisioned and moved to the licensed group, 1 failed and stay for the next run ' +
        '(first: b@contoso.com: No free seats left of SPE_E3: licence not assigned), 1 waiting for directory sync, ' +
        '1 still running from an earlier run, 1 left for the next run',
    );
  });
});
