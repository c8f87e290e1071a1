/** Every Graph write route refuses the read-only auditor app with the documented 403, and changes nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seeded, seededDevices, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { call, tokenFor } from '../unit/sandbox/support/sandbox-http.js';

const U = seeded.users;
const G = seeded.groups;
let sb: Sandbox;
let readOnly: string;
let driveId: string;

beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
  readOnly = await tokenFor(sb, {
    clientId: sb.credentials.readOnlyClientId,
    secret: sb.credentials.readOnlyClientSecret,
  });
  driveId = sb.state.sharing.driveOfUser(U.adeleVance)?.id ?? '';
});
afterAll(async () => {
  await sb.close();
});

const writes: [string, string, () => unknown][] = [
  ['PATCH', `/users/${U.adeleVance}`, () => ({ accountEnabled: false })],
  [
    'PATCH',
    `/users/${U.adeleVance}`,
    () => ({ passwordProfile: { password: 'Xy7!long-enough', forceChangePasswordNextSignIn: true } }),
  ],
  ['PATCH', `/users/${U.adeleVance}`, () => ({ usageLocation: 'GB' })],
  ['POST', `/users/${U.adeleVance}/revokeSignInSessions`, () => undefined],
  ['DELETE', `/users/${U.adeleVance}`, () => undefined],
  ['DELETE', `/groups/${G.retailSecurity}/members/${U.adeleVance}/$ref`, () => undefined],
  [
    'POST',
    `/groups/${G.retailSecurity}/members/$ref`,
    () => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${U.meganBowen}` }),
  ],
  ['POST', `/users/${U.adeleVance}/assignLicense`, () => ({ addLicenses: [], removeLicenses: [] })],
  [
    'PATCH',
    `/users/${U.adeleVance}/mailboxSettings`,
    () => ({ automaticRepliesSetting: { status: 'alwaysEnabled' } }),
  ],
  [
    'POST',
    `/users/${U.adeleVance}/calendar/calendarPermissions`,
    () => ({ emailAddress: { address: 'megan.bowen@contoso.com' }, role: 'read' }),
  ],
  ['DELETE', `/users/${U.johannaLorenz}/calendar/calendarPermissions/x`, () => undefined],
  [
    'POST',
    `/users/${U.lifecycleBot}/sendMail`,
    () => ({
      message: { subject: 's', toRecipients: [{ emailAddress: { address: 'megan.bowen@contoso.com' } }] },
    }),
  ],
  [
    'POST',
    `/users/${U.meganBowen}/teamwork/installedApps`,
    () => ({
      'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${seeded.teamsApp.catalogId}`,
    }),
  ],
  [
    'POST',
    `/drives/{drive}/root/invite`,
    () => ({ recipients: [{ email: 'megan.bowen@contoso.com' }], roles: ['write'] }),
  ],
  ['DELETE', `/drives/{drive}/root/permissions/x`, () => undefined],
  ['POST', `/directory/deletedItems/${U.adeleVance}/restore`, () => undefined],
  ['DELETE', `/users/${U.adeleVance}/authentication/fido2Methods/-2_GRUg2-HYz6_1YG4YRAQ2`, () => undefined],
  [
    'PUT',
    `/users/${U.rayKim}/manager/$ref`,
    () => ({ '@odata.id': `https://graph.microsoft.com/v1.0/users/${U.meganBowen}` }),
  ],
  [
    'POST',
    `/groups/${G.salesTeam}/owners/$ref`,
    () => ({ '@odata.id': `https://graph.microsoft.com/v1.0/users/${U.meganBowen}` }),
  ],
  ['DELETE', `/groups/${G.salesTeam}/owners/${U.adeleVance}/$ref`, () => undefined],
  ['POST', `/deviceManagement/managedDevices/${seededDevices.personalPhone}/retire`, () => undefined],
  ['POST', `/deviceManagement/managedDevices/${seededDevices.corporateLaptop}/wipe`, () => ({})],
  ['PATCH', `/devices/${seededDevices.registeredPhone}`, () => ({ accountEnabled: false })],
];

describe('Graph write routes with the read-only auditor app', () => {
  for (const [method, path, body] of writes) {
    it(`${method} ${path} → 403 Authorization_RequestDenied`, async () => {
      const before = JSON.stringify([...sb.state.data.users.values()]);
      const res = await call(sb, readOnly, method, path.replace('{drive}', driveId), { body: body() });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({
        error: {
          code: 'Authorization_RequestDenied',
          message: 'Insufficient privileges to complete the operation.',
          innerError: { 'request-id': expect.any(String) },
        },
      });
      expect(JSON.stringify([...sb.state.data.users.values()])).toBe(before);
    });
  }

  it('reads still work for the read-only app', async () => {
    const res = await call(sb, readOnly, 'GET', `/users/${U.adeleVance}?$select=id,accountEnabled`);
    expect(res.status).toBe(200);
  });
});

describe('authentication failures', () => {
  it('answers 401 InvalidAuthenticationToken without a token', async () => {
    const res = await call(sb, null, 'GET', `/users/${U.adeleVance}`);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
  });

  it('answers 401 for a token minted for another audience (Exchange)', async () => {
    const exo = await tokenFor(sb, { scope: 'https://outlook.office365.com/.default' });
    const res = await call(sb, exo, 'GET', `/users/${U.adeleVance}`);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({
      error: { code: 'InvalidAuthenticationToken', message: 'Invalid audience.' },
    });
  });

  it('answers 401 for a tampered token', async () => {
    const token = await tokenFor(sb);
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as { roles: string[] };
    payload.roles.push('Directory.ReadWrite.All');
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    expect((await call(sb, forged, 'GET', `/users/${U.adeleVance}`)).status).toBe(401);
  });

  it('refuses a wrong client secret with AADSTS7000215', async () => {
    const res = await fetch(sb.urls.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: sb.credentials.clientId,
        client_secret: 'wrong',
        scope: 'https://graph.microsoft.com/.default',
      }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
  });

  it('protects privileged accounts: disabling a Global Administrator needs a privileged role on the app', async () => {
    const token = await tokenFor(sb);
    const res = await call(sb, token, 'PATCH', `/users/${U.breakGlass}`, { body: { accountEnabled: false } });
    expect(res.status).toBe(403);
    expect(sb.state.directory.getUser(U.breakGlass)?.accountEnabled).toBe(true);
  });
});
