/**
 * `POST /api/tickets/revoke` through real HTTP (the bot's HTTP app on loopback) against the bot wired as
 * in production (real connectors against the sandbox, PGlite in memory): a signed ticket creates a
 * revoke request posted to the IT channel (run at once when the requester is an incident responder,
 * approved in the channel otherwise), and the ticket id reaches the ticket webhook when the run ends.
 * Wrong signature, old timestamp, replay, oversized body, malformed JSON and an unknown person are
 * refused with nothing created, and audited.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { createHttpApp, listen } from '../../src/app/http-server.js';
import {
  ticketRevokeEndpoint,
  ticketRevokeEndpointName,
  ticketRevokePath,
} from '../../src/app/ticket-revoke-endpoint.js';
import { signPayload, verifySignature } from '../../src/connectors/webhook/index.js';
import type { RequestState } from '../../src/core/model.js';
import { TicketRevokeIntake, type RevokeSummary } from '../../src/core/revoke/index.js';
import { seeded } from '../../src/sandbox/index.js';
import { actionsOf, personas, startBotHarness, tenantId, type BotHarness } from '../support/bot-harness.js';

const U = seeded.users;
const G = seeded.groups;
const itChannel = '19:it-operations@thread.tacv2';
const secret = 'ticket-trigger-secret-0123456789abcdef';
const webhookSecret = 'whsec-ticket-revoke-0123456789';
const allStates: RequestState[] = [
  'draft',
  'awaiting-confirmation',
  'awaiting-approval',
  'approved',
  'scheduled',
  'running',
  'completed',
  'completed-with-errors',
  'failed',
  'cancelled',
  'rejected',
];

describe('POST /api/tickets/revoke', () => {
  let bot: BotHarness;
  let http: Server;
  let receiver: Server;
  let base: string;
  const tickets: { body: string; signature: string; timestamp: string }[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        tickets.push({
          body: Buffer.concat(chunks).toString('utf8'),
          signature: String(req.headers['x-lifecycle-signature']),
          timestamp: String(req.headers['x-lifecycle-timestamp']),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const secretFile = join(mkdtempSync(join(tmpdir(), 'ticket-revoke-')), 'secret');
    writeFileSync(secretFile, `${secret}\n`);
    const env = {
      TICKET_REVOKE_SECRET_FILE: secretFile,
      IT_CHANNEL_CONVERSATION_ID: itChannel,
      // Lee Gu (engineering) is an incident responder, not a requester.
      INCIDENT_RESPONDER_GROUP_IDS: G.engineeringSynced,
      TICKET_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/psa`,
      TICKET_WEBHOOK_SECRET: webhookSecret,
    };
    bot = await startBotHarness(env);
    await bot.store.conversations.save(`conversation:${itChannel}`, {
      conversation: { id: itChannel, isGroup: true, conversationType: 'channel', tenantId },
      serviceUrl: 'https://smba.example.test/teams/',
      channelId: 'msteams',
    });
    const config = loadConfig({
      LIFECYCLE_MODE: 'sandbox',
      SANDBOX_URL: bot.sandbox.baseUrl,
      PORT: '0',
      LOG_LEVEL: 'silent',
      ...env,
    });
    const endpoint = ticketRevokeEndpoint({
      settings: config.revoke,
      itChannelConversationId: config.notices.itChannelConversationId,
      deps: bot.services.deps,
      users: bot.services.ports.users,
      logger: bot.services.logger,
    });
    if (!endpoint) throw new Error('the ticket trigger is configured but not built');
    const app = createHttpApp({
      adapter: bot.services.adapter,
      handle: async (context) => {
        await bot.services.app.run(context);
      },
      isReady: () => Promise.resolve(true),
      isAnonymous: true,
      logger: bot.services.logger,
      signedEndpoints: [endpoint],
    });
    const started = await listen(app, 0, '127.0.0.1');
    http = started.server;
    base = `http://127.0.0.1:${started.port}`;
  }, 60_000);

  afterAll(async () => {
    http.closeAllConnections();
    await new Promise<void>((resolve) =>
      http.close(() => {
        resolve();
      }),
    );
    await bot.close();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) =>
      receiver.close(() => {
        resolve();
      }),
    );
  });

  const nowSeconds = (): number => Math.floor(Date.now() / 1000);

  async function post(
    body: string,
    options: { timestamp?: number; signWith?: string; signature?: string } = {},
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const timestamp = String(options.timestamp ?? nowSeconds());
    const signature = options.signature ?? signPayload(options.signWith ?? secret, timestamp, body);
    const response = await fetch(`${base}${ticketRevokePath}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Lifecycle-Timestamp': timestamp,
        'X-Lifecycle-Signature': signature,
      },
      body,
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  const requestCount = async (): Promise<number> =>
    (await bot.store.requests.listByState(allStates, 1000)).length;

  const refusals = async (): Promise<Record<string, unknown>[]> =>
    (await bot.store.audit.list({ limit: 1000 }))
      .filter((e) => e.type === 'action.refused' && e.details['action'] === ticketRevokeEndpointName)
      .map((e) => e.details);

  /** The summary the ticket webhook received for a ticket, once its delivery is audited; signature checked. */
  async function ticketDelivered(requestId: string, ticketId: string): Promise<RevokeSummary> {
    await expect
      .poll(async () => (await bot.store.audit.list({ requestId })).some((e) => e.type === 'ticket.updated'))
      .toBe(true);
    const delivery = tickets.find((t) => (JSON.parse(t.body) as RevokeSummary).ticket_id === ticketId);
    if (!delivery) throw new Error(`no ticket delivery for ${ticketId}`);
    expect(
      verifySignature({
        secret: webhookSecret,
        rawBody: delivery.body,
        signature: delivery.signature,
        timestamp: delivery.timestamp,
        nowSeconds: nowSeconds(),
      }).isValid,
    ).toBe(true);
    return JSON.parse(delivery.body) as RevokeSummary;
  }

  it('is off until configured', () => {
    const config = loadConfig({ LIFECYCLE_MODE: 'sandbox', SANDBOX_URL: bot.sandbox.baseUrl });
    expect(
      ticketRevokeEndpoint({
        settings: config.revoke,
        itChannelConversationId: itChannel,
        deps: bot.services.deps,
        users: bot.services.ports.users,
        logger: bot.services.logger,
      }),
    ).toBeUndefined();
  });

  it("an incident responder's ticket runs at once, reports in the IT channel and updates the ticket", async () => {
    expect(bot.sandbox.state.exchange.rightsHeldBy(U.adeleVance).length).toBeGreaterThan(0);
    const { status, json } = await post(
      JSON.stringify({
        ticketId: 'SEC-2026-101',
        user: 'adele.vance@contoso.com',
        requestedBy: 'lee.gu@contoso.com',
      }),
    );
    expect(status).toBe(201);
    const requestId = String(json['requestId']);
    await bot.services.coordinator.idle();
    const request = await bot.store.requests.get(requestId);
    expect(request).toMatchObject({
      kind: 'revoke',
      state: 'completed',
      ticketId: 'SEC-2026-101',
      requester: { aadObjectId: U.leeGu, tenantId },
      approvals: [],
    });
    expect(bot.sandbox.state.exchange.rightsHeldBy(U.adeleVance)).toEqual([]);
    expect(bot.sandbox.state.exchange.folderPermissionsHeldBy(U.adeleVance)).toEqual([]);
    // Progress and summary went to the IT channel.
    const inChannel = bot.gateway.messages.filter((m) => m.conversationId === itChannel);
    expect(JSON.stringify(inChannel)).toContain('Mailbox permissions of Adele Vance');
    const summary = await ticketDelivered(requestId, 'SEC-2026-101');
    expect(summary).toMatchObject({
      ticket_id: 'SEC-2026-101',
      success: true,
      verification: { all_permissions_cleared: true },
    });
    const received = (await bot.store.audit.list({ requestId })).find((e) => e.type === 'ticket.received');
    expect(received?.details).toMatchObject({ ticketId: 'SEC-2026-101', requestedBy: U.leeGu });

    // The same ticket again (signed anew) answers with its request and creates nothing.
    const before = await requestCount();
    const again = await post(
      JSON.stringify({
        ticketId: 'SEC-2026-101',
        user: 'adele.vance@contoso.com',
        requestedBy: 'lee.gu@contoso.com',
      }),
    );
    expect(again).toEqual({ status: 200, json: { requestId, state: 'completed', isDuplicate: true } });
    expect(await requestCount()).toBe(before);
  });

  it("anyone else's ticket goes to approval in the IT channel, and runs once approved", async () => {
    const megan = bot.sandbox.state.exchange.rightsHeldBy(U.meganBowen);
    const diego = bot.sandbox.state.exchange.rightsHeldBy(U.diegoSiciliani);
    const [subject, subjectId] =
      megan.length > 0
        ? ['megan.bowen@contoso.com', U.meganBowen]
        : ['diego.siciliani@contoso.com', U.diegoSiciliani];
    expect(megan.length + diego.length).toBeGreaterThan(0);
    const { status, json } = await post(
      JSON.stringify({
        ticketId: 'OFF-2026-016',
        user: subject,
        permissionTypes: ['send_as', 'send_on_behalf', 'full_access', 'calendar'],
        requestedBy: 'Isaiah.Langer@contoso.com',
      }),
    );
    expect(status).toBe(201);
    expect(json['state']).toBe('awaiting-approval');
    const requestId = String(json['requestId']);
    const card = bot.gateway.messages.find(
      (m) => m.conversationId === itChannel && JSON.stringify(m.activity).includes(requestId),
    );
    const approve = actionsOf(card && bot.gateway.cardOf(card)).find((a) => a.title === 'Approve');
    if (!approve) throw new Error('no approval card in the IT channel');
    // Four eyes: the requester named by the ticket may not approve it.
    await bot.click(personas.operator, approve.verb, approve.data);
    expect((await bot.store.requests.get(requestId))?.state).toBe('awaiting-approval');
    await bot.click(personas.approver, approve.verb, approve.data);
    await bot.services.coordinator.idle();
    expect((await bot.store.requests.get(requestId))?.state).toBe('completed');
    expect(bot.sandbox.state.exchange.rightsHeldBy(subjectId)).toEqual([]);
    expect((await ticketDelivered(requestId, 'OFF-2026-016')).ticket_id).toBe('OFF-2026-016');
  });

  it('a request that could not be posted is withdrawn, and the next delivery of its ticket creates a new one', async () => {
    const deps = bot.services.deps;
    const intake = new TicketRevokeIntake({
      users: bot.services.ports.users,
      policy: deps.policy,
      requestService: deps.requestService,
      audit: deps.store.audit,
      state: deps.store.state,
      queue: deps.store.queue,
      clock: deps.clock,
      tenantId,
    });
    const ticket = {
      ticketId: 'T-W1',
      user: 'megan.bowen@contoso.com',
      requestedBy: 'miriam.graham@contoso.com',
    };
    const source = { endpoint: ticketRevokeEndpointName, remoteAddress: '127.0.0.1' };
    const first = await intake.receive(ticket, source);
    if (first.kind !== 'created') throw new Error(`not created: ${JSON.stringify(first)}`);
    expect(first.request.state).toBe('awaiting-approval');
    expect(await intake.withdraw(first.request, 'the IT channel post failed')).toBe(true);
    expect((await deps.store.requests.get(first.request.id))?.state).toBe('cancelled');
    const second = await intake.receive(ticket, source);
    expect(second.kind).toBe('created');
    if (second.kind === 'created') expect(second.request.id).not.toBe(first.request.id);
  });

  it('two deliveries of one ticket at the same moment (two instances) create one request', async () => {
    const deps = bot.services.deps;
    const instance = (): TicketRevokeIntake =>
      new TicketRevokeIntake({
        users: bot.services.ports.users,
        policy: deps.policy,
        requestService: deps.requestService,
        audit: deps.store.audit,
        state: deps.store.state,
        queue: deps.store.queue,
        clock: deps.clock,
        tenantId,
      });
    const ticket = {
      ticketId: 'T-RACE1',
      user: 'megan.bowen@contoso.com',
      requestedBy: 'miriam.graham@contoso.com',
    };
    const source = { endpoint: ticketRevokeEndpointName, remoteAddress: '127.0.0.1' };
    const outcomes = await Promise.all([
      instance().receive(ticket, source),
      instance().receive(ticket, source),
    ]);
    const created = outcomes.filter((o) => o.kind === 'created');
    expect(created).toHaveLength(1);
    expect(outcomes.map((o) => (o.kind === 'refused' ? o.code : o.kind)).sort()).toEqual([
      'created',
      'in-progress',
    ]);
    const forTicket = (await bot.store.requests.listByState(allStates, 1000)).filter(
      (r) => r.ticketId === 'T-RACE1',
    );
    expect(forTicket).toHaveLength(1);
    // Once the first delivery is handled, the ticket answers with its request.
    const again = await instance().receive(ticket, source);
    expect(again.kind).toBe('existing');
    if (again.kind === 'existing') expect(again.request.id).toBe(forTicket[0]?.id);
  });

  describe('refusals: nothing created, audited', () => {
    const good = (ticketId: string): string =>
      JSON.stringify({ ticketId, user: 'megan.bowen@contoso.com', requestedBy: 'isaiah.langer@contoso.com' });

    async function refused(
      send: () => Promise<{ status: number; json: Record<string, unknown> }>,
      status: number,
      code: string,
    ): Promise<void> {
      const requests = await requestCount();
      const audited = (await refusals()).length;
      const answer = await send();
      expect(answer.status).toBe(status);
      expect(answer.json['error']).toBe(code);
      expect(await requestCount()).toBe(requests);
      const after = await refusals();
      expect(after).toHaveLength(audited + 1);
      expect(after[0]).toMatchObject({ code });
      expect(JSON.stringify(after[0])).not.toContain(secret);
    }

    it('a wrong signature', async () => {
      await refused(
        () => post(good('T-1'), { signWith: 'another-secret-of-enough-length-000000' }),
        401,
        'bad-signature',
      );
    });

    it('an old timestamp', async () => {
      await refused(() => post(good('T-2'), { timestamp: nowSeconds() - 3600 }), 401, 'stale');
    });

    it('a replayed delivery', async () => {
      const body = good('T-3');
      const timestamp = nowSeconds();
      const first = await post(body, { timestamp });
      expect(first.status).toBe(201);
      await refused(() => post(body, { timestamp }), 409, 'replay');
    });

    it('an oversized body', async () => {
      const body = JSON.stringify({
        ticketId: 'T-4',
        user: 'megan.bowen@contoso.com',
        requestedBy: 'isaiah.langer@contoso.com',
        note: 'x'.repeat(20_000),
      });
      await refused(() => post(body), 413, 'too-large');
    });

    it('malformed JSON', async () => {
      await refused(() => post('{"ticketId": "T-5", "user": '), 400, 'malformed');
    });

    it('fields the ticket request does not know, or a bad ticket id', async () => {
      await refused(
        () =>
          post(
            JSON.stringify({
              ticketId: "x' or 1 eq 1",
              user: 'megan.bowen@contoso.com',
              requestedBy: 'isaiah.langer@contoso.com',
            }),
          ),
        422,
        'invalid-input',
      );
      await refused(
        () =>
          post(
            JSON.stringify({
              ticketId: 'T-6',
              user: 'megan.bowen@contoso.com',
              requestedBy: 'isaiah.langer@contoso.com',
              approve: true,
            }),
          ),
        422,
        'invalid-input',
      );
    });

    it('an unknown requesting person, or one who is not a requester', async () => {
      await refused(
        () =>
          post(
            JSON.stringify({
              ticketId: 'T-7',
              user: 'megan.bowen@contoso.com',
              requestedBy: 'nobody@contoso.com',
            }),
          ),
        403,
        'unknown-requester',
      );
      // A display name is not an identity the ticket system can vouch for.
      await refused(
        () =>
          post(
            JSON.stringify({
              ticketId: 'T-8',
              user: 'megan.bowen@contoso.com',
              requestedBy: 'Isaiah Langer',
            }),
          ),
        403,
        'unknown-requester',
      );
      await refused(
        () =>
          post(
            JSON.stringify({
              ticketId: 'T-9',
              user: 'megan.bowen@contoso.com',
              requestedBy: 'diego.siciliani@contoso.com',
            }),
          ),
        403,
        'forbidden',
      );
    });

    it('an unknown user, or the requester themself', async () => {
      await refused(
        () =>
          post(
            JSON.stringify({
              ticketId: 'T-10',
              user: 'nobody@contoso.com',
              requestedBy: 'isaiah.langer@contoso.com',
            }),
          ),
        422,
        'unknown-user',
      );
      await refused(
        () =>
          post(
            JSON.stringify({
              ticketId: 'T-11',
              user: 'isaiah.langer@contoso.com',
              requestedBy: 'isaiah.langer@contoso.com',
            }),
          ),
        403,
        'forbidden',
      );
    });
  });
});
