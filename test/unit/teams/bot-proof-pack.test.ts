import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/core/model.js';
import { verifyProofPack } from '../../../src/core/proof/proof-pack.js';
import { seeded } from '../../../src/sandbox/index.js';
import { SqlStore } from '../../../src/store/index.js';
import {
  actionsOf,
  personas,
  startBotHarness,
  textOf,
  type BotHarness,
  type Persona,
} from '../../support/bot-harness.js';
import type { RecordingGateway } from '../../support/recording-gateway.js';

const U = seeded.users;
const G = seeded.groups;
/** An auditor: Christie Cline, member of the group configured as auditors. */
const auditor: Persona = { id: '29:christie-cline', aadObjectId: U.christieCline, name: 'Christie Cline' };

/** The latest summary card of a request the bot posted, and its Proof pack button if it has one. */
function summaryOf(gateway: RecordingGateway, requestId: string) {
  const card = gateway.messages
    .map((m) => gateway.cardOf(m))
    .filter((c) => {
      const json = JSON.stringify(c ?? {});
      return json.includes('JSON export') && json.includes(requestId);
    })
    .at(-1);
  if (!card) throw new Error(`no summary card of ${requestId}`);
  return { card, proof: actionsOf(card).find((a) => a.verb === 'request.proof') };
}

async function auditSince(bot: BotHarness, mark: number, type: string): Promise<AuditEvent[]> {
  return (await bot.store.audit.list({ limit: 10_000 })).filter((e) => (e.id ?? 0) > mark && e.type === type);
}
const auditMark = async (bot: BotHarness): Promise<number> =>
  (await bot.store.audit.list({ limit: 1 }))[0]?.id ?? 0;

/** The proof pack file sent to a persona's 1:1 chat, as bytes. */
function packSentTo(gateway: RecordingGateway, persona: Persona, after: number): Buffer {
  const sent = gateway.messages
    .slice(after)
    .find((m) => m.conversationId === `personal-${persona.name.split(' ')[0]?.toLowerCase()}`);
  const url = sent?.activity.attachments?.[0]?.contentUrl ?? '';
  const prefix = 'data:application/json;base64,';
  if (!url.startsWith(prefix)) throw new Error(`no proof pack sent: ${JSON.stringify(sent)}`);
  return Buffer.from(url.slice(prefix.length), 'base64');
}

