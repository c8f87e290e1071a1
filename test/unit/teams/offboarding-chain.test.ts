import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProofPack } from '../../../src/cli/proof-export.js';
import { proofPackText, verifyProofPack } from '../../../src/core/proof/proof-pack.js';
import { SqlStore } from '../../../src/store/index.js';
import { actionsOf, cardIn, personas, startBotHarness, type BotHarness } from '../../support/bot-harness.js';

describe('the hash chain across a normal offboarding (TestAdapter, real connectors against the sandbox)', () => {
  let bot: BotHarness;

  beforeAll(async () => {
    bot = await startBotHarness();
  });
  afterAll(async () => {
    await bot.close();
  });

  it('chains every audit event and journal entry of the run, and the proof pack of it verifies', async () => {
    const card = cardIn(await bot.say(personas.operator, 'offboard adele.vance@contoso.com'));
    const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
    if (!confirm) throw new Error(`no request card: ${JSON.stringify(card)}`);
    const requestId = String(confirm.data['requestId']);
    const confirmed = await bot.click(personas.operator, confirm.verb, confirm.data);
    const approve = actionsOf(cardIn(confirmed.replies)).find((a) => a.title === 'Approve');
    if (!approve) throw new Error(`no approval card: ${JSON.stringify(confirmed)}`);
    await bot.click(personas.approver, approve.verb, approve.data);
    await bot.services.coordinator.idle();

    const request = await bot.store.requests.get(requestId);
    expect(request?.state).toBe('completed');
    const store = bot.store;
    if (!(store instanceof SqlStore)) throw new Error('the harness runs the SQL store');
    const audit = await store.audit.list({ requestId, limit: 1000 });
    const journal = await store.journal.list(request!.runId!);
    expect(journal.length).toBeGreaterThan(10);

    const verdict = await store.chains.verify(requestId);
    expect(verdict).toMatchObject({ isIntact: true, length: audit.length + journal.length });
    const stored = await store.chains.read(requestId);
    expect(stored.links.filter((l) => l.table === 'journal').map((l) => l.id)).toEqual(
      journal.map((e) => e.id),
    );

    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const built = await buildProofPack(store, requestId, { algorithm: 'Ed25519', privateKey, publicKey });
    if (built.kind !== 'pack') throw new Error(`no proof pack: ${JSON.stringify(built)}`);
    expect(built.pack.chain.head).toEqual(verdict.isIntact ? verdict.head : null);
    const checked = verifyProofPack(Buffer.from(proofPackText(built.pack)), {
      publicKeyPem: String(publicKey.export({ type: 'spki', format: 'pem' })),
    });
    expect(checked.checks.filter((c) => !c.isOk)).toEqual([]);
    expect(checked.isValid).toBe(true);
  });
});
