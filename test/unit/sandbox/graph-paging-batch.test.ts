import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seeded, startSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { call, tokenFor } from './support/sandbox-http.js';

let sb: Sandbox;
let token: string;
beforeAll(async () => {
  sb = await startSandbox({ port: 0, tenant: { users: 250 } });
  token = await tokenFor(sb);
});
afterAll(async () => {
  await sb.close();
});
beforeEach(() => {
  sb.reset();
});

type Page = { value: { id: string }[]; '@odata.nextLink'?: string; '@odata.count'?: number };

describe('paging with @odata.nextLink', () => {
  it('returns every user exactly once across pages of $top', async () => {
    const ids: string[] = [];
    let url: string | undefined = `${sb.urls.graph}/users?$select=id&$top=97`;
    let pages = 0;
    while (url) {
      const res = await call(sb, token, 'GET', url);
      expect(res.status).toBe(200);
      const page = res.body as Page;
      ids.push(...page.value.map((u) => u.id));
      url = page['@odata.nextLink'];
      pages += 1;
    }
    expect(ids).toHaveLength(sb.state.directory.userCount);
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages).toBe(Math.ceil(ids.length / 97));
  });

  it('uses 100 as the default page size and refuses $top above 999', async () => {
    expect(((await call(sb, token, 'GET', '/users')).body as Page).value).toHaveLength(100);
    const res = await call(sb, token, 'GET', '/users?$top=1000');
    expect(res.status).toBe(400);
  });

  it('rejects a tampered skiptoken and one taken from another query', async () => {
    const first = (await call(sb, token, 'GET', '/users?$select=id&$top=5')).body as Page;
    const next = first['@odata.nextLink'] ?? '';
    const skip = new URL(next).searchParams.get('$skiptoken') ?? '';
    expect((await call(sb, token, 'GET', `/users?$select=id&$top=5&$skiptoken=${skip}x`)).status).toBe(400);
    expect(
      (await call(sb, token, 'GET', `/users?$select=displayName&$top=5&$skiptoken=${skip}`)).status,
    ).toBe(400);
  });

  it('answers $search and $count only with ConsistencyLevel: eventual', async () => {
    const without = await call(sb, token, 'GET', '/users?$search="displayName:alex"');
    expect(without.status).toBe(400);
    expect(without.body).toMatchObject({ error: { code: 'Request_UnsupportedQuery' } });
    const withHeader = await call(sb, token, 'GET', '/users?$search="displayName:alex"&$count=true', {
      headers: { ConsistencyLevel: 'eventual' },
    });
    expect((withHeader.body as Page)['@odata.count']).toBe(2);
  });

  it('needs the advanced-query parameters for ne / endswith', async () => {
    expect((await call(sb, token, 'GET', "/users?$filter=endswith(mail,'@contoso.com')")).status).toBe(400);
    const ok = await call(sb, token, 'GET', "/users?$filter=endswith(mail,'@contoso.com')&$count=true", {
      headers: { ConsistencyLevel: 'eventual' },
    });
    expect(ok.status).toBe(200);
  });
});

describe('$batch', () => {
  const get = (id: string, url: string): Record<string, unknown> => ({ id, method: 'GET', url });

  it('refuses more than 20 requests and duplicate ids', async () => {
    const many = Array.from({ length: 21 }, (_, i) => get(String(i), '/subscribedSkus'));
    expect((await call(sb, token, 'POST', '/$batch', { body: { requests: many } })).status).toBe(400);
    const dup = [get('1', '/subscribedSkus'), get('1', '/subscribedSkus')];
    expect((await call(sb, token, 'POST', '/$batch', { body: { requests: dup } })).status).toBe(400);
  });

  it('orders dependsOn and answers 424 for dependents of a failed request', async () => {
    const res = await call(sb, token, 'POST', '/$batch', {
      body: {
        requests: [
          {
            id: '1',
            method: 'PATCH',
            url: `/users/${seeded.users.adeleVance}`,
            body: { usageLocation: 'GB' },
            headers: { 'Content-Type': 'application/json' },
          },
          { ...get('2', `/users/${seeded.users.adeleVance}?$select=usageLocation`), dependsOn: ['1'] },
          get('3', '/users/00000000-0000-4000-8000-000000000000'),
          { ...get('4', '/subscribedSkus'), dependsOn: ['3'] },
        ],
      },
    });
    expect(res.status).toBe(200);
    const byId = new Map(
      (
        res.body as { responses: { id: string; status: number; body?: Record<string, unknown> }[] }
      ).responses.map((r) => [r.id, r]),
    );
    expect(byId.get('1')?.status).toBe(204);
    expect(byId.get('2')?.body?.['usageLocation']).toBe('GB');
    expect(byId.get('3')?.status).toBe(404);
    expect(byId.get('4')?.status).toBe(424);
  });

  it('logs each item with the batch request id', async () => {
    sb.requestLog.clear();
    await call(sb, token, 'POST', '/$batch', {
      body: { requests: [get('a', '/subscribedSkus'), get('b', `/users/${seeded.users.adeleVance}`)] },
    });
    const entries = sb.requestLog.find({ service: 'graph' });
    const outer = entries.find((e) => e.path === '/v1.0/$batch');
    expect(entries.filter((e) => e.batchRequestId === outer?.requestId)).toHaveLength(2);
  });
});
