/**
 * Incident containment on PostgreSQL (issue 21): migrations 0002 (hash chain) and 0003 (the `contain`
 * kind) applied over a database that already holds requests, a containment driven through the bot
 * (TestAdapter, real connectors against the in-process sandbox) with its request, approvals, run and
 * journal stored in PostgreSQL and read back by a second instance, its chain verified, and rows edited
 * by hand detected, so that no proof pack is signed over them.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { loadConfig } from '../../src/app/config.js';
import { createServices, type Services } from '../../src/app/wiring.js';
import { buildProofPack } from '../../src/cli/proof-export.js';
import { proofPackText, verifyProofPack } from '../../src/core/proof/proof-pack.js';
import { seeded, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { openStore, type SqlStore } from '../../src/store/index.js';
import { migrate } from '../../src/store/migrate.js';
import { migrations as allMigrations } from '../../src/store/migrations/index.js';
import { PgClient } from '../../src/store/pg-client.js';
import type { SqlClient } from '../../src/store/sql-client.js';
import { SqlStore as Store } from '../../src/store/sql-store.js';
import {
  actionsOf,
  botDriver,
  cardIn,
  personas,
  settledReplies,
  type BotDriver,
} from '../support/bot-harness.js';
import { startTestPostgres } from '../support/postgres.js';
import { RecordingGateway } from '../support/recording-gateway.js';
import { aRequest } from './fixtures.js';

const server = await startTestPostgres();

afterAll(async () => {
  await server?.stop();
});

/** Edits evidence as someone with direct database access would: triggers off for one transaction. */
async function byHand(sql: SqlClient, table: string, statement: string, params: (string | number)[]) {
  await sql.transaction(async (tx) => {
    await tx.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    await tx.query(statement, params);
    await tx.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
  });
}

