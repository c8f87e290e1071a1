/**
 * The Exchange and SharePoint routes against the seeded organisation of `startSandbox` (named people and ids):
 * the offboarding paths the connectors depend on, the permission model, throttling and the request log.
 */
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

let sb: Sandbox;
let exoToken: string;
let readOnlyExoToken: string;
let beta: string;
let v2: (endpoint: string) => string;

async function token(form: Record<string, string>): Promise<string> {
  const res = await fetch(sb.urls.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...form }).toString(),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`token request failed with ${res.status}`);
  return body.access_token;
}

/** A certificate (client assertion) token, as SharePoint app-only access requires. */
function certificateToken(scope: string): Promise<string> {
  const c = sb.credentials;
  const now = Math.floor(Date.now() / 1000);
  const x5t = Buffer.from(c.thumbprintSha1, 'hex').toString('base64url');
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5t })).toString('base64url');
  const payload = Buffer.from(
    JSON.stringify({
      aud: sb.urls.tokenEndpoint,
      iss: c.clientId,
      sub: c.clientId,
      jti: randomUUID(),
      nbf: now,
      exp: now + 600,
    }),
  ).toString('base64url');
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), createPrivateKey(c.privateKeyPem));
  return token({
    client_id: c.clientId,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: `${header}.${payload}.${signature.toString('base64url')}`,
    scope,
  });
}

async function post(url: string, bearer: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: (text === '' ? null : JSON.parse(text)) as ExoBody | null,
  };
}

interface ExoBody {
  value: Record<string, unknown>[];
  '@adminapi.warnings': string[];
  error?: { code: string; details: { message: string }[] };
}

const cmdlet = (CmdletName: string, Parameters: Record<string, unknown>) => ({
  CmdletInput: { CmdletName, Parameters },
});
const appAnchor = () => ({
  'x-anchormailbox': `APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@${sb.tenant.initialDomain}`,
});
const upn = (id: string) => sb.state.directory.getUser(id)?.userPrincipalName ?? '';

beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
  exoToken = await token({
    client_id: sb.credentials.clientId,
    client_secret: sb.credentials.clientSecret,
    scope: 'https://outlook.office365.com/.default',
  });
  readOnlyExoToken = await token({
    client_id: sb.credentials.readOnlyClientId,
    client_secret: sb.credentials.readOnlyClientSecret,
    scope: 'https://outlook.office365.com/.default',
  });
  beta = `${sb.urls.exchange}/adminapi/beta/${sb.tenant.tenantId}/InvokeCommand`;
  v2 = (endpoint) => `${sb.urls.exchange}/adminapi/v2.0/${sb.tenant.tenantId}/${endpoint}`;
});
afterAll(async () => sb.close());
beforeEach(() => {
  sb.reset();
});

