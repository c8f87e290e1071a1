import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../../src/core/errors.js';
import {
  assertTenantSiteUrl,
  membershipLoginName,
  oneDriveSiteUrl,
  sharePointHostsOf,
  upnOfSiteUser,
} from '../../../../src/connectors/sharepoint/sharepoint-urls.js';

const hosts = sharePointHostsOf('https://contoso-admin.sharepoint.com');

describe('SharePoint URLs', () => {
  it('derives the tenant hosts from the admin URL', () => {
    expect(hosts).toEqual({
      tenantName: 'contoso',
      admin: 'contoso-admin.sharepoint.com',
      my: 'contoso-my.sharepoint.com',
      root: 'contoso.sharepoint.com',
    });
    expect(() => sharePointHostsOf('https://contoso.sharepoint.com')).toThrow(InvalidInputError);
  });

  it('derives the OneDrive site from the drive webUrl', () => {
    expect(oneDriveSiteUrl('https://contoso-my.sharepoint.com/personal/ada_contoso_com/Documents')).toBe(
      'https://contoso-my.sharepoint.com/personal/ada_contoso_com',
    );
    expect(() => oneDriveSiteUrl('https://contoso.sharepoint.com/sites/x')).toThrow(InvalidInputError);
  });

  it('accepts only site collections of this tenant, so the token stays in the tenant', () => {
    expect(assertTenantSiteUrl('https://CONTOSO-my.sharepoint.com/personal/ada_contoso_com/', hosts)).toBe(
      'https://contoso-my.sharepoint.com/personal/ada_contoso_com',
    );
    for (const bad of [
      'https://fabrikam-my.sharepoint.com/personal/x',
      'http://contoso-my.sharepoint.com/personal/x',
      'https://contoso-my.sharepoint.com/personal/x?$filter=1',
      'https://contoso-my.sharepoint.com/personal/x/../../_api',
      'https://contoso-my.sharepoint.com/personal/a/../b',
      'https://contoso-my.sharepoint.com.evil.example/personal/x',
    ]) {
      expect(() => assertTenantSiteUrl(bad, hosts), bad).toThrow(InvalidInputError);
    }
  });

  it('converts between UPNs and claims login names', () => {
    expect(membershipLoginName('Ada@Contoso.com')).toBe('i:0#.f|membership|ada@contoso.com');
    expect(upnOfSiteUser({ LoginName: 'i:0#.f|membership|ada@contoso.com' })).toBe('ada@contoso.com');
    expect(upnOfSiteUser({ LoginName: 'c:0t.c|tenant|x', UserPrincipalName: null })).toBeNull();
  });
});
