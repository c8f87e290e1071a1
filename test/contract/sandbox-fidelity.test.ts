/**
 * Sandbox fidelity: behaviours where a kinder sandbox would let code pass here and fail in a real tenant.
 * Each case cites the documented example (or the observed answer) it reproduces.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seeded, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { call, tokenFor, type CallResult } from '../unit/sandbox/support/sandbox-http.js';

const U = seeded.users;
let sb: Sandbox;
let token: string;

beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
  token = await tokenFor(sb);
});
afterAll(async () => {
  await sb.close();
});
beforeEach(() => {
  sb.reset();
});

const get = (path: string, headers: Record<string, string> = {}): Promise<CallResult> =>
  call(sb, token, 'GET', path, { headers });
const send = (method: string, path: string, body?: unknown): Promise<CallResult> =>
  call(sb, token, method, path, { body });
const errorOf = (r: CallResult): { code: string; message: string } =>
  (r.body as { error: { code: string; message: string } }).error;
const driveOf = (userId: string): string => sb.state.sharing.driveOfUser(userId)?.id ?? 'missing';
const grantsOn = (driveId: string): string[] =>
  sb.state.sharing
    .permissions(driveId, 'root')
    .flatMap((p) => (p.grantee.kind === 'user' ? [p.grantee.userId] : []));

// https://learn.microsoft.com/graph/api/driveitem-invite — "Partial success response": 207 Multi-Status,
// an `error` object on each failed recipient (OneDrive/onedrive-api-docs driveitem_invite.md, same section).
describe('driveItem invite: per recipient, and all-or-nothing when the request fails as a whole', () => {
  it('answers 207 with an error on the unresolvable recipient and grants the others', async () => {
    const drive = driveOf(U.adeleVance);
    const res = await send('POST', `/drives/${drive}/root/invite`, {
      recipients: [{ email: 'megan.bowen@contoso.com' }, { email: 'nobody@fabrikam.example' }],
      roles: ['read'],
      requireSignIn: true,
      sendInvitation: false,
    });
    expect(res.status).toBe(207);
    const value = (res.body as { value: Record<string, unknown>[] }).value;
    expect(value).toHaveLength(2);
    expect(value[0]?.['error']).toBeUndefined();
    expect(value[0]?.['roles']).toEqual(['read']);
    expect((value[1]?.['error'] as { code: string }).code).toBe('invalidRequest');
    expect(value[1]?.['invitation']).toEqual({ email: 'nobody@fabrikam.example', signInRequired: true });
    expect(grantsOn(drive)).toEqual([U.meganBowen]);
  });

  it('writes nothing when no recipient resolves (400)', async () => {
    const drive = driveOf(U.adeleVance);
    const res = await send('POST', `/drives/${drive}/root/invite`, {
      recipients: [{ email: 'nobody@fabrikam.example' }],
      roles: ['read'],
    });
    expect(res.status).toBe(400);
    expect(grantsOn(drive)).toEqual([]);
  });

  it('writes nothing when a later recipient is malformed (400 for the whole request)', async () => {
    const drive = driveOf(U.adeleVance);
    const res = await send('POST', `/drives/${drive}/root/invite`, {
      recipients: [{ email: 'megan.bowen@contoso.com' }, { displayName: 'no address' }],
      roles: ['write'],
    });
    expect(res.status).toBe(400);
    expect(grantsOn(drive)).toEqual([]);
    expect(sb.requestLog.applied('drive.invite')).toHaveLength(0);
  });

  it('refuses a password (OneDrive personal only) and writes nothing', async () => {
    const drive = driveOf(U.adeleVance);
    const res = await send('POST', `/drives/${drive}/root/invite`, {
      recipients: [{ email: 'megan.bowen@contoso.com' }],
      roles: ['write'],
      password: 'password123',
    });
    expect(res.status).toBe(400);
    expect(errorOf(res).message).toMatch(/OneDrive personal/);
    expect(grantsOn(drive)).toEqual([]);
  });

  it('validates expirationDateTime, echoes it, and drops the grant once it has passed', async () => {
    const drive = driveOf(U.adeleVance);
    const bad = await send('POST', `/drives/${drive}/root/invite`, {
      recipients: [{ email: 'megan.bowen@contoso.com' }],
      roles: ['read'],
      expirationDateTime: 'next tuesday',
    });
    expect(bad.status).toBe(400);
    const past = await send('POST', `/drives/${drive}/root/invite`, {
      recipients: [{ email: 'megan.bowen@contoso.com' }],
      roles: ['read'],
      expirationDateTime: '2018-07-15T14:00:00.000Z',
    });
    expect(past.status).toBe(400);
    expect(grantsOn(drive)).toEqual([]);

    const expiry = new Date(sb.state.now() + 3_600_000).toISOString();
    const ok = await send('POST', `/drives/${drive}/root/invite`, {
      recipients: [{ email: 'megan.bowen@contoso.com' }],
      roles: ['read'],
      expirationDateTime: expiry,
    });
    expect(ok.status).toBe(200);
    expect((ok.body as { value: { expirationDateTime: string }[] }).value[0]?.expirationDateTime).toBe(
      expiry,
    );
    const listed = await get(`/drives/${drive}/root/permissions`);
    const entries = (listed.body as { value: { expirationDateTime?: string }[] }).value;
    expect(entries.some((e) => e.expirationDateTime === expiry)).toBe(true);
    const record = sb.state.sharing.permissions(drive, 'root')[0];
    expect(record?.expirationDateTime).toBe(expiry);
  });
});

// https://learn.microsoft.com/graph/json-batching — each request answered on its own; a failing item does not
// undo the others.
describe('$batch answers per item', () => {
  it('keeps a successful write when a sibling item fails', async () => {
    const res = await send('POST', '/$batch', {
      requests: [
        {
          id: '1',
          method: 'PATCH',
          url: `/users/${U.meganBowen}`,
          body: { jobTitle: 'Director' },
          headers: { 'Content-Type': 'application/json' },
        },
        {
          id: '2',
          method: 'PATCH',
          url: `/users/${U.gradyArchie}`,
          body: { jobTitle: 'Director' },
          headers: { 'Content-Type': 'application/json' },
        },
      ],
    });
    expect(res.status).toBe(200);
    const items = (res.body as { responses: { id: string; status: number }[] }).responses;
    expect(items.find((i) => i.id === '1')?.status).toBe(204);
    expect(items.find((i) => i.id === '2')?.status).toBe(400);
    expect(sb.state.directory.getUser(U.meganBowen)?.jobTitle).toBe('Director');
    expect(sb.state.directory.getUser(U.gradyArchie)?.jobTitle).not.toBe('Director');
  });

  it('honours $select inside a batch item', async () => {
    const res = await send('POST', '/$batch', {
      requests: [{ id: '1', method: 'GET', url: `/users/${U.adeleVance}/manager?$select=id,accountEnabled` }],
    });
    const item = (res.body as { responses: { body: Record<string, unknown> }[] }).responses[0];
    expect(Object.keys(item?.body ?? {}).sort()).toEqual([
      '@odata.context',
      '@odata.type',
      'accountEnabled',
      'id',
    ]);
  });
});

describe('app-only calls to delegated-only routes', () => {
  // Observed answer for an application token on /me (no signed-in user): 400 BadRequest.
  it('/me answers 400 "only valid with delegated authentication flow"', async () => {
    for (const path of ['/me', '/me/manager', '/me/drive/root/children']) {
      const res = await get(path);
      expect(res.status).toBe(400);
      expect(errorOf(res)).toMatchObject({
        code: 'BadRequest',
        message: '/me request is only valid with delegated authentication flow.',
      });
    }
  });

  // https://learn.microsoft.com/graph/api/authenticationmethod-resetpassword — permissions table:
  // "Application: Not supported."
  it('authentication-method resetPassword is refused for an application token', async () => {
    const before = sb.state.directory.getUser(U.adeleVance)?.lastPasswordChangeDateTime;
    const res = await send(
      'POST',
      `/users/${U.adeleVance}/authentication/methods/28c10230-6103-485e-b985-444c60001490/resetPassword`,
      { newPassword: 'Cuyo5459' },
    );
    expect(res.status).toBe(403);
    expect(errorOf(res).code).toBe('accessDenied');
    expect(sb.state.directory.getUser(U.adeleVance)?.lastPasswordChangeDateTime).toBe(before);
  });
});

// https://learn.microsoft.com/graph/api/teamsapp-list (beta tab): GET /beta/appCatalogs/teamsApps?$filter=…
describe('/beta', () => {
  it('serves the Teams app catalog under /beta with a beta context', async () => {
    const res = await call(
      sb,
      token,
      'GET',
      `${sb.urls.graph.replace(/\/v1\.0$/, '/beta')}/appCatalogs/teamsApps?$filter=externalId eq '${seeded.teamsApp.manifestId}'`,
    );
    expect(res.status).toBe(200);
    const body = res.body as { '@odata.context': string; value: { id: string }[] };
    expect(body['@odata.context']).toMatch(/^https:\/\/graph\.microsoft\.com\/beta\/\$metadata#/);
    expect(body.value.map((a) => a.id)).toEqual([seeded.teamsApp.catalogId]);
  });

  it('names the first unknown segment, as Graph does', async () => {
    const res = await get(`/users/${U.adeleVance}/notARelationship/more`);
    expect(res.status).toBe(400);
    expect(errorOf(res).message).toBe("Resource not found for the segment 'notARelationship'.");
    const beta = await call(sb, token, 'GET', `${sb.urls.graph.replace(/\/v1\.0$/, '/beta')}/nothingHere`);
    expect(errorOf(beta).message).toBe("Resource not found for the segment 'nothingHere'.");
  });
});

// https://learn.microsoft.com/graph/query-parameters#select — only the selected properties are returned.
describe('$select on navigation properties', () => {
  it('manager returns what was selected and nothing else', async () => {
    const res = await get(`/users/${U.adeleVance}/manager?$select=id,accountEnabled,onPremisesSyncEnabled`);
    const body = res.body as Record<string, unknown>;
    expect(body['accountEnabled']).toBe(true);
    expect('onPremisesSyncEnabled' in body).toBe(true);
    expect('displayName' in body).toBe(false);
  });

  it('directReports without $select has the default set only (no accountEnabled)', async () => {
    const plain = await get(`/users/${U.meganBowen}/directReports`);
    const first = (plain.body as { value: Record<string, unknown>[] }).value[0] ?? {};
    expect('accountEnabled' in first).toBe(false);
    const selected = await get(`/users/${U.meganBowen}/directReports?$select=id,accountEnabled`);
    const item = (selected.body as { value: Record<string, unknown>[] }).value[0] ?? {};
    expect(Object.keys(item).sort()).toEqual(['@odata.type', 'accountEnabled', 'id']);
  });

  it('memberOf rejects an unknown property and projects known ones', async () => {
    const bad = await get(`/users/${U.adeleVance}/memberOf?$select=id,notAProperty`);
    expect(bad.status).toBe(400);
    const ok = await get(`/users/${U.adeleVance}/memberOf?$select=id,displayname`);
    const item = (ok.body as { value: Record<string, unknown>[] }).value[0] ?? {};
    expect(Object.keys(item).sort()).toEqual(['@odata.type', 'displayName', 'id']);
  });

  it('$expand=manager($select=…) rejects an unknown property', async () => {
    const res = await get(`/users/${U.adeleVance}?$expand=manager($select=id,notAProperty)`);
    expect(res.status).toBe(400);
  });
});

// https://learn.microsoft.com/graph/api/user-list-manager — Example 2: $levels=max with $count=true and
// ConsistencyLevel: eventual ("required when the request includes the $count=true query string").
describe('$levels and $count rules', () => {
  const chain = `/users/${U.pradeepGupta}?$expand=manager($levels=max;$select=id,displayName)&$select=id,displayName`;
  it('accepts the documented request', async () => {
    const res = await get(`${chain}&$count=true`, { ConsistencyLevel: 'eventual' });
    expect(res.status).toBe(200);
    const body = res.body as { manager: { id: string; manager: { id: string } } };
    expect(body.manager.id).toBe(U.lynneRobbins);
    expect(body.manager.manager.id).toBe(U.saraDavis);
  });
  it('refuses $levels without $count=true, and $count=true without the header', async () => {
    expect((await get(chain, { ConsistencyLevel: 'eventual' })).status).toBe(400);
    expect((await get(`${chain}&$count=true`)).status).toBe(400);
  });
});

// https://learn.microsoft.com/graph/api/directory-deleteditems-list — GET /directory/deletedItems/microsoft.graph.group
describe('deleted items', () => {
  it('lists deleted groups', async () => {
    const res = await get('/directory/deletedItems/microsoft.graph.group');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      '@odata.context':
        'https://graph.microsoft.com/v1.0/$metadata#directory/deletedItems/microsoft.graph.group',
      value: [],
    });
  });
});

// Observed refusals (reference graph.md §3; microsoftgraph/microsoft-graph-docs#18038 and #12584).
describe('objects mastered elsewhere', () => {
  it('the control API makes a user externally mastered and PATCH is refused with nothing written', async () => {
    const control = await fetch(`${sb.urls.control}/users/mastering`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: U.nestorWilke, source: 'externalService' }),
    });
    expect(control.status).toBe(200);
    const res = await send('PATCH', `/users/${U.nestorWilke}`, { usageLocation: 'GB', department: 'Ops' });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({
      code: 'Request_BadRequest',
      message:
        'Unable to update the specified properties for objects that have originated within an external service.',
    });
    expect(sb.state.directory.getUser(U.nestorWilke)?.usageLocation).not.toBe('GB');
    // Cloud-owned attributes stay writable.
    expect((await send('PATCH', `/users/${U.nestorWilke}`, { usageLocation: 'GB' })).status).toBe(204);
  });

  it('the control API can put a cloud user under directory sync', async () => {
    await fetch(`${sb.urls.control}/users/mastering`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: U.nestorWilke, source: 'onPremises' }),
    });
    const res = await send('PATCH', `/users/${U.nestorWilke}`, { jobTitle: 'Lead' });
    expect(res.status).toBe(400);
    expect(errorOf(res).message).toMatch(/on-premises mastered Directory Sync objects/);
  });

  it('rejects a malformed control request', async () => {
    const res = await fetch(`${sb.urls.control}/users/mastering`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: U.nestorWilke, source: 'somewhere' }),
    });
    expect(res.status).toBe(400);
  });
});

// Exchange admin API: "@odata.context" names the real host, as in the documented and captured answers
// (https://learn.microsoft.com/exchange/reference/admin-api-get-started; reference exchange-online.md).
describe('Exchange @odata.context', () => {
  it('names https://outlook.office.com on beta InvokeCommand, not the sandbox URL', async () => {
    const exoToken = await tokenFor(sb, { scope: 'https://outlook.office365.com/.default' });
    const res = await call(
      sb,
      exoToken,
      'POST',
      `${sb.urls.exchange}/adminapi/beta/${sb.tenant.tenantId}/InvokeCommand`,
      {
        body: {
          CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: { Identity: 'adele.vance@contoso.com' } },
        },
      },
    );
    expect(res.status).toBe(200);
    expect((res.body as { '@odata.context': string })['@odata.context']).toBe(
      `https://outlook.office.com/adminapi/beta/${sb.tenant.tenantId}/$metadata#Collection(Exchange.GenericHashTable)`,
    );
  });
});
