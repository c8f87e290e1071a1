/**
 * Replays the documented Exchange request/response pairs (fixtures/exchange-ad-examples.json) against the
 * sandbox, adapted to the test tenant's ids: same status, the headers that matter, and the same body shape
 * (every documented key present with a compatible JSON type, recursively). Values are not compared: most
 * documented values are illustrative.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FULL_APP, READONLY_APP, TENANT_ID } from '../unit/sandbox/exchange/fixture-tenant.js';
import { startTestSandbox, type TestSandbox } from '../unit/sandbox/exchange/harness.js';

interface Example {
  operation: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  requestBody: unknown;
  status: number;
  responseBody: unknown;
}

const examples = JSON.parse(
  readFileSync(new URL('./fixtures/exchange-ad-examples.json', import.meta.url), 'utf8'),
) as Example[];

/** Pairs this suite does not replay, and why. */
function notApplicable(e: Example): string | null {
  if (e.url.startsWith('ldap')) return 'on-premises AD over LDAP: tested against Samba AD, not the sandbox';
  if (e.url.startsWith('https://graph.microsoft.com'))
    return 'Microsoft Graph: replayed by the Graph contract suite';
  return null;
}

const DOCUMENTED_TENANT = '00000000-1111-2222-3333-444444444444';
const DOCUMENTED_DN =
  'CN=leaver,OU=contoso.onmicrosoft.com,OU=Microsoft Exchange Hosted Organizations,DC=EURPR07A013,DC=PROD,DC=OUTLOOK,DC=COM';
const FIXTURE_DN =
  'CN=lee.leaver,OU=contoso.onmicrosoft.com,OU=Microsoft Exchange Hosted Organizations,DC=NAMPR01A001,DC=PROD,DC=OUTLOOK,DC=COM';
/** Documented mailboxes → test-tenant mailboxes with the same role in the example. */
const PEOPLE: Record<string, string> = {
  leaver: 'lee.leaver',
  user: 'lee.leaver',
  manager: 'mia.manager',
  alex: 'mia.manager',
  colleague: 'mia.manager',
  shared: 'sales',
  shared1: 'mia.manager',
  shared2: 'sales',
  delegate1: 'una.unlicensed',
  delegate2: 'greta.german',
};

/** The hybrid example needs a dir-synced leaver. */
const SYNCED_PEOPLE: Record<string, string> = { ...PEOPLE, leaver: 'sam.synced' };

function adapt(text: string, baseUrl: string, people: Record<string, string> = PEOPLE): string {
  return text
    .replaceAll(DOCUMENTED_TENANT, TENANT_ID)
    .replaceAll(DOCUMENTED_DN, FIXTURE_DN)
    .replace(
      /(?<![\w.])(leaver|user|manager|alex|colleague|shared|shared1|shared2|delegate1|delegate2)@contoso\.com/g,
      (_m, who: string) => `${people[who] ?? who}@contoso.com`,
    )
    .replace(/https:\/\/(outlook\.office365\.com|login\.microsoftonline\.com)/g, `${baseUrl}/$1`);
}

type Shape = 'null' | 'string' | 'number' | 'boolean' | 'array' | 'object';
const shapeOf = (v: unknown): Shape =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : (typeof v as 'string' | 'number' | 'boolean' | 'object');

/** Every key of `expected` exists in `actual` with a compatible type (null is compatible with a string). */
function shapeMismatches(expected: unknown, actual: unknown, path = '$'): string[] {
  const e = shapeOf(expected);
  const a = shapeOf(actual);
  if (e !== a) {
    const nullable = (e === 'null' && a === 'string') || (e === 'string' && a === 'null');
    return nullable ? [] : [`${path}: expected ${e}, got ${a}`];
  }
  if (e === 'array') {
    const ea = expected as unknown[];
    const aa = actual as unknown[];
    if (ea.length > 0 && aa.length === 0) return [`${path}: expected a non-empty array`];
    return ea.slice(0, aa.length).flatMap((item, i) => shapeMismatches(item, aa[i], `${path}[${i}]`));
  }
  if (e === 'object') {
    const eo = expected as Record<string, unknown>;
    const ao = actual as Record<string, unknown>;
    return Object.keys(eo).flatMap((k) =>
      k in ao ? shapeMismatches(eo[k], ao[k], `${path}.${k}`) : [`${path}: missing key ${k}`],
    );
  }
  return [];
}

let sb: TestSandbox;
let initial: ReturnType<TestSandbox['tenant']['snapshot']>;
let fullToken: string;
let readOnlyToken: string;

beforeAll(async () => {
  sb = await startTestSandbox();
  initial = sb.tenant.snapshot();
  fullToken = await sb.token(FULL_APP.id, FULL_APP.secret, 'https://outlook.office365.com');
  readOnlyToken = await sb.token(READONLY_APP.id, READONLY_APP.secret, 'https://outlook.office365.com');
});
afterAll(async () => sb.close());
beforeEach(() => {
  sb.tenant.restore(initial);
  sb.behaviours.disableAll();
});

async function replay(e: Example): Promise<{ status: number; headers: Headers; body: unknown }> {
  const people = e.operation.includes('directory-synced') ? SYNCED_PEOPLE : PEOPLE;
  const url = adapt(e.url, sb.baseUrl, people);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.headers)) headers[k] = adapt(v, sb.baseUrl, people);
  let body: string;
  if (typeof e.requestBody === 'string') {
    // The token request: documented placeholders become the seeded app's credentials.
    body = e.requestBody.replace('<ClientID>', FULL_APP.id).replace('<ClientSecret>', FULL_APP.secret);
  } else {
    body = adapt(JSON.stringify(e.requestBody), sb.baseUrl, people);
    headers['Authorization'] = `Bearer ${e.status === 403 ? readOnlyToken : fullToken}`;
  }
  const send = () => fetch(url, { method: e.method, headers, body });
  if (e.status === 429) {
    sb.behaviours.configure({ throttling: { enabled: true, scale: 0.001 } });
    await send();
  }
  const res = await send();
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text === '' ? null : (JSON.parse(text) as unknown),
  };
}

describe('documented Exchange request/response pairs', () => {
  const applicable = examples.filter((e) => notApplicable(e) === null);

  it('lists the pairs that do not apply to the sandbox', () => {
    const skipped = examples
      .filter((e) => notApplicable(e) !== null)
      .map((e) => `${e.operation}: ${notApplicable(e) ?? ''}`);
    expect(skipped).toHaveLength(12);
    expect(applicable).toHaveLength(20);
  });

  it.each(applicable.map((e) => [e.operation, e] as const))('%s', async (_name, example) => {
    const r = await replay(example);
    expect(r.status).toBe(example.status);
    expect(shapeMismatches(example.responseBody, r.body)).toEqual([]);
    if (example.status === 429) expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    if (example.status === 403) {
      expect(r.body).toBeNull();
      expect(r.headers.get('x-ms-diagnostics')).toBeTruthy();
      expect(r.headers.get('request-id')).toBeTruthy();
    }
    if (example.url.includes('/adminapi/') && example.status !== 403) {
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      if (example.status === 200 && !example.url.endsWith('$batch')) {
        expect((r.body as Record<string, string>)['@odata.context']).toMatch(
          /\/\$metadata#Collection\(Exchange\.GenericHashTable\)$/,
        );
      }
    }
  });
});
