/** SharePoint routes of the sandbox: OneDrive site collection admin set and read back (graph.md §8). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FULL_APP, READONLY_APP, ids } from '../unit/sandbox/exchange/fixture-tenant.js';
import { getJson, postJson, startTestSandbox, type TestSandbox } from '../unit/sandbox/exchange/harness.js';

const ADMIN = 'https://contoso-admin.sharepoint.com';
const SITE = 'https://contoso-my.sharepoint.com/personal/lee_leaver_contoso_com';
const NOMETA = { accept: 'application/json;odata=nometadata' };
let sb: TestSandbox;
let token: string;
let setAdminUrl: string;
let siteUsersUrl: string;
let initial: ReturnType<TestSandbox['tenant']['snapshot']>;

beforeAll(async () => {
  sb = await startTestSandbox();
  token = await sb.certificateToken(ADMIN);
  setAdminUrl = `${sb.baseUrl}/contoso-admin.sharepoint.com/_api/SPO.Tenant/SetSiteAdmin`;
  siteUsersUrl = `${sb.baseUrl}/contoso-my.sharepoint.com/personal/lee_leaver_contoso_com/_api/web/siteusers`;
  initial = sb.tenant.snapshot();
});
afterAll(async () => sb.close());
beforeEach(() => {
  sb.tenant.restore(initial);
  sb.behaviours.disableAll();
  sb.log.clear();
});

const admins = async (accept = NOMETA) =>
  getJson(`${siteUsersUrl}?$filter=IsSiteAdmin eq true`, token, accept);

describe('SharePoint site collection admins', () => {
  it('makes the manager a site collection admin of the OneDrive and reads it back', async () => {
    const r = await postJson(
      setAdminUrl,
      token,
      { siteUrl: SITE, loginName: 'i:0#.f|membership|mia.manager@contoso.com', isSiteAdmin: true },
      NOMETA,
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      LoginName: 'i:0#.f|membership|mia.manager@contoso.com',
      IsSiteAdmin: true,
    });
    const back = await admins();
    expect(back.status).toBe(200);
    const value = (back.body as { value: { UserPrincipalName: string; IsSiteAdmin: boolean }[] }).value;
    expect(value.map((u) => u.UserPrincipalName).sort()).toEqual([
      'lee.leaver@contoso.com',
      'mia.manager@contoso.com',
    ]);
    expect(value.every((u) => u.IsSiteAdmin)).toBe(true);
    expect(sb.log.applied('spo.add-site-admin')).toHaveLength(1);
  });

  it('treats a repeated grant as a no-op and removes a secondary admin', async () => {
    const body = {
      siteUrl: `${sb.baseUrl}/contoso-my.sharepoint.com/personal/lee_leaver_contoso_com`,
      loginName: 'mia.manager@contoso.com',
      isSiteAdmin: true,
    };
    await postJson(setAdminUrl, token, body, NOMETA);
    await postJson(setAdminUrl, token, body, NOMETA);
    expect(sb.log.applied('spo.add-site-admin')).toHaveLength(1);
    const removed = await postJson(setAdminUrl, token, { ...body, isSiteAdmin: false }, NOMETA);
    expect(removed.status).toBe(200);
    expect(sb.tenant.sharing.siteAdmins(SITE).map((a) => a.userId)).toEqual([ids.leaver]);
  });

  it('refuses to remove the primary owner, an unknown user and an unknown site', async () => {
    const owner = await postJson(
      setAdminUrl,
      token,
      { siteUrl: SITE, loginName: 'lee.leaver@contoso.com', isSiteAdmin: false },
      NOMETA,
    );
    expect(owner.status).toBe(400);
    const nobody = await postJson(
      setAdminUrl,
      token,
      { siteUrl: SITE, loginName: 'i:0#.f|membership|nobody@contoso.com', isSiteAdmin: true },
      NOMETA,
    );
    expect(nobody.status).toBe(400);
    expect(nobody.body).toMatchObject({
      'odata.error': { message: { value: 'The user does not exist or is not unique.' } },
    });
    const site = await postJson(
      setAdminUrl,
      token,
      { siteUrl: `${SITE}x`, loginName: 'mia.manager@contoso.com', isSiteAdmin: true },
      NOMETA,
    );
    expect(site.status).toBe(404);
    expect(sb.tenant.sharing.siteAdmins(SITE)).toHaveLength(1);
  });

  it('answers in the verbose and minimal metadata flavours and refuses a non-JSON Accept', async () => {
    const verbose = await admins({ accept: 'application/json;odata=verbose' });
    expect(
      (verbose.body as { d: { results: { __metadata: { type: string } }[] } }).d.results[0]?.__metadata.type,
    ).toBe('SP.User');
    const minimal = await admins({ accept: 'application/json' });
    expect(minimal.body).toMatchObject({ value: [{ 'odata.type': 'SP.User' }] });
    const xml = await admins({ accept: 'application/atom+xml' });
    expect(xml.status).toBe(406);
  });

  it('answers 403 to a token without Sites.FullControl.All and 401 to a secret-based token', async () => {
    const ro = await sb.token(READONLY_APP.id, READONLY_APP.secret, ADMIN);
    const denied = await postJson(
      setAdminUrl,
      ro,
      { siteUrl: SITE, loginName: 'mia.manager@contoso.com', isSiteAdmin: true },
      NOMETA,
    );
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({
      'odata.error': { code: '-2147024891, System.UnauthorizedAccessException' },
    });
    const secret = await sb.token(FULL_APP.id, FULL_APP.secret, ADMIN);
    const unsupported = await postJson(
      setAdminUrl,
      secret,
      { siteUrl: SITE, loginName: 'mia.manager@contoso.com', isSiteAdmin: true },
      NOMETA,
    );
    expect(unsupported.status).toBe(401);
    expect(unsupported.body).toEqual({ error_description: 'Unsupported app only token.' });
    expect(sb.tenant.sharing.siteAdmins(SITE)).toHaveLength(1);
  });

  it('throttles with 429 and Retry-After', async () => {
    sb.behaviours.configure({ throttling: { enabled: true, scale: 0.001 } });
    const first = await admins();
    const second = await admins();
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('refuses a $filter it does not understand', async () => {
    const r = await getJson(`${siteUsersUrl}?$filter=Title eq 'x'`, token, NOMETA);
    expect(r.status).toBe(400);
  });
});
