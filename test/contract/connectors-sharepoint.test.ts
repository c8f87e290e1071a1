/**
 * The Files port on SharePointFiles: the OneDrive from Graph, site collection admins through the
 * SharePoint admin REST route with a certificate token, read back from the site's siteusers.
 */
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError, PermissionDeniedError } from '../../src/core/errors.js';
import { EntraAppAuth } from '../../src/connectors/auth/entra-app-auth.js';
import { SharePointFiles } from '../../src/connectors/sharepoint/sharepoint-files.js';
import { seeded, type TenantSnapshot } from '../../src/sandbox/index.js';
import { findLeaks, settle, startConnectorHarness, type ConnectorHarness } from './connectors-harness.js';

const U = seeded.users;
const ADMIN_URL = 'https://contoso-admin.sharepoint.com';
let h: ConnectorHarness;
let initial: TenantSnapshot;
let adeleSite: string;

beforeAll(async () => {
  h = await startConnectorHarness();
  initial = h.sandbox.snapshot();
});
afterAll(async () => h.close());
beforeEach(() => {
  h.sandbox.restore(initial);
  h.sandbox.behaviours.disableAll();
  adeleSite = 'https://contoso-my.sharepoint.com/personal/adele_vance_contoso_com';
});

describe('SharePointFiles: OneDrive', () => {
  it('finds the OneDrive and its site collection; null when never provisioned', async () => {
    expect(await h.files.getOneDrive(U.adeleVance)).toMatchObject({
      webUrl: `${adeleSite}/Documents`,
      siteUrl: adeleSite,
      driveId: expect.stringMatching(/^b!/) as unknown,
    });
    expect(await h.files.getOneDrive(U.rayKim)).toBeNull();
  });
});

describe('SharePointFiles: site collection admins', () => {
  it('adds the manager as admin, idempotently, and removes them, with read-back', async () => {
    expect(await h.files.listSiteAdmins(adeleSite)).toEqual(['adele.vance@contoso.com']);
    await h.files.addSiteAdmin(adeleSite, 'megan.bowen@contoso.com');
    await h.files.addSiteAdmin(adeleSite, 'Megan.Bowen@contoso.com');
    expect((await h.files.listSiteAdmins(adeleSite)).sort()).toEqual([
      'adele.vance@contoso.com',
      'megan.bowen@contoso.com',
    ]);
    await h.files.removeSiteAdmin(adeleSite, 'megan.bowen@contoso.com');
    expect(await h.files.listSiteAdmins(adeleSite)).toEqual(['adele.vance@contoso.com']);
  });

  it('refuses sites outside the tenant and hostile user names, sending nothing', async () => {
    const before = h.sandbox.requestLog.all().length;
    for (const site of [
      'https://fabrikam-my.sharepoint.com/personal/x',
      'http://contoso-my.sharepoint.com/personal/x',
      `${adeleSite}/../../sites/hr`,
      `${adeleSite}?x=1`,
    ]) {
      await expect(h.files.addSiteAdmin(site, 'megan.bowen@contoso.com'), site).rejects.toBeInstanceOf(
        InvalidInputError,
      );
    }
    for (const upn of [
      '*)(objectClass=*)',
      'a\\,b',
      "x' or 1 eq 1",
      'a@b.com; Remove-Mailbox x',
      'megan\u0000@contoso.com',
      `${'x'.repeat(300)}@contoso.com`,
    ]) {
      await expect(h.files.addSiteAdmin(adeleSite, upn), upn).rejects.toBeInstanceOf(InvalidInputError);
    }
    expect(h.sandbox.requestLog.all().length).toBe(before);
    expect(h.sandbox.snapshot()).toEqual(initial);
  });

  it("treats O'Brien-style addresses as data", async () => {
    const outcome = await settle(h.files.addSiteAdmin(adeleSite, "o'brien@contoso.com"));
    expect(outcome).toBeInstanceOf(Error);
    expect(h.sandbox.snapshot()).toEqual(initial);
  });
});

describe('SharePoint credentials', () => {
  it('refuses a client secret outside sandbox mode with a clear message', () => {
    const auth = new EntraAppAuth({
      tenantId: h.sandbox.credentials.tenantId,
      clientId: h.sandbox.credentials.clientId,
      credential: { kind: 'secret', clientSecret: h.sandbox.credentials.clientSecret },
      logger: pino({ level: 'silent' }),
    });
    expect(
      () =>
        new SharePointFiles({
          graph: h.graph,
          tokenSource: auth,
          adminUrl: ADMIN_URL,
          logger: pino({ level: 'silent' }),
        }),
    ).toThrow(/requires a certificate/);
  });

  it('gets the service refusal for a secret-based token in sandbox mode, as SharePoint Online does', async () => {
    const auth = new EntraAppAuth({
      tenantId: h.sandbox.credentials.tenantId,
      clientId: h.sandbox.credentials.clientId,
      credential: { kind: 'secret', clientSecret: h.sandbox.credentials.clientSecret },
      authorityHost: h.sandbox.urls.authorityHost,
      isSandbox: true,
      logger: h.logger,
    });
    const files = new SharePointFiles({
      graph: h.graph,
      tokenSource: auth,
      adminUrl: ADMIN_URL,
      sandboxBaseUrl: h.sandbox.baseUrl,
      logger: h.logger,
    });
    await expect(files.addSiteAdmin(adeleSite, 'megan.bowen@contoso.com')).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
    expect(h.sandbox.snapshot()).toEqual(initial);
  });
});

describe('SharePoint connector logs', () => {
  it('carry request ids and never a token, assertion or secret', async () => {
    await h.files.listSiteAdmins(adeleSite);
    const lines = h.logLines.filter((line) => line.includes('"sharepoint request"'));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.includes('"requestId"'))).toBe(true);
    expect(findLeaks(h.logLines, h.secrets())).toEqual([]);
  });
});
