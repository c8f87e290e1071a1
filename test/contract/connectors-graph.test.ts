/**
 * The Entra ID capability ports on Graph (createGraphIdentity), run through msal-node and the Graph
 * SDK against the sandbox, every operation with read-back (through the connector and through the
 * sandbox's state).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, InvalidInputError, NotFoundError } from '../../src/core/errors.js';
import { GraphApi } from '../../src/connectors/graph/graph-api.js';
import { batchItemError, GraphBatch } from '../../src/connectors/graph/graph-batch.js';
import { seeded, skuIds, type TenantSnapshot } from '../../src/sandbox/index.js';
import { findLeaks, settle, startConnectorHarness, type ConnectorHarness } from './connectors-harness.js';

const U = seeded.users;
const G = seeded.groups;
let h: ConnectorHarness;
let initial: TenantSnapshot;

beforeAll(async () => {
  h = await startConnectorHarness();
  initial = h.sandbox.snapshot();
});
afterAll(async () => h.close());
beforeEach(() => {
  h.sandbox.restore(initial);
  h.sandbox.behaviours.disableAll();
});

const stateUser = (id: string) => h.sandbox.state.directory.getUser(id);

describe('GraphIdentity: lookups', () => {
  it('gets a user by id, UPN and mail, and null when absent', async () => {
    const byId = await h.users.getUser(U.adeleVance);
    expect(byId).toMatchObject({
      userPrincipalName: 'adele.vance@contoso.com',
      displayName: 'Adele Vance',
      isSynced: false,
      employeeId: 'E1001',
    });
    expect((await h.users.getUser('adele.vance@contoso.com'))?.id).toBe(U.adeleVance);
    expect(await h.users.getUser('10000000-0000-4000-8000-999999999999')).toBeNull();
    expect(await h.users.getUser('nobody@contoso.com')).toBeNull();
  });

  it('reports synced users with their on-premises names', async () => {
    expect(await h.users.getUser(U.gradyArchie)).toMatchObject({
      isSynced: true,
      onPremisesSamAccountName: 'grady.archie',
    });
  });

  it('resolves free text: exact name, namesakes as choices, unknown with suggestions', async () => {
    expect(await h.users.resolveUser('Adele Vance')).toMatchObject({
      kind: 'found',
      user: { id: U.adeleVance },
    });
    expect(await h.users.resolveUser('adele.vance@contoso.com')).toMatchObject({
      kind: 'found',
      user: { id: U.adeleVance },
    });
    expect(await h.users.resolveUser(U.gradyArchie)).toMatchObject({
      kind: 'found',
      user: { id: U.gradyArchie },
    });
    const namesakes = await h.users.resolveUser('Alex Johnson');
    expect(namesakes.kind).toBe('ambiguous');
    expect(namesakes.kind === 'ambiguous' && namesakes.choices.map((u) => u.id).sort()).toEqual([
      U.alexJohnsonSales,
      U.alexJohnsonFinance,
    ]);
    const unknown = await h.users.resolveUser('Adele Vancey-Smythe');
    expect(unknown.kind).toBe('not-found');
    expect(unknown.kind === 'not-found' && unknown.suggestions.map((u) => u.id)).toContain(U.adeleVance);
    const typo = await h.users.resolveUser('adele.vanse@contoso.com');
    expect(typo.kind === 'not-found' && typo.suggestions.map((u) => u.id)).toContain(U.adeleVance);
  });

  it('finds users by employee id', async () => {
    expect((await h.users.findByEmployeeId('E1003')).map((u) => u.id)).toEqual([U.gradyArchie]);
    expect(await h.users.findByEmployeeId('E9999')).toEqual([]);
  });

  it('reads manager, manager chain and direct reports; no manager is null', async () => {
    expect((await h.users.getManager(U.adeleVance))?.id).toBe(U.meganBowen);
    expect(await h.users.getManager(U.saraDavis)).toBeNull();
    expect((await h.users.getManagerChain(U.adeleVance)).map((u) => u.id)).toEqual([
      U.meganBowen,
      U.saraDavis,
    ]);
    expect((await h.users.getManagerChain(U.adeleVance, 1)).map((u) => u.id)).toEqual([U.meganBowen]);
    expect((await h.users.getDirectReports(U.meganBowen)).map((u) => u.id)).toEqual(
      expect.arrayContaining([U.adeleVance, U.johannaLorenz]),
    );
  });
});

describe('GraphIdentity: sign-in', () => {
  it('disables and re-enables an account, idempotently', async () => {
    await h.accounts.setAccountEnabled(U.adeleVance, false);
    await h.accounts.setAccountEnabled(U.adeleVance, false);
    expect((await h.users.getUser(U.adeleVance))?.accountEnabled).toBe(false);
    await h.accounts.setAccountEnabled(U.adeleVance, true);
    expect(stateUser(U.adeleVance)?.accountEnabled).toBe(true);
  });

  it('revokes sign-in sessions', async () => {
    const before = Date.parse(stateUser(U.adeleVance)?.signInSessionsValidFromDateTime ?? '');
    await h.accounts.revokeSignInSessions(U.adeleVance);
    expect(Date.parse(stateUser(U.adeleVance)?.signInSessionsValidFromDateTime ?? '')).toBeGreaterThan(
      before,
    );
  });

  it('resets the password of cloud-only users and refuses synced users', async () => {
    const before = stateUser(U.adeleVance)?.lastPasswordChangeDateTime;
    await h.accounts.resetPassword(U.adeleVance);
    expect(stateUser(U.adeleVance)?.lastPasswordChangeDateTime).not.toBe(before);
    expect(stateUser(U.adeleVance)?.forceChangePasswordNextSignIn).toBe(true);
    const synced = stateUser(U.gradyArchie)?.lastPasswordChangeDateTime;
    await expect(h.accounts.resetPassword(U.gradyArchie)).rejects.toBeInstanceOf(ConflictError);
    expect(stateUser(U.gradyArchie)?.lastPasswordChangeDateTime).toBe(synced);
  });

  it('refuses, with a clear ConflictError, a password reset of a user mastered by another service', async () => {
    // The sandbox's control API marks Nestor as mastered by an external service.
    const control = await fetch(`${h.sandbox.urls.control}/users/mastering`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: U.nestorWilke, source: 'externalService' }),
    });
    expect(control.status).toBe(200);
    const before = stateUser(U.nestorWilke)?.lastPasswordChangeDateTime;
    const error = await h.accounts.resetPassword(U.nestorWilke).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/refused: the object is mastered by another service/);
    expect(stateUser(U.nestorWilke)?.lastPasswordChangeDateTime).toBe(before);
  });

  it('sets the usage location and refuses a malformed one', async () => {
    await h.accounts.setUsageLocation(U.tomasNovak, 'de');
    expect((await h.users.getUser(U.tomasNovak))?.usageLocation).toBe('DE');
    await expect(h.accounts.setUsageLocation(U.tomasNovak, 'Germany')).rejects.toBeInstanceOf(
      InvalidInputError,
    );
  });
});

describe('GraphIdentity: licences', () => {
  it('reads direct and group-inherited licences and the seat stock', async () => {
    const licences = await h.licences.getLicences(U.adeleVance);
    expect(licences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ skuId: skuIds.SPE_E3, assignedByGroup: null }),
        expect.objectContaining({ skuId: skuIds.EMSPREMIUM, assignedByGroup: G.licensingEms }),
      ]),
    );
    const skus = await h.licences.listSubscribedSkus();
    const e3 = skus.find((s) => s.skuId === skuIds.SPE_E3);
    expect(e3?.enabledUnits).toBeGreaterThan(0);
    expect(e3?.consumedUnits).toBeGreaterThan(0);
  });

  it('removes and re-assigns a direct licence, idempotently, and moves the stock', async () => {
    const consumed = async () =>
      (await h.licences.listSubscribedSkus()).find((s) => s.skuId === skuIds.POWER_BI_PRO)?.consumedUnits ??
      -1;
    const before = await consumed();
    await h.licences.assignLicences(U.adeleVance, [], [skuIds.POWER_BI_PRO]);
    await h.licences.assignLicences(U.adeleVance, [], [skuIds.POWER_BI_PRO]);
    expect((await h.licences.getLicences(U.adeleVance)).some((l) => l.skuId === skuIds.POWER_BI_PRO)).toBe(
      false,
    );
    expect(await consumed()).toBe(before - 1);
    await h.licences.assignLicences(U.adeleVance, [{ skuId: skuIds.POWER_BI_PRO }], []);
    expect((await h.licences.getLicences(U.adeleVance)).some((l) => l.skuId === skuIds.POWER_BI_PRO)).toBe(
      true,
    );
  });

  it('refuses to remove a group-inherited licence directly', async () => {
    await expect(h.licences.assignLicences(U.adeleVance, [], [skuIds.EMSPREMIUM])).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('needs a usage location before assigning', async () => {
    await expect(
      h.licences.assignLicences(U.sofiaRossi, [{ skuId: skuIds.EXCHANGESTANDARD }], []),
    ).rejects.toBeInstanceOf(ConflictError);
    await h.accounts.setUsageLocation(U.sofiaRossi, 'US');
    await h.licences.assignLicences(U.sofiaRossi, [{ skuId: skuIds.EXCHANGESTANDARD }], []);
    expect((await h.licences.getLicences(U.sofiaRossi)).map((l) => l.skuId)).toEqual([
      skuIds.EXCHANGESTANDARD,
    ]);
  });
});

describe('GraphIdentity: groups', () => {
  it('lists every membership with its kind, none skipped', async () => {
    const memberships = await h.groups.listMemberships(U.adeleVance);
    const byId = new Map(memberships.map((m) => [m.id, m]));
    expect(byId.get(G.salesTeam)).toMatchObject({ kind: 'microsoft365', isTeam: true });
    expect(byId.get(G.retailSecurity)).toMatchObject({
      kind: 'security',
      isDynamic: false,
      isSynced: false,
      isMailEnabled: false,
    });
    expect(byId.get(G.allSalesDynamic)).toMatchObject({ isDynamic: true });
    expect(byId.get(G.salesSynced)).toMatchObject({ isSynced: true });
    expect(byId.get(G.salesDistribution)).toMatchObject({ kind: 'distribution', isMailEnabled: true });
    expect(byId.has(G.licensingEms)).toBe(true);
  });

  it('removes and re-adds a cloud membership, idempotently, with read-back', async () => {
    await h.groups.removeGroupMember(G.retailSecurity, U.adeleVance);
    await h.groups.removeGroupMember(G.retailSecurity, U.adeleVance);
    expect((await h.groups.listMemberships(U.adeleVance)).some((m) => m.id === G.retailSecurity)).toBe(false);
    await h.groups.addGroupMember(G.retailSecurity, U.adeleVance);
    await h.groups.addGroupMember(G.retailSecurity, U.adeleVance);
    expect((await h.groups.listMemberships(U.adeleVance)).some((m) => m.id === G.retailSecurity)).toBe(true);
  });

  it('refuses dynamic, synced and mail-enabled groups with ConflictError and changes nothing', async () => {
    for (const group of [G.allSalesDynamic, G.salesSynced, G.salesDistribution]) {
      await expect(h.groups.removeGroupMember(group, U.adeleVance), group).rejects.toBeInstanceOf(
        ConflictError,
      );
    }
    expect(h.sandbox.snapshot()).toEqual(initial);
  });
});

describe('GraphIdentity: mail, Teams, deletion', () => {
  it('sets and reads back scheduled automatic replies', async () => {
    await h.autoReplies.setAutomaticReplies(U.adeleVance, {
      status: 'scheduled',
      externalAudience: 'all',
      internalReplyMessage: '<p>Adele has left. Contact Megan Bowen.</p>',
      externalReplyMessage: '<p>Adele has left the company.</p>',
      scheduledStartDateTime: '2026-12-31T17:00:00.000Z',
      scheduledEndDateTime: '2027-03-31T17:00:00.000Z',
    });
    expect(await h.autoReplies.getAutomaticReplies(U.adeleVance)).toEqual({
      status: 'scheduled',
      externalAudience: 'all',
      internalReplyMessage: '<p>Adele has left. Contact Megan Bowen.</p>',
      externalReplyMessage: '<p>Adele has left the company.</p>',
      scheduledStartDateTime: '2026-12-31T17:00:00.000Z',
      scheduledEndDateTime: '2027-03-31T17:00:00.000Z',
    });
  });

  it('sends mail from the bot mailbox', async () => {
    const count = h.sandbox.state.teams.sentMail().length;
    await h.messaging.sendMail(U.lifecycleBot, {
      to: ['megan.bowen@contoso.com'],
      subject: 'Handover of Adele Vance',
      html: '<p>You now have access.</p>',
    });
    const sent = h.sandbox.state.teams.sentMail();
    expect(sent).toHaveLength(count + 1);
    expect(JSON.stringify(sent.at(-1))).toContain('Handover of Adele Vance');
    await expect(
      h.messaging.sendMail(U.lifecycleBot, { to: ['not an address'], subject: 'x', html: 'x' }),
    ).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('installs the Teams app once; a second install reports false', async () => {
    expect(await h.messaging.installTeamsApp(U.meganBowen, seeded.teamsApp.manifestId)).toBe(true);
    expect(await h.messaging.installTeamsApp(U.meganBowen, seeded.teamsApp.manifestId)).toBe(false);
    expect(h.sandbox.state.teams.installedApps(U.meganBowen).map((a) => a.teamsAppId)).toContain(
      seeded.teamsApp.catalogId,
    );
    await expect(
      h.messaging.installTeamsApp(U.meganBowen, '99999999-9999-4999-8999-999999999999'),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('deletes and restores a user, both idempotently', async () => {
    expect(await h.accounts.getDeletedUser(U.christieCline)).toBeNull();
    await h.accounts.deleteUser(U.christieCline);
    await h.accounts.deleteUser(U.christieCline);
    expect(await h.users.getUser(U.christieCline)).toBeNull();
    const deleted = await h.accounts.getDeletedUser(U.christieCline);
    expect(deleted).toMatchObject({ id: U.christieCline, displayName: 'Christie Cline' });
    expect(deleted?.userPrincipalName.toLowerCase()).toContain('christie');
    expect(Number.isNaN(Date.parse(deleted?.deletedDateTime ?? ''))).toBe(false);
    await h.accounts.restoreUser(U.christieCline);
    await h.accounts.restoreUser(U.christieCline);
    expect((await h.users.getUser(U.christieCline))?.displayName).toBe('Christie Cline');
    expect(await h.accounts.getDeletedUser(U.christieCline)).toBeNull();
    await expect(h.accounts.deleteUser('10000000-0000-4000-8000-999999999999')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('Graph $batch helper', () => {
  it('runs reads and a dependent write in one round trip and maps item errors', async () => {
    const batch = GraphBatch.forApi(new GraphApi(h.graph));
    const results = await batch.run([
      { id: 'adele', method: 'GET', url: `/users/${U.adeleVance}?$select=id,accountEnabled` },
      { id: 'disable', method: 'PATCH', url: `/users/${U.adeleVance}`, body: { accountEnabled: false } },
      {
        id: 'read-back',
        method: 'GET',
        url: `/users/${U.adeleVance}?$select=accountEnabled`,
        dependsOn: ['disable'],
      },
      { id: 'missing', method: 'GET', url: '/users/10000000-0000-4000-8000-999999999999' },
    ]);
    expect(results.get('adele')?.status).toBe(200);
    expect(results.get('disable')?.status).toBe(204);
    expect(results.get('read-back')?.body).toMatchObject({ accountEnabled: false });
    expect(batchItemError(results.get('missing')!, 'Read user')).toBeInstanceOf(NotFoundError);
  });
});

describe('Graph connector logs', () => {
  it('carry request ids and never a token, assertion, secret or password', async () => {
    await h.accounts.resetPassword(U.adeleVance);
    await h.users.getUser(U.adeleVance);
    const graphLines = h.logLines.filter((line) => line.includes('"graph request"'));
    expect(graphLines.length).toBeGreaterThan(0);
    expect(
      graphLines.every((line) => line.includes('"clientRequestId"') && line.includes('"requestId"')),
    ).toBe(true);
    expect(findLeaks(h.logLines, h.secrets())).toEqual([]);
  });
});

/** Hostile values travel only as data: they find nothing, or are refused, and change nothing. */
const HOSTILE = [
  '*)(objectClass=*)',
  'a\\,b',
  "O'Brien",
  "x' or 1 eq 1",
  'a@b.com; Remove-Mailbox x',
  "') or displayName ne null or startswith(displayName,'",
  'x'.repeat(300),
];