describe('the Proof pack button of the summary card (TestAdapter, real connectors against the sandbox)', () => {
  let bot: BotHarness;
  let requestId: string;
  let publicKeyPem: string;

  beforeAll(async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const keyFile = join(mkdtempSync(join(tmpdir(), 'lifecycle-proof-')), 'proof.pem');
    writeFileSync(keyFile, String(privateKey.export({ type: 'pkcs8', format: 'pem' })));
    publicKeyPem = String(publicKey.export({ type: 'spki', format: 'pem' }));
    bot = await startBotHarness({
      INCIDENT_RESPONDER_GROUP_IDS: G.lifecycleRequesters,
      CONTAIN_REQUIRES_APPROVAL: 'false',
      AUDITOR_GROUP_IDS: G.retailSecurity,
      PROOF_SIGNING_KEY_FILE: keyFile,
    });
    expect(textOf(await bot.say(personas.operator, 'contain megan.bowen@contoso.com'))).toContain(
      'Containment of Megan Bowen started',
    );
    await bot.services.coordinator.idle();
    const request = (await bot.store.requests.listBySubject('megan.bowen@contoso.com')).find(
      (r) => r.kind === 'contain',
    );
    if (!request) throw new Error('no containment');
    expect(request.state).toBe('completed');
    requestId = request.id;
  });
  afterAll(async () => {
    await bot.close();
  });

  it('offers the button on the summary card once the run is over', () => {
    const { proof } = summaryOf(bot.gateway, requestId);
    expect(proof?.title).toBe('Proof pack (approvers and auditors)');
    expect(proof?.data).toMatchObject({ requestId });
  });

  it('refuses an approver who has no 1:1 chat with the bot, audited, and sends nothing', async () => {
    const { proof } = summaryOf(bot.gateway, requestId);
    if (!proof) throw new Error('no Proof pack button');
    const mark = await auditMark(bot);
    const sentBefore = bot.gateway.messages.length;
    const { body } = await bot.click(personas.approver2, proof.verb, proof.data);
    expect(String(body?.value)).toContain('only in a 1:1 chat');
    expect(bot.gateway.messages.slice(sentBefore)).toEqual([]);
    const refusals = await auditSince(bot, mark, 'action.refused');
    expect(refusals.map((e) => [e.requestId, e.details['action']])).toEqual([[requestId, 'request.proof']]);
    expect(await auditSince(bot, mark, 'request.proof-exported')).toEqual([]);
  });

  it.each([
    ['an approver', personas.approver],
    ['an auditor', auditor],
  ])(
    'sends %s the signed pack in their 1:1 chat; it verifies offline and one changed byte fails',
    async (_l, who) => {
      // Messaging the bot directly stores the 1:1 chat's reference.
      await bot.say(who, 'help', `personal-${who.name.split(' ')[0]?.toLowerCase()}`);
      const { proof } = summaryOf(bot.gateway, requestId);
      if (!proof) throw new Error('no Proof pack button');
      const mark = await auditMark(bot);
      const sentBefore = bot.gateway.messages.length;
      const { body } = await bot.click(who, proof.verb, proof.data);
      expect(String(body?.value)).toContain(`I sent the proof pack of ${requestId} to you in our 1:1 chat`);

      const bytes = packSentTo(bot.gateway, who, sentBefore);
      // Nothing went to the group chat the button was clicked in.
      expect(bot.gateway.messages.slice(sentBefore).map((m) => m.conversationId)).toEqual([
        `personal-${who.name.split(' ')[0]?.toLowerCase()}`,
      ]);
      const verdict = verifyProofPack(bytes, { publicKeyPem });
      expect(verdict.checks.filter((c) => !c.isOk)).toEqual([]);
      expect(verdict).toMatchObject({ isValid: true, requestId, isKeyPinned: true });
      const pack = JSON.parse(bytes.toString('utf8')) as {
        export: { request: { id: string; kind: string } };
        chain: { head: { hash: string } };
      };
      expect(pack.export.request).toMatchObject({ id: requestId, kind: 'contain' });
      // The pack's head is the stored chain's head when it was made.
      const store = bot.store;
      if (!(store instanceof SqlStore)) throw new Error('the harness runs the SQL store');
      const stored = await store.chains.read(requestId);
      expect(stored.links.some((l) => l.hash === pack.chain.head.hash)).toBe(true);

      const tampered = Buffer.from(bytes);
      const at = tampered.indexOf('"completed"') + 2;
      tampered[at] = 'C'.charCodeAt(0);
      expect(verifyProofPack(tampered, { publicKeyPem }).isValid).toBe(false);

      const exported = await auditSince(bot, mark, 'request.proof-exported');
      expect(exported).toHaveLength(1);
      expect(exported[0]).toMatchObject({
        requestId,
        actor: { aadObjectId: who.aadObjectId },
        details: { delivery: 'personal-chat', headHash: pack.chain.head.hash },
      });
    },
  );

  it.each([
    ['a requester who is neither approver nor auditor', personas.operator, 'Only approvers and auditors'],
    ['an ordinary member', personas.ordinary, 'Only requesters, approvers and auditors'],
  ])('refuses %s (checked on the server), audits it and sends nothing', async (_l, who, reason) => {
    await bot.say(who, 'help', `personal-${who.name.split(' ')[0]?.toLowerCase()}`);
    const mark = await auditMark(bot);
    const sentBefore = bot.gateway.messages.length;
    // The card data a forged click would carry: the button's own.
    const { body } = await bot.click(who, 'request.proof', { requestId, version: 1 });
    expect(String(body?.value)).toContain(reason);
    expect(bot.gateway.messages.slice(sentBefore)).toEqual([]);
    const refusals = await auditSince(bot, mark, 'action.refused');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({
      actor: { aadObjectId: who.aadObjectId },
      details: { action: 'request.proof' },
    });
    expect(await auditSince(bot, mark, 'request.proof-exported')).toEqual([]);
  });

  it('refuses a malformed request id before reading anything', async () => {
    const { body } = await bot.click(personas.approver, 'request.proof', { requestId: "REQ-1' OR 1=1" });
    expect(String(body?.value)).toContain('malformed');
  });
});

describe('without a proof signing key', () => {
  let bot: BotHarness;

  beforeAll(async () => {
    bot = await startBotHarness({
      INCIDENT_RESPONDER_GROUP_IDS: G.lifecycleRequesters,
      CONTAIN_REQUIRES_APPROVAL: 'false',
    });
  });
  afterAll(async () => {
    await bot.close();
  });

  it('shows no Proof pack button, and a forged click is refused and audited', async () => {
    await bot.say(personas.operator, 'contain megan.bowen@contoso.com');
    await bot.services.coordinator.idle();
    const request = (await bot.store.requests.listBySubject('megan.bowen@contoso.com')).find(
      (r) => r.kind === 'contain',
    );
    if (!request) throw new Error('no containment');
    const { proof } = summaryOf(bot.gateway, request.id);
    expect(proof).toBeUndefined();
    await bot.say(personas.approver, 'help', 'personal-joni');
    const mark = await auditMark(bot);
    const sentBefore = bot.gateway.messages.length;
    const { body } = await bot.click(personas.approver, 'request.proof', {
      requestId: request.id,
      version: 1,
    });
    expect(String(body?.value)).toContain('Proof packs are not enabled on this bot');
    expect(bot.gateway.messages.slice(sentBefore)).toEqual([]);
    expect(await auditSince(bot, mark, 'action.refused')).toHaveLength(1);
  });
});
