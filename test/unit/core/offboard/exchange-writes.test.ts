/**
 * Exchange writes of a bulk offboarding with the default options, counted in the sandbox's request log:
 * the leaver's own mailbox settings go in one Set-Mailbox (Exchange counts every write against its
 * 120-per-60-s destructive-cmdlet budget), each setting still journaled on its own.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/app/config.js';
import { createServices, type Services } from '../../../../src/app/wiring.js';
import type { Principal } from '../../../../src/core/model.js';
import { startSandbox, type Sandbox } from '../../../../src/sandbox/index.js';
import { openMemoryStore } from '../../../../src/store/index.js';
import { RecordingGateway } from '../../../support/recording-gateway.js';

const LEAVERS = 8;

describe('Exchange writes of a bulk offboarding (real connectors against the sandbox)', () => {
  let sandbox: Sandbox;
  let services: Services;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, tenant: { users: LEAVERS } });
    const config = loadConfig({
      LIFECYCLE_MODE: 'sandbox',
      SANDBOX_URL: sandbox.baseUrl,
      PORT: '0',
      LOG_LEVEL: 'silent',
      MAX_USERS_PER_REQUEST: String(LEAVERS),
    });
    services = await createServices(config, {
      store: await openMemoryStore(),
      gateway: new RecordingGateway(),
      logger: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await services.coordinator.idle();
    await services.store.close();
    await sandbox.close();
  });

  it(
    'makes one Set-Mailbox per leaver for type and visibility, at most 2.5 mailbox writes per leaver besides Set-CASMailbox, each setting journaled',
    { timeout: 300_000 },
    async () => {
      const actor: Principal = {
        aadObjectId: 'cli:test',
        tenantId: services.deps.tenantId,
        displayName: 'test',
      };
      const upns = (sandbox.generated?.userIds ?? []).map(
        (id) => sandbox.state.directory.getUser(id)?.userPrincipalName ?? id,
      );
      expect(upns).toHaveLength(LEAVERS);
      const leavers = upns.map((upn, i) => ({
        line: i + 2,
        userPrincipalName: upn,
        delegate: 'megan.bowen@contoso.com',
      }));
      sandbox.requestLog.clear();
      const prepared = await services.bulk.offboard.prepare(actor, leavers, { isRequesterChecked: false });
      if (prepared.kind !== 'preview') throw new Error(`prepare: ${prepared.kind}`);
      // The list's one delegate is looked up once, not once per leaver.
      const delegateLookups = sandbox.requestLog
        .find({ service: 'graph' })
        .filter((e) => e.method === 'GET' && /\/users\/megan\.bowen@contoso\.com$/i.test(e.path));
      expect(delegateLookups).toHaveLength(1);
      const parent = await services.bulk.offboard.createRequest(actor, prepared.preview, 'test', 0);
      const confirmed = await services.deps.requestService.confirm(actor, parent.id, parent.version);
      if (!confirmed.isDone) throw new Error(confirmed.message);
      sandbox.requestLog.clear();
      const report = await services.bulk.runner.execute(confirmed.request, {});
      expect(report.results.map((r) => r.status)).toEqual(upns.map(() => 'completed'));

      const writes = sandbox.requestLog.find({ service: 'exchange' }).filter((e) => e.operation !== null);
      expect(writes.every((e) => e.status >= 200 && e.status < 300)).toBe(true);
      const count = (operation: string) => writes.filter((e) => e.operation === operation).length;
      // Per leaver: the delegate's FullAccess, one Set-Mailbox, the mail-client protocols (Set-CASMailbox,
      // a cmdlet of its own); the rest are the leaver's rights removed from other mailboxes.
      expect(count('exo.set-mailbox')).toBe(LEAVERS);
      expect(count('exo.add-mailbox-permission')).toBe(LEAVERS);
      expect(count('exo.set-cas-mailbox')).toBe(LEAVERS);
      const mailboxWrites = writes.length - count('exo.set-cas-mailbox');
      expect(mailboxWrites / LEAVERS).toBeLessThanOrEqual(2.5);
      // A write's target names the identity and the parameters sent (lower-cased).
      for (const upn of upns) {
        const own = writes.filter(
          (e) => e.operation === 'exo.set-mailbox' && (e.target ?? '').startsWith(`${upn.toLowerCase()}|`),
        );
        expect(own.map((e) => e.target?.split('|').at(-1))).toEqual(['hiddenfromaddresslistsenabled,type']);
      }

      for (const result of report.results) {
        const journal = await services.store.journal.list(result.runId!);
        const applied = journal.filter((e) => e.stepId === 'exo.convert-to-shared' && e.phase === 'applied');
        expect(applied.map((e) => e.changeKey)).toEqual(['convert', 'hide']);
        expect(applied.find((e) => e.changeKey === 'hide')).toMatchObject({
          before: { hiddenFromAddressListsEnabled: false },
          after: { hiddenFromAddressListsEnabled: true },
        });
        expect(applied.find((e) => e.changeKey === 'convert')).toMatchObject({
          before: { recipientTypeDetails: 'UserMailbox' },
          after: { recipientTypeDetails: 'SharedMailbox' },
        });
      }
      for (const id of sandbox.generated?.userIds ?? []) {
        expect(sandbox.state.exchange.getMailbox(id)).toMatchObject({
          recipientTypeDetails: 'SharedMailbox',
          hiddenFromAddressListsEnabled: true,
        });
      }
    },
  );
});