describe('seeded organisation over the Exchange admin API', () => {
  it("strips the leaver's FullAccess on a shared mailbox once; the repeat is a warning, not an applied write", async () => {
    const U = sb.seeded.users;
    const params = {
      Identity: upn(U.support),
      User: upn(U.adeleVance),
      AccessRights: ['FullAccess'],
      InheritanceType: 'All',
      Confirm: false,
    };
    const first = await post(beta, exoToken, cmdlet('Remove-MailboxPermission', params), {
      'x-anchormailbox': `UPN:${upn(U.support)}`,
    });
    expect(first.status).toBe(200);
    const again = await post(beta, exoToken, cmdlet('Remove-MailboxPermission', params), {
      'x-anchormailbox': `UPN:${upn(U.support)}`,
    });
    expect(again.body?.['@adminapi.warnings'][0]).toMatch(/because the ACE doesn't exist on the object\.$/);
    expect(sb.requestLog.applied('exo.remove-mailbox-permission')).toHaveLength(1);
    expect(sb.state.exchange.rightsOn(U.support, 'FullAccess').map((r) => r.trusteeId)).not.toContain(
      U.adeleVance,
    );
  });

  it('resolves the localized calendar of a German mailbox and removes the leaver as its delegate through v2.0', async () => {
    const U = sb.seeded.users;
    const johanna = upn(U.johannaLorenz);
    const stats = await post(
      beta,
      exoToken,
      cmdlet('Get-MailboxFolderStatistics', { Identity: johanna, FolderScope: 'Calendar' }),
      appAnchor(),
    );
    expect(stats.body?.value[0]).toMatchObject({ Name: 'Kalender', FolderType: 'Calendar' });
    const hdr = { 'x-anchormailbox': `UPN:${johanna}` };
    const wrong = await post(
      v2('MailboxFolderPermission'),
      exoToken,
      cmdlet('Get-MailboxFolderPermission', { Identity: `${johanna}:\\Calendar` }),
      hdr,
    );
    expect(wrong.status).toBe(404);
    const removed = await post(
      v2('MailboxFolderPermission'),
      exoToken,
      cmdlet('Remove-MailboxFolderPermission', {
        Identity: `${johanna}:\\Kalender`,
        User: upn(U.adeleVance),
      }),
      hdr,
    );
    expect(removed.status).toBe(200);
    expect(sb.state.exchange.folderPermissionsHeldBy(U.adeleVance).map((p) => p.mailboxId)).not.toContain(
      U.johannaLorenz,
    );
  });

  it("finds the leaver's SendOnBehalf grants by DN and refuses to hide a synced user in the cloud", async () => {
    const U = sb.seeded.users;
    const dn = sb.state.exchange.getMailbox(U.adeleVance)?.distinguishedName ?? '';
    const found = await post(
      beta,
      exoToken,
      cmdlet('Get-Mailbox', {
        Filter: `GrantSendOnBehalfTo -eq '${dn.replaceAll("'", "''")}'`,
        ResultSize: 'Unlimited',
      }),
      appAnchor(),
    );
    expect(found.body?.value.map((m) => m['PrimarySmtpAddress'])).toEqual([upn(U.meganBowen)]);
    const grady = upn(U.gradyArchie);
    const hide = await post(
      beta,
      exoToken,
      cmdlet('Set-Mailbox', { Identity: grady, HiddenFromAddressListsEnabled: true }),
      { 'x-anchormailbox': `UPN:${grady}` },
    );
    expect(hide.status).toBe(400);
    expect(hide.body?.error?.details[0]?.message).toContain("out of the current user's write scope");
  });

  it('answers 403 to the read-only app on every Exchange and SharePoint write route', async () => {
    const U = sb.seeded.users;
    const routes: [string, unknown][] = [
      [
        beta,
        cmdlet('Remove-MailboxPermission', {
          Identity: upn(U.support),
          User: upn(U.adeleVance),
          AccessRights: ['FullAccess'],
        }),
      ],
      [`${sb.urls.exchange}/adminapi/beta/${sb.tenant.tenantId}/$batch`, { requests: [] }],
      [
        v2('Mailbox'),
        cmdlet('Set-Mailbox', {
          Identity: upn(U.meganBowen),
          GrantSendOnBehalfTo: { remove: upn(U.adeleVance) },
        }),
      ],
      [
        v2('MailboxFolderPermission'),
        cmdlet('Remove-MailboxFolderPermission', {
          Identity: `${upn(U.johannaLorenz)}:\\Kalender`,
          User: upn(U.adeleVance),
        }),
      ],
    ];
    for (const [url, body] of routes) {
      const r = await post(url, readOnlyExoToken, body, { 'x-anchormailbox': `UPN:${upn(U.meganBowen)}` });
      expect(r.status).toBe(403);
      expect(r.body).toBeNull();
    }
    const spoReadOnly = await token({
      client_id: sb.credentials.readOnlyClientId,
      client_secret: sb.credentials.readOnlyClientSecret,
      scope: 'https://contoso-admin.sharepoint.com/.default',
    });
    const drive = sb.state.sharing.driveOfUser(U.adeleVance);
    for (const path of [
      '/_api/SPO.Tenant/SetSiteAdmin',
      '/_api/Microsoft.Online.SharePoint.TenantAdministration.Tenant/SetSiteAdmin',
    ]) {
      const r = await post(
        `${sb.urls.sharePointAdmin}${path}`,
        spoReadOnly,
        { siteUrl: drive?.siteUrl, loginName: upn(U.meganBowen), isSiteAdmin: true },
        { accept: 'application/json;odata=nometadata' },
      );
      expect(r.status).toBe(403);
    }
    const applied = sb.requestLog
      .find({ appliedOnly: true })
      .filter((e) => e.service === 'exchange' || e.service === 'sharepoint');
    expect(applied).toEqual([]);
  });

  it("makes the manager a site collection admin of the leaver's OneDrive and reads it back", async () => {
    const U = sb.seeded.users;
    const drive = sb.state.sharing.driveOfUser(U.adeleVance);
    expect(drive?.siteUrl).toBe('https://contoso-my.sharepoint.com/personal/adele_vance_contoso_com');
    const spo = await certificateToken('https://contoso-admin.sharepoint.com/.default');
    const nometa = { accept: 'application/json;odata=nometadata' };
    const set = await post(
      `${sb.urls.sharePointAdmin}/_api/SPO.Tenant/SetSiteAdmin`,
      spo,
      { siteUrl: drive?.siteUrl, loginName: `i:0#.f|membership|${upn(U.meganBowen)}`, isSiteAdmin: true },
      nometa,
    );
    expect(set.status).toBe(200);
    const res = await fetch(
      `${sb.urls.sharePointMy}/personal/adele_vance_contoso_com/_api/web/siteusers?$filter=IsSiteAdmin eq true`,
      {
        headers: { authorization: `Bearer ${spo}`, ...nometa },
      },
    );
    const back = (await res.json()) as { value: { UserPrincipalName: string }[] };
    expect(back.value.map((u) => u.UserPrincipalName)).toContain(upn(U.meganBowen));
    expect(sb.requestLog.applied('spo.add-site-admin')).toHaveLength(1);
  });

  it('throttles Exchange with 429 and Retry-After under the configured budget', async () => {
    sb.behaviours.configure({ throttling: { enabled: true, scale: 0.001 } });
    const U = sb.seeded.users;
    const call = () => post(beta, exoToken, cmdlet('Get-Mailbox', { Identity: upn(U.support) }), appAnchor());
    expect((await call()).status).toBe(200);
    const throttled = await call();
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(throttled.body).toMatchObject({ error: { code: 'TooManyRequests' } });
  });
});
