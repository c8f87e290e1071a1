/**
 * Joiners from an AD group (seed 002: O365_Provision, O365_License, extensionAttribute1 decides the
 * licence), end to end: members of a group on a real Samba AD DC are read over LDAPS by the
 * `joiners.ad-group` job, provisioned in the sandbox tenant through the provisioning batch (licence,
 * mailbox) and moved to the licensed group; one with an unknown licence value stays in the group, is
 * reported to the IT channel once, and is provisioned on a later run after its attribute is fixed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAdGroupJoiners } from '../../src/app/ad-joiners-wiring.js';
import { escapeDnValue } from '../../src/connectors/ldap/dn.js';
import { LdapGroupMembers } from '../../src/connectors/ldap/ldap-group-members.js';
import { adGroupJoinersJobName } from '../../src/core/provision/ad-group-joiners.js';
import { skuIds } from '../../src/sandbox/index.js';
import { makeMailbox } from '../../src/sandbox/seed/builders.js';
import { itChannelId, startProvisionHarness, type ProvisionHarness } from '../contract/provision-harness.js';
import { ensureExtensionAttribute1 } from '../support/samba-extension-attributes.js';
import {
  adminModify,
  createTestUser,
  deleteTestUsers,
  DONT_EXPIRE_PASSWORD,
  NORMAL_ACCOUNT,
  readAttributes,
  started,
  withAdmin,
  type TestUser,
} from './ad/ad-fixtures.js';

describe.skipIf(started.dc === undefined)('joiners from an AD group (Samba AD DC + sandbox)', () => {
  const id = randomBytes(3).toString('hex');
  let provisionGroupDn: string;
  let licensedGroupDn: string;
  let h: ProvisionHarness;
  const users: TestUser[] = [];

  /** A member of the provision group with extensionAttribute1, paired with its synced Entra account. */
  async function joiner(
    cn: string,
    licence: string,
    entra: { isLicensed?: boolean } = {},
  ): Promise<TestUser> {
    const dc = started.dc;
    if (!dc) throw new Error('no DC');
    const user = await createTestUser(dc, { cn, groupDns: [provisionGroupDn] });
    users.push(user);
    await adminModify(dc, user.dn, 'extensionAttribute1', [licence]);
    h.addJoiner({
      alias: user.sAMAccountName,
      displayName: user.cn,
      employeeId: user.employeeId,
      synced: { samAccountName: user.sAMAccountName, ou: 'OU=Staff' },
      ...(entra.isLicensed && { licences: [{ skuId: skuIds.EXCHANGESTANDARD, disabledPlans: [] }] }),
    });
    if (entra.isLicensed) {
      h.sandbox.state.seed((t) => {
        const synced = t.directory.getUser(user.userPrincipalName);
        if (synced) t.exchange.addMailbox(makeMailbox(t.info, synced));
      });
    }
    return user;
  }

  const membersOf = async (groupDn: string): Promise<string[]> => {
    const dc = started.dc;
    if (!dc) throw new Error('no DC');
    return (await readAttributes(dc, groupDn, ['member']))['member']?.map((dn) => dn.toLowerCase()) ?? [];
  };
  const channelCards = (): string[] =>
    h.gateway.messages
      .filter((m) => m.conversationId === itChannelId)
      .map((m) => JSON.stringify(h.gateway.cardOf(m)));

  beforeAll(async () => {
    const dc = started.dc;
    if (!dc) throw new Error(started.skipReason);
    await ensureExtensionAttribute1(dc, withAdmin);
    // Commas, parentheses and an asterisk: the DN is escaped, and the filter carries it as data.
    provisionGroupDn = `CN=${escapeDnValue(`O365_Provision (joiners), ${id}*`)},${dc.groupsOuDn}`;
    licensedGroupDn = `CN=${escapeDnValue(`O365_License ${id}`)},${dc.groupsOuDn}`;
    await withAdmin(dc, async (client) => {
      for (const [dn, sam] of [
        [provisionGroupDn, `o365-provision-${id}`],
        [licensedGroupDn, `o365-license-${id}`],
      ] as const) {
        await client.add(dn, { objectClass: ['top', 'group'], sAMAccountName: sam });
      }
    });
    const caFile = join(mkdtempSync(join(tmpdir(), 'lifecycle-ca-')), 'ca.pem');
    writeFileSync(caFile, dc.caPem);
    h = await startProvisionHarness({
      // No default licence: a joiner whose extensionAttribute1 matches no rule is refused.
      mapping: { default: null },
      env: {
        AD_URL: dc.url,
        AD_BIND_DN: dc.bindDn,
        AD_BIND_PASSWORD: dc.bindPassword,
        AD_BASE_DN: dc.baseDn,
        AD_CA_FILE: caFile,
        AD_TLS_SERVER_NAME: dc.tlsServerName,
        JOINERS_AD_GROUP_DN: provisionGroupDn,
        JOINERS_AD_FOLLOW_UP: `move:${licensedGroupDn}`,
        JOINERS_AD_SCHEDULE: '*/10 * * * *',
      },
    });
  }, 240_000);

  afterAll(async () => {
    await h.close();
    const dc = started.dc;
    if (!dc) return;
    await deleteTestUsers(dc, users);
    await withAdmin(dc, async (client) => {
      for (const dn of [provisionGroupDn, licensedGroupDn]) await client.del(dn);
    });
  });

  it('provisions the members, moves them to the licensed group, and keeps a failure for the next run', async () => {
    const adJoiners = h.services.adJoiners;
    if (!adJoiners) throw new Error('the joiners.ad-group job was not built');
    expect(h.services.jobs.names).toContain(adGroupJoinersJobName);
    const e3 = await joiner('E3 Joiner', 'E3');
    const exo = await joiner('EXO Joiner', 'EXO');
    const intern = await joiner('Intern Joiner', 'Intern');

    // Read in pages of one user: every member, nothing else (not the licensed group's, not contacts).
    const dc = started.dc;
    if (!dc) throw new Error('no DC');
    const paged = new LdapGroupMembers({
      url: dc.url,
      bindDn: dc.bindDn,
      bindPassword: dc.bindPassword,
      baseDn: dc.baseDn,
      tlsCa: dc.caPem,
      tlsServerName: dc.tlsServerName,
      pageSize: 1,
      logger: pino({ level: 'silent' }),
    });
    const listed = await paged.listUserMembers(provisionGroupDn, ['extensionAttribute1']);
    expect(listed.map((m) => [m.userPrincipalName, m.attributes['extensionAttribute1']]).sort()).toEqual(
      [
        [e3.userPrincipalName, 'E3'],
        [exo.userPrincipalName, 'EXO'],
        [intern.userPrincipalName, 'Intern'],
      ].sort(),
    );

    const first = await adJoiners.run();
    expect(first.members).toBe(3);
    expect(first.provisioned.sort()).toEqual([e3.userPrincipalName, exo.userPrincipalName].sort());
    expect(first.failed).toEqual([
      {
        member: intern.userPrincipalName,
        error: `No licence rule matches ${intern.userPrincipalName} and the mapping has no default`,
      },
    ]);
    const tenant = h.sandbox.state;
    const e3User = tenant.directory.getUser(e3.userPrincipalName);
    const exoUser = tenant.directory.getUser(exo.userPrincipalName);
    if (!e3User || !exoUser) throw new Error('the joiners are not in the sandbox');
    expect(e3User.assignedLicenses.map((l) => l.skuId)).toEqual([skuIds.SPE_E3]);
    expect(exoUser.assignedLicenses.map((l) => l.skuId)).toEqual([skuIds.EXCHANGESTANDARD]);
    expect(tenant.exchange.getMailbox(e3User.id)).toBeDefined();
    expect(tenant.exchange.getMailbox(exoUser.id)).toBeDefined();
    expect(tenant.directory.getUser(intern.userPrincipalName)?.assignedLicenses).toEqual([]);
    expect(await membersOf(provisionGroupDn)).toEqual([intern.dn.toLowerCase()]);
    expect((await membersOf(licensedGroupDn)).sort()).toEqual(
      [e3.dn.toLowerCase(), exo.dn.toLowerCase()].sort(),
    );
    // Through the provisioning requests: journaled and audited like any run.
    const requests = await h.store.requests.listBySubject(e3.userPrincipalName, 5);
    expect(requests.map((r) => [r.kind, r.state, r.requester.aadObjectId])).toEqual([
      ['provision', 'completed', adGroupJoinersJobName],
    ]);
    const audit = await h.store.audit.list({ requestId: requests[0]?.id ?? '', limit: 50 });
    expect(audit.map((a) => a.type)).toEqual(
      expect.arrayContaining(['step.applied', 'joiner.group-follow-up']),
    );
    // One report: both provisioned, the intern's error with its diagnostic fields.
    const [report, ...moreReports] = channelCards();
    expect(moreReports).toEqual([]);
    expect(report).toContain(e3.userPrincipalName);
    expect(report).toContain(exo.userPrincipalName);
    expect(report).toContain(`No licence rule matches ${intern.userPrincipalName}`);

    // The same failure again: retried, still in the group, not reported twice.
    const second = await adJoiners.run();
    expect(second.failed.map((f) => f.member)).toEqual([intern.userPrincipalName]);
    expect(second.provisioned).toEqual([]);
    expect(channelCards()).toHaveLength(1);

    // IT fixes the attribute in AD: the next run provisions the intern.
    await adminModify(dc, intern.dn, 'extensionAttribute1', ['EXO']);
    const third = await adJoiners.run();
    expect(third.provisioned).toEqual([intern.userPrincipalName]);
    expect(third.failed).toEqual([]);
    expect(tenant.directory.getUser(intern.userPrincipalName)?.assignedLicenses.map((l) => l.skuId)).toEqual([
      skuIds.EXCHANGESTANDARD,
    ]);
    expect(await membersOf(provisionGroupDn)).toEqual([]);
    expect(await membersOf(licensedGroupDn)).toContain(intern.dn.toLowerCase());
    expect(channelCards()).toHaveLength(2);

    // Nothing left: an idle run changes and reports nothing.
    const idle = await adJoiners.run();
    expect(idle).toMatchObject({ members: 0, provisioned: [], failed: [] });
    expect(channelCards()).toHaveLength(2);
    expect((await h.services.jobs.list()).map((j) => j.name)).toContain(adGroupJoinersJobName);
  }, 300_000);

  it('with the remove follow-up, takes an already provisioned joiner out of the group without a second licence, leaves one still running alone, refuses one disabled in AD and lets one not yet synced wait', async () => {
    const dc = started.dc;
    if (!dc) throw new Error('no DC');
    const provisioning = h.services.provisioning;
    if (!provisioning) throw new Error('no provisioning');
    const removing = buildAdGroupJoiners(
      { groupDn: provisionGroupDn, schedule: '*/10 * * * *', followUp: { kind: 'remove' }, maxPerRun: 10 },
      {
        url: dc.url,
        bindDn: dc.bindDn,
        bindPassword: dc.bindPassword,
        baseDn: dc.baseDn,
        disabledOuDn: undefined,
        caPem: dc.caPem,
        tlsServerName: dc.tlsServerName,
      },
      {
        ports: h.services.ports,
        store: h.store,
        policy: h.services.deps.policy,
        provisioning,
        tenantId: h.sandbox.tenant.tenantId,
        logger: pino({ level: 'silent' }),
      },
    );
    const done = await joiner('Done Joiner', 'EXO', { isLicensed: true });
    const userId = h.sandbox.state.directory.getUser(done.userPrincipalName)?.id ?? '';
    const result = await removing.run();
    expect(result.provisioned).toEqual([done.userPrincipalName]);
    expect(await membersOf(provisionGroupDn)).toEqual([]);
    expect(await membersOf(licensedGroupDn)).not.toContain(done.dn.toLowerCase());
    const licenceWrites = h.sandbox.requestLog
      .find({ appliedOnly: true })
      .filter((e) => e.path.includes(userId) && e.method === 'POST');
    expect(licenceWrites).toEqual([]);
    const memberOf = await readAttributes(dc, done.dn, ['memberOf']);
    expect(memberOf['memberOf']).toEqual([]);

    // A member whose provisioning request of this job is still running (its run cut short by a crash,
    // waiting for the Runner's resume) is left alone: no second request, still in the group.
    const interrupted = await joiner('Interrupted Joiner', 'EXO');
    const requestService = h.services.deps.requestService;
    const entraId = h.sandbox.state.directory.getUser(interrupted.userPrincipalName)?.id ?? '';
    const running = await requestService.create({
      kind: 'provision',
      subject: {
        id: entraId,
        userPrincipalName: interrupted.userPrincipalName,
        displayName: interrupted.cn,
        isSynced: true,
      },
      options: {},
      requester: { aadObjectId: adGroupJoinersJobName, tenantId: h.sandbox.tenant.tenantId },
      approvalsRequired: 0,
    });
    await requestService.setState(running.id, 'approved');
    await requestService.setState(running.id, 'running', { runId: 'run-cut-short' });
    const skipped = await removing.run();
    expect(skipped).toMatchObject({
      provisioned: [],
      failed: [],
      running: [`${interrupted.userPrincipalName} (${running.id})`],
    });
    expect(await membersOf(provisionGroupDn)).toEqual([interrupted.dn.toLowerCase()]);
    expect((await h.store.requests.listBySubject(interrupted.userPrincipalName, 5)).map((r) => r.id)).toEqual(
      [running.id],
    );
    expect(h.sandbox.state.directory.getUser(interrupted.userPrincipalName)?.assignedLicenses).toEqual([]);

    // Disabled in AD: refused and reported. Not in Entra ID yet: waits in the group, not reported.
    const reportsBefore = channelCards().length;
    const disabled = await createTestUser(dc, {
      cn: 'Disabled Joiner',
      groupDns: [provisionGroupDn],
      userAccountControl: NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD | 0x2,
    });
    const unsynced = await createTestUser(dc, { cn: 'Unsynced Joiner', groupDns: [provisionGroupDn] });
    users.push(disabled, unsynced);
    const later = await removing.run();
    expect(later).toMatchObject({
      members: 3,
      provisioned: [],
      failed: [
        {
          member: disabled.userPrincipalName,
          error: 'The AD account is disabled: enable it, or take it out of the group',
        },
      ],
      waiting: [unsynced.userPrincipalName],
    });
    expect(later.running).toHaveLength(1);
    expect((await membersOf(provisionGroupDn)).sort()).toEqual(
      [interrupted.dn, disabled.dn, unsynced.dn].map((d) => d.toLowerCase()).sort(),
    );
    const newReports = channelCards().slice(reportsBefore);
    expect(newReports).toHaveLength(1);
    expect(newReports[0]).toContain(disabled.userPrincipalName);
    expect(newReports[0]).not.toContain(unsynced.userPrincipalName);
  }, 120_000);
});
