/**
 * `GET /users/{id}/transitiveMemberOf`, which the policy reads to protect accounts: the sandbox answers
 * with the documented shape (user-list-transitivememberof.md; the directoryRole object as in the
 * reference's memberOf example, with its `roleTemplateId`), and the real Graph connector
 * (`listTransitiveMemberships`) reads nested groups and roles from it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seeded, type TenantSnapshot } from '../../src/sandbox/index.js';
import { call, tokenFor } from '../unit/sandbox/support/sandbox-http.js';
import { shapeMismatches } from '../unit/sandbox/support/shape.js';
import { startConnectorHarness, type ConnectorHarness } from './connectors-harness.js';

const U = seeded.users;
const G = seeded.groups;
const globalAdministrator = '62e90394-69f5-4237-9190-012177145e10';

/** The documented response (Example 1), with a role entry shaped like the reference's memberOf example. */
const documented = {
  '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directoryObjects',
  value: [
    {
      '@odata.type': '#microsoft.graph.group',
      displayName: 'All_Contoso_Licensing',
      mailEnabled: true,
      mailNickname: 'ContosoMailNickName',
      securityEnabled: true,
    },
    {
      '@odata.type': '#microsoft.graph.directoryRole',
      id: '21004afc-7bb2-4fe6-a1e1-074ebd3e52c1',
      deletedDateTime: null,
      description:
        'Can manage all aspects of users and groups, including resetting passwords for limited admins.',
      displayName: 'User Administrator',
      roleTemplateId: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
    },
  ],
};

let h: ConnectorHarness;
let initial: TenantSnapshot;
let token: string;

beforeAll(async () => {
  h = await startConnectorHarness();
  initial = h.sandbox.snapshot();
  token = await tokenFor(h.sandbox);
});
afterAll(async () => h.close());
beforeEach(() => {
  h.sandbox.restore(initial);
});

describe('GET /users/{id}/transitiveMemberOf', () => {
  it('answers with the documented shape: groups and directory roles as directoryObjects', async () => {
    const result = await call(h.sandbox, token, 'GET', `/users/${U.pattiFernandez}/transitiveMemberOf`);
    expect(result.status).toBe(200);
    expect(shapeMismatches(documented, result.body)).toEqual([]);
    const value = (result.body as { value: Record<string, unknown>[] }).value;
    expect(value.find((o) => o['id'] === G.lifecycleProtected)?.['@odata.type']).toBe(
      '#microsoft.graph.group',
    );
    expect(value.find((o) => o['@odata.type'] === '#microsoft.graph.directoryRole')).toMatchObject({
      displayName: 'Global Administrator',
      roleTemplateId: globalAdministrator,
    });
  });

  it('includes groups reached through nested groups, once each, and answers by UPN', async () => {
    h.sandbox.state.directory.addMember(G.lifecycleProtected, G.retailSecurity);
    // A cycle is possible in a directory: it must not loop.
    h.sandbox.state.directory.addMember(G.retailSecurity, G.lifecycleProtected);
    const result = await call(
      h.sandbox,
      token,
      'GET',
      '/users/christie.cline@contoso.com/transitiveMemberOf',
    );
    const ids = (result.body as { value: { id: string }[] }).value.map((o) => o.id);
    expect(ids.filter((id) => id === G.retailSecurity)).toHaveLength(1);
    expect(ids.filter((id) => id === G.lifecycleProtected)).toHaveLength(1);
  });

  it('pages with $top and $skiptoken, honours $select, and answers 404 for an unknown user', async () => {
    const first = await call(
      h.sandbox,
      token,
      'GET',
      `/users/${U.adeleVance}/transitiveMemberOf?$top=2&$select=id`,
    );
    const body = first.body as { value: Record<string, unknown>[]; '@odata.nextLink'?: string };
    expect(body.value).toHaveLength(2);
    expect(Object.keys(body.value[0] ?? {}).sort()).toEqual(['@odata.type', 'id']);
    expect(body['@odata.nextLink']).toContain('$skiptoken=');
    const unknown = await call(
      h.sandbox,
      token,
      'GET',
      '/users/10000000-0000-4000-8000-999999999999/transitiveMemberOf',
    );
    expect(unknown.status).toBe(404);
  });

  it('needs a directory or group read permission', async () => {
    const anonymous = await call(h.sandbox, null, 'GET', `/users/${U.adeleVance}/transitiveMemberOf`);
    expect(anonymous.status).toBe(401);
  });
});

describe('GraphGroups.listTransitiveMemberships against the sandbox', () => {
  it('returns nested group ids and role template ids', async () => {
    h.sandbox.state.directory.addMember(G.lifecycleProtected, G.retailSecurity);
    const christie = await h.groups.listTransitiveMemberships(U.christieCline);
    expect(christie.groupIds).toEqual(expect.arrayContaining([G.retailSecurity, G.lifecycleProtected]));
    expect(christie.roleTemplateIds).toEqual([]);
    const patti = await h.groups.listTransitiveMemberships('patti.fernandez@contoso.com');
    expect(patti.roleTemplateIds).toEqual([globalAdministrator]);
    expect(patti.groupIds).toContain(G.lifecycleProtected);
    // Adele is directly in Retail Security, so now also in Lifecycle Protected through it.
    const adele = await h.groups.listTransitiveMemberships(U.adeleVance);
    const direct = (await h.groups.listMemberships(U.adeleVance)).map((m) => m.id);
    expect(adele.groupIds.sort()).toEqual([...direct, G.lifecycleProtected].sort());
  });
});
