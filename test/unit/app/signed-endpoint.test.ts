import type { Server } from 'node:http';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../../src/app/http-server.js';
import { signedEndpoint, type SignedDelivery } from '../../../src/app/signed-endpoint.js';
import { signPayload } from '../../../src/connectors/webhook/webhook-signature.js';
import type { Store } from '../../../src/core/ports/store.js';
import { openStore } from '../../../src/store/index.js';
import { FakeClock } from '../core/support/fake-clock.js';

const secret = 'a-test-secret-of-some-length-0123456789';
const name = 'POST /api/test/signed';

describe('signed endpoint', () => {
  let store: Store;
  let server: Server;
  let base: string;
  const clock = new FakeClock(Date.parse('2026-12-01T10:00:00Z'));
  const handled: SignedDelivery[] = [];

  beforeAll(async () => {
    store = await openStore();
    const app = express();
    app.post(
      '/api/test/signed',
      signedEndpoint({
        name,
        secret,
        store,
        clock,
        logger: pino({ level: 'silent' }),
        maxBodyBytes: 1024,
        handle: async (delivery) => {
          handled.push(delivery);
          return { status: 200, body: { ok: true } };
        },
      }),
    );
    const started = await listen(app, 0, '127.0.0.1');
    server = started.server;
    base = `http://127.0.0.1:${started.port}`;
  });

  afterAll(async () => {
    server.close();
    await store.close();
  });

  const nowSeconds = (): string => String(Math.floor(clock.now() / 1000));

  async function post(
    body: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; json: { error?: string; message?: string; ok?: boolean } }> {
    const response = await fetch(`${base}/api/test/signed`, { method: 'POST', body, headers });
    return { status: response.status, json: (await response.json()) as { error?: string } };
  }

  function signed(body: string, timestamp = nowSeconds()): Record<string, string> {
    return {
      'content-type': 'application/json',
      'x-lifecycle-timestamp': timestamp,
      'x-lifecycle-signature': signPayload(secret, timestamp, body),
    };
  }

  async function refusals(): Promise<Record<string, unknown>[]> {
    const events = await store.audit.list({ limit: 100 });
    return events.filter((e) => e.type === 'action.refused').map((e) => e.details);
  }

  it('hands a correctly signed, fresh JSON body to the handler once, and refuses its replay', async () => {
    const body = JSON.stringify({ hello: 'world' });
    const headers = signed(body);
    const first = await post(body, headers);
    expect(first).toEqual({ status: 200, json: { ok: true } });
    expect(handled).toHaveLength(1);
    expect(handled[0]?.body).toEqual({ hello: 'world' });
    expect(handled[0]?.remoteAddress).toMatch(/127\.0\.0\.1/);

    const again = await post(body, headers);
    expect(again.status).toBe(409);
    expect(again.json.error).toBe('replay');
    expect(handled).toHaveLength(1);
    expect((await refusals()).at(0)).toMatchObject({ action: name, code: 'replay' });
  });

  it('refuses a wrong signature, a missing one, an old timestamp, a large body, another content type and bad JSON', async () => {
    const body = JSON.stringify({ n: 1 });
    const wrong = {
      ...signed(body),
      'x-lifecycle-signature': signPayload('not-the-secret', nowSeconds(), body),
    };
    const old = String(Math.floor(clock.now() / 1000) - 301);
    const large = JSON.stringify({ filler: 'x'.repeat(2000) });
    const cases: [string, Record<string, string>, number, string][] = [
      [body, wrong, 401, 'bad-signature'],
      [body, { 'content-type': 'application/json' }, 401, 'unsigned'],
      [body, signed(body, old), 401, 'stale'],
      [large, signed(large), 413, 'too-large'],
      [body, { ...signed(body), 'content-type': 'text/plain' }, 415, 'unsupported-media-type'],
      ['{not json', signed('{not json'), 400, 'malformed'],
    ];
    const before = handled.length;
    for (const [payload, headers, status, code] of cases) {
      const answer = await post(payload, headers);
      expect({ status: answer.status, error: answer.json.error }).toEqual({ status, error: code });
      expect(answer.json.message).toEqual(expect.any(String));
    }
    expect(handled).toHaveLength(before);
    const audited = await refusals();
    for (const [, , , code] of cases) {
      const event = audited.find((details) => details['code'] === code);
      expect(event).toMatchObject({ action: name, remoteAddress: expect.stringMatching(/127\.0\.0\.1/) });
    }
    // No refusal carries the body or the secret.
    const text = JSON.stringify(audited);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('filler');
  });

  it('remembers an accepted signature in the store, so another instance refuses its replay', async () => {
    const body = JSON.stringify({ durable: true });
    const headers = signed(body);
    expect((await post(body, headers)).status).toBe(200);
    // A second endpoint instance on the same store (another bot instance) refuses the same delivery.
    const other = express();
    other.post(
      '/api/test/signed',
      signedEndpoint({
        name,
        secret,
        store,
        clock,
        logger: pino({ level: 'silent' }),
        handle: async () => ({ status: 200, body: { ok: true } }),
      }),
    );
    const started = await listen(other, 0, '127.0.0.1');
    try {
      const response = await fetch(`http://127.0.0.1:${started.port}/api/test/signed`, {
        method: 'POST',
        body,
        headers,
      });
      expect(response.status).toBe(409);
    } finally {
      started.server.close();
    }
  });
});