if (server === null) {
  describe.skip('incident containment on PostgreSQL (no PostgreSQL server could be started)', () => {
    it('stores a containment and verifies its chain', () => undefined);
  });
} else {
  const pgServer = server;

  describe('incident containment on PostgreSQL (migrations 0002 and 0003)', () => {
    let databaseUrl: string;
    let sandbox: Sandbox;
    let store: SqlStore;
    let services: Services;
    let bot: BotDriver;
    let earlierRequestId: string;
    let containId: string;
    const key = generateKeyPairSync('ed25519');
    const signingKey = { algorithm: 'Ed25519' as const, ...key };
    const publicKeyPem = String(key.publicKey.export({ type: 'spki', format: 'pem' }));

    beforeAll(async () => {
      databaseUrl = await pgServer.createDatabase(`contain_${randomUUID().replaceAll('-', '')}`);
      // A database of the release before containment: migrations 1 and 2, one offboarding with its chain.
      const early = await PgClient.open({ databaseUrl, maxConnections: 2 });
      const earlyStore = new Store(early);
      try {
        expect(
          await migrate(
            early,
            undefined,
            allMigrations.filter((m) => m.version <= 2),
          ),
        ).toEqual([1, 2]);
        const earlier = aRequest({ state: 'completed' });
        earlierRequestId = earlier.id;
        await earlyStore.requests.create(earlier);
        await earlyStore.audit.append({
          at: new Date().toISOString(),
          type: 'request.created',
          requestId: earlier.id,
          details: {},
        });
      } finally {
        await earlyStore.close();
      }
      // The bot opens it: migration 3 runs.
      store = await openStore({ databaseUrl });
      sandbox = await startSandbox({ port: 0 });
      const gateway = new RecordingGateway();
      const config = loadConfig({
        LIFECYCLE_MODE: 'sandbox',
        SANDBOX_URL: sandbox.baseUrl,
        PORT: '0',
        LOG_LEVEL: 'silent',
        INCIDENT_RESPONDER_GROUP_IDS: seeded.groups.lifecycleRequesters,
      });
      services = await createServices(config, { store, gateway, logger: pino({ level: 'silent' }) });
      bot = botDriver(services.app, settledReplies(services.deps.background, gateway));
    }, 120_000);

    afterAll(async () => {
      await services?.deps.background.idle();
      await services?.coordinator.idle();
      await store?.close();
      await sandbox?.close();
    });

    it('applies migration 3 over a database of migration 2 and keeps its requests and chains', async () => {
      const rows = await store.chains.keys();
      expect(rows).toContain(earlierRequestId);
      expect((await store.chains.verify(earlierRequestId)).isIntact).toBe(true);
      expect((await store.requests.get(earlierRequestId))?.kind).toBe('offboard');
      const check = await openStore({ databaseUrl });
      try {
        // Applied once: a second instance finds nothing to do and can store the new kind.
        const stored = aRequest({ kind: 'contain', options: { wipeCorporateDevices: true } });
        await check.requests.create(stored);
        expect(await store.requests.get(stored.id)).toMatchObject({
          kind: 'contain',
          options: { wipeCorporateDevices: true },
        });
      } finally {
        await check.close();
      }
    });

    it('refuses a kind the schema does not know', async () => {
      await expect(store.requests.create(aRequest({ kind: 'bogus' as never }))).rejects.toThrow();
    });

    it('stores a containment run through the bot, read back by another instance, with an intact chain', async () => {
      const card = cardIn(await bot.say(personas.operator, 'contain adele.vance@contoso.com'));
      const approve = actionsOf(card).find((a) => a.title === 'Approve');
      if (!approve) throw new Error(`no approval card: ${JSON.stringify(card)}`);
      containId = String(approve.data['requestId']);
      await bot.click(personas.operator2, approve.verb, approve.data);
      await services.coordinator.idle();
      expect(sandbox.state.directory.getUser(seeded.users.adeleVance)?.accountEnabled).toBe(false);

      const other = await openStore({ databaseUrl });
      try {
        const request = await other.requests.get(containId);
        expect(request).toMatchObject({
          kind: 'contain',
          state: 'completed',
          options: { wipeCorporateDevices: false },
          subject: { userPrincipalName: 'adele.vance@contoso.com' },
        });
        expect(request?.approvals.map((a) => a.approver.aadObjectId)).toEqual([
          personas.operator2.aadObjectId,
        ]);
        const run = await other.runs.get(request?.runId ?? '');
        expect(run?.plan.steps[0]?.stepId).toBe('entra.revoke-sessions');
        const journal = await other.journal.list(run?.id ?? '');
        const audit = await other.audit.list({ requestId: containId, limit: 1000 });
        expect(journal.length).toBeGreaterThan(10);
        expect((await other.requests.listBySubject('adele.vance@contoso.com')).map((r) => r.kind)).toEqual(
          expect.arrayContaining(['contain', 'offboard']),
        );
        expect(await other.chains.verify(containId)).toMatchObject({
          isIntact: true,
          length: audit.length + journal.length,
        });
        const built = await buildProofPack(other, containId, signingKey);
        if (built.kind !== 'pack') throw new Error(`no proof pack: ${JSON.stringify(built)}`);
        expect(verifyProofPack(Buffer.from(proofPackText(built.pack)), { publicKeyPem }).isValid).toBe(true);
      } finally {
        await other.close();
      }
    });

    it('detects a journal row of the containment edited by hand, and signs no proof pack over it', async () => {
      const request = await store.requests.get(containId);
      const sql = await PgClient.open({ databaseUrl, maxConnections: 1 });
      let id = 0;
      try {
        const [row] = await sql.query(
          `SELECT id FROM step_journal WHERE run_id = $1 AND step_id = 'entra.block-sign-in' AND phase = 'applied'`,
          [request?.runId ?? ''],
        );
        id = Number(row?.['id']);
        // "The account was never blocked": the applied entry now says it stayed enabled.
        await byHand(sql, 'step_journal', `UPDATE step_journal SET after = 'true'::jsonb WHERE id = $1`, [
          id,
        ]);
      } finally {
        await sql.close();
      }
      const verdict = await store.chains.verify(containId);
      if (verdict.isIntact) throw new Error('the edit was not detected');
      expect(verdict.break).toMatchObject({ field: 'hash', link: { table: 'journal', id } });
      expect(verdict.break.message).toMatch(/edited/);
      expect((await buildProofPack(store, containId, signingKey)).kind).toBe('broken');
    });

    it('detects an approval audit row of the containment edited by hand', async () => {
      const sql = await PgClient.open({ databaseUrl, maxConnections: 1 });
      try {
        await byHand(
          sql,
          'audit_events',
          `UPDATE audit_events SET actor = jsonb_set(actor, '{aadObjectId}', '"someone-else"') WHERE request_id = $1 AND type = 'request.approved'`,
          [containId],
        );
      } finally {
        await sql.close();
      }
      // The first break is the earlier of the two edits: the approval comes before the run.
      const verdict = await store.chains.verify(containId);
      if (verdict.isIntact) throw new Error('the edit was not detected');
      expect(verdict.break).toMatchObject({ field: 'hash', link: { table: 'audit' } });
    });
  });
}
