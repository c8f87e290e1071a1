/**
 * The synced (hybrid) leaver, end to end through the Agents Playground: AD steps run against a real
 * Samba AD domain controller over LDAPS, the cloud steps against the sandbox. A throw-away AD user is
 * paired with a synced user in the sandbox, so the test can run again against the same cached DC.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EqualityFilter } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seeded, skuIds } from '../../src/sandbox/index.js';
import { makeDrive, makeMailbox, makeUser } from '../../src/sandbox/seed/builders.js';
import { startDevStack, type DevStack } from '../support/dev-stack.js';
import { expectOffboarded } from '../support/offboard-assertions.js';
import { cardHasText, findAction, PlaygroundClient } from '../support/playground-client.js';
import { createTestUser, deleteTestUsers, started, withAdmin, type TestUser } from './ad/ad-fixtures.js';

const group = 'lifecycle-group-chat';
const operator = '29:isaiah-langer';
const approver = '29:joni-sherman';
const leaverId = '7e570000-0000-4000-8000-000000000001';
const ACCOUNTDISABLE = 0x2;
const DONT_EXPIRE_PASSWORD = 0x10000;

describe.skipIf(started.dc === undefined)(
  'offboarding a synced leaver (Samba AD DC + sandbox + playground)',
  () => {
    let stack: DevStack;
    let pg: PlaygroundClient;
    let adUser: TestUser;

    beforeAll(async () => {
      const dc = started.dc;
      if (!dc) throw new Error(started.skipReason);
      adUser = await createTestUser(dc, { cn: 'Synced Leaver' });
      const caFile = join(mkdtempSync(join(tmpdir(), 'lifecycle-ca-')), 'ca.pem');
      writeFileSync(caFile, dc.caPem);
      stack = await startDevStack({
        env: {
          AD_URL: dc.url,
          AD_BIND_DN: dc.bindDn,
          AD_BIND_PASSWORD: dc.bindPassword,
          AD_BASE_DN: dc.baseDn,
          AD_DISABLED_OU: dc.disabledOuDn,
          AD_CA_FILE: caFile,
          AD_TLS_SERVER_NAME: dc.tlsServerName,
        },
      });
      stack.sandbox.state.seed((t) => {
        const user = makeUser(t.info, {
          id: leaverId,
          alias: adUser.sAMAccountName,
          displayName: adUser.cn,
          jobTitle: 'Account Executive',
          department: 'Sales',
          managerId: seeded.users.leeGu,
          employeeId: adUser.employeeId,
          licences: [{ skuId: skuIds.SPE_E3, disabledPlans: [] }],
          synced: { samAccountName: adUser.sAMAccountName, ou: 'OU=Staff' },
        });
        t.directory.addUser(user);
        t.exchange.addMailbox(makeMailbox(t.info, user, {}));
        t.sharing.addDrive(makeDrive(t.info, user));
      });
      pg = new PlaygroundClient(stack.playgroundUrl);
      await pg.connect();
    }, 240_000);

    afterAll(async () => {
      pg.close();
      await stack.close();
      if (started.dc) await deleteTestUsers(started.dc, [adUser]);
    });

    it('disables, stamps, hides, strips groups and moves the AD account, then finishes the cloud steps', async () => {
      const dc = started.dc;
      if (!dc) throw new Error('no DC');
      const startedAt = new Date().toISOString();
      await pg.send(group, operator, `offboard ${adUser.userPrincipalName}`, true);
      const request = await pg.waitFor(
        (m) => m.conversationId === group && m.cards.some((c) => cardHasText(c, `Offboard ${adUser.cn}`)),
      );
      const requestCard = request.cards[0];
      expect(JSON.stringify(requestCard)).toContain('Synced from on-premises AD');
      expect(JSON.stringify(requestCard)).toContain('Disable the AD account');
      const confirm = findAction(requestCard, 'Confirm');
      if (!confirm) throw new Error('no Confirm');
      const requestId = String(confirm.data['requestId']);
      await pg.click(group, operator, request.messageId, confirm.verb, confirm.data);
      const approval = await pg.waitFor(
        (m) =>
          m.conversationId === group &&
          m.cards.some((c) => cardHasText(c, 'approval needed') && cardHasText(c, requestId)),
      );
      const approve = findAction(approval.cards[0], 'Approve');
      if (!approve) throw new Error('no Approve');
      await pg.click(group, approver, approval.messageId, approve.verb, approve.data);
      const summary = await pg.waitFor(
        (m) =>
          m.conversationId === group &&
          m.cards.some((c) => cardHasText(c, 'JSON export') && cardHasText(c, requestId)),
        180_000,
      );
      expect(JSON.stringify(summary.cards[0])).toContain('Completed');

      const account = await withAdmin(dc, async (client) => {
        const { searchEntries } = await client.search(dc.baseDn, {
          filter: new EqualityFilter({ attribute: 'sAMAccountName', value: adUser.sAMAccountName }),
          attributes: ['userAccountControl', 'description', 'memberOf', 'msExchHideFromAddressLists'],
        });
        return searchEntries[0];
      });
      if (!account) throw new Error('AD account not found');
      const uac = Number(account['userAccountControl']);
      expect(uac & ACCOUNTDISABLE).toBe(ACCOUNTDISABLE);
      expect(uac & DONT_EXPIRE_PASSWORD).toBe(DONT_EXPIRE_PASSWORD);
      expect(String(account['description'])).toBe(`Offboarded ${startedAt.slice(0, 10)} ${requestId}`);
      expect([account['memberOf'] ?? []].flat()).toEqual([]);
      expect(String(account['msExchHideFromAddressLists']).toUpperCase()).toBe('TRUE');
      expect(account.dn.toLowerCase().endsWith(dc.disabledOuDn.toLowerCase())).toBe(true);

      expectOffboarded(stack.sandbox, {
        leaverId,
        delegateId: seeded.users.leeGu,
        startedAt,
        directSkuIds: [skuIds.SPE_E3],
      });
    }, 300_000);
  },
);
