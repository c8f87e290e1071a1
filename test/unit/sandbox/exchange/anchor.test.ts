import { describe, expect, it } from 'vitest';
import { checkAnchor } from '../../../../src/sandbox/exchange/anchor.js';
import type { TenantInfo } from '../../../../src/sandbox/state/tenant-data.js';

const fields = {
  tenantId: '11111111-1111-4111-8111-111111111111',
  domain: 'contoso.com',
  initialDomain: 'contoso.onmicrosoft.com',
  sharePointTenantName: 'contoso',
  displayName: 'Contoso',
  syncedAccountEnabledWrites: 'accept' as const,
};
const info: TenantInfo = fields;
const SYSTEM = 'SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}';

describe('X-AnchorMailbox', () => {
  it.each([
    'UPN:ada@contoso.com',
    'UPN:nobody@contoso.com',
    `APP:${SYSTEM}@contoso.onmicrosoft.com`,
    `APP:${SYSTEM}@11111111-1111-4111-8111-111111111111`,
    `UPN:${SYSTEM}@contoso.onmicrosoft.com`,
    'ada@contoso.com',
  ])('accepts %s', (hint) => {
    expect(checkAnchor(hint, info, true)).toBeNull();
  });

  it.each([
    'UPN:not-an-address',
    'APP:someone@contoso.com',
    `APP:${SYSTEM}@fabrikam.onmicrosoft.com`,
    'UPN:ada@fabrikam.com',
  ])('refuses %s with 400 ErrorIncorrectRoutingHint', (hint) => {
    const r = checkAnchor(hint, info, false);
    expect(r?.status).toBe(400);
    expect(r?.body).toMatchObject({ error: { code: 'ErrorIncorrectRoutingHint' } });
  });

  it('is optional on InvokeCommand and required on v2.0', () => {
    expect(checkAnchor(undefined, info, false)).toBeNull();
    expect(checkAnchor(undefined, info, true)?.status).toBe(400);
  });
});