describe('GraphIdentity: hostile input', () => {
  it('resolves hostile text to nothing and leaves the tenant untouched', async () => {
    for (const value of HOSTILE) {
      const result = await settle(h.users.resolveUser(value));
      if (result instanceof Error) expect(result, value).toBeInstanceOf(InvalidInputError);
      else expect(result.kind === 'found', value).toBe(false);
      const byEmployeeId = await settle(h.users.findByEmployeeId(value));
      if (byEmployeeId instanceof Error) expect(byEmployeeId, value).toBeInstanceOf(InvalidInputError);
      else expect(byEmployeeId, value).toEqual([]);
    }
    expect(h.sandbox.snapshot()).toEqual(initial);
  });

  it("escapes a quote so O'Brien is a value, not syntax", async () => {
    // A match-nothing lookup proves the filter parsed: an unescaped quote would be a 400.
    expect(await h.users.getUser("o'brien@contoso.com")).toBeNull();
    expect(await h.users.findByEmployeeId("E1001' or employeeId eq 'E1003")).toEqual([]);
  });

  it('refuses NUL and very long values with InvalidInputError before any request', async () => {
    const before = h.sandbox.requestLog.all().length;
    await expect(h.users.resolveUser('Adele\u0000Vance')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(h.users.getUser('adele.vance@contoso.com\u0000')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(h.users.resolveUser('A'.repeat(5000))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(h.groups.removeGroupMember("x' or 1 eq 1", U.adeleVance)).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(h.sandbox.requestLog.all().length).toBe(before);
  });

  it('stores a hostile reply text verbatim on the target and changes nothing else', async () => {
    const hostile = "x' or 1 eq 1 <b>*)(objectClass=*)</b> a\\,b; Remove-Mailbox x";
    await h.autoReplies.setAutomaticReplies(U.adeleVance, {
      status: 'alwaysEnabled',
      internalReplyMessage: hostile,
      externalAudience: 'none',
    });
    expect((await h.autoReplies.getAutomaticReplies(U.adeleVance)).internalReplyMessage).toBe(hostile);
    const withHostile = JSON.stringify(h.sandbox.snapshot());
    h.sandbox.restore(initial);
    await h.autoReplies.setAutomaticReplies(U.adeleVance, {
      status: 'alwaysEnabled',
      internalReplyMessage: 'plain',
      externalAudience: 'none',
    });
    const withPlain = JSON.stringify(h.sandbox.snapshot());
    // Same writes with a plain text give the same tenant, byte for byte, apart from the text itself.
    expect(withHostile.split(JSON.stringify(hostile).slice(1, -1)).join('plain')).toBe(withPlain);
  });
});
