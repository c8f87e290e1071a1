/**
 * Replays the documented request/response pairs of the leaver-checklist steps
 * (fixtures/leaver-checklist-examples.json, each with its source) against the seeded sandbox: same status
 * and the same body shape (every documented key present with a compatible JSON type, recursively). Values
 * are not compared: documented values are illustrative. Each pair names the pre-state it needs.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seeded, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { tokenFor } from '../unit/sandbox/support/sandbox-http.js';

interface Example {
  operation: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  requestBody: unknown;
  status: number;
  responseBody: unknown;
  sourceUrl: string;
}

const examples = JSON.parse(
  readFileSync(new URL('./fixtures/leaver-checklist-examples.json', import.meta.url), 'utf8'),
) as Example[];

const U = seeded.users;
const DOCUMENTED_TENANT = '00000000-1111-2222-3333-444444444444';

let sb: Sandbox;
let initial: ReturnType<Sandbox['snapshot']>;
let graphToken: string;
let exchangeToken: string;

/** Documented placeholders → the seeded tenant (Adele Vance is the leaver). */
function adapt(text: string): string {
  return text
    .replaceAll(DOCUMENTED_TENANT, sb.tenant.tenantId)
    .replaceAll('leaver@contoso.com', 'adele.vance@contoso.com')
    .replaceAll('https://outlook.office365.com', sb.urls.exchange)
    .replaceAll('https://graph.microsoft.com/v1.0', sb.urls.graph)
    .replaceAll('{drive-id}', adeleDriveId())
    .replaceAll('{item-id}', seeded.driveItems.adeleForecast)
    .replaceAll('{perm-id}', anonymousLinkId());
}

const adeleDriveId = (): string => sb.state.sharing.driveOfUser(U.adeleVance)?.id ?? '';
/** The seeded anonymous link on Adele's forecast. */
const anonymousLinkId = (): string =>
  sb.state.sharing.permissions(adeleDriveId(), seeded.driveItems.adeleForecast)[0]?.id ?? '';

/** One call to the sandbox with the app's token (the pre-states go through the routes, as a client would). */
async function send(method: string, url: string, body?: unknown): Promise<number> {
  const token = url.startsWith(sb.urls.exchange) ? exchangeToken : graphToken;
  const res = await fetch(url, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  await res.arrayBuffer();
  return res.status;
}

const invokeUrl = (): string => `${sb.urls.exchange}/adminapi/beta/${sb.tenant.tenantId}/InvokeCommand`;
const cmdlet = (name: string, parameters: Record<string, unknown>) =>
  send('POST', invokeUrl(), { CmdletInput: { CmdletName: name, Parameters: parameters } });

/** The tenant state each pair documents. */
const setups: Record<string, () => Promise<void>> = {
  'InvokeCommand Get-Mailbox -InactiveMailboxOnly (held mailbox of a deleted user)': async () => {
    expect(
      await cmdlet('Set-Mailbox', { Identity: 'adele.vance@contoso.com', LitigationHoldEnabled: true }),
    ).toBe(200);
    expect(await send('DELETE', `${sb.urls.graph}/users/${U.adeleVance}`)).toBe(204);
  },
  'InvokeCommand Remove-DistributionGroupMember (distribution list)': () => Promise.resolve(),
  'InvokeCommand Remove-DistributionGroupMember (mail-enabled security group)': () => Promise.resolve(),
  'InvokeCommand Add-DistributionGroupMember (undo)': async () => {
    expect(
      await cmdlet('Remove-DistributionGroupMember', {
        Identity: 'sales-dl@contoso.com',
        Member: 'adele.vance@contoso.com',
        BypassSecurityGroupManagerCheck: true,
      }),
    ).toBe(200);
  },
  'listMemberOf with membershipRule (dynamic group reported with its rule)': () => Promise.resolve(),
  "Get sharepointSettings (deleted users' OneDrive retention)": () => Promise.resolve(),
  'listDriveItemPermissions (anonymous sharing link)': () => Promise.resolve(),
  "listChildren (top-level items of the leaver's OneDrive)": () => Promise.resolve(),
  'deletePermission (remove the anonymous link)': () => Promise.resolve(),
};

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

beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
  initial = sb.snapshot();
  graphToken = await tokenFor(sb);
  exchangeToken = await tokenFor(sb, { scope: 'https://outlook.office365.com/.default' });
});
afterAll(async () => sb.close());
beforeEach(() => {
  sb.restore(initial);
});

async function replay(e: Example): Promise<{ status: number; body: unknown }> {
  const url = adapt(e.url);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.headers)) headers[k] = adapt(v);
  headers['Authorization'] = `Bearer ${url.startsWith(sb.urls.exchange) ? exchangeToken : graphToken}`;
  const body = e.requestBody === null ? undefined : adapt(JSON.stringify(e.requestBody));
  const res = await fetch(url, { method: e.method, headers, ...(body !== undefined && { body }) });
  const text = await res.text();
  return { status: res.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

describe('documented leaver-checklist request/response pairs', () => {
  it('every pair names its source and its pre-state', () => {
    for (const e of examples) {
      expect(e.sourceUrl, e.operation).toMatch(/^https:\/\//);
      expect(Object.keys(setups), e.operation).toContain(e.operation);
    }
  });

  it.each(examples.map((e) => [e.operation, e] as const))('%s', async (_name, example) => {
    await setups[example.operation]?.();
    const r = await replay(example);
    expect(r.status).toBe(example.status);
    expect(shapeMismatches(example.responseBody, r.body)).toEqual([]);
  });
});

describe('distribution group membership refusals (sandbox)', () => {
  async function invoke(name: string, parameters: Record<string, unknown>) {
    const res = await fetch(invokeUrl(), {
      method: 'POST',
      headers: { Authorization: `Bearer ${exchangeToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ CmdletInput: { CmdletName: name, Parameters: parameters } }),
    });
    return { status: res.status, text: await res.text() };
  }
  const member = { Identity: 'sales-dl@contoso.com', Member: 'adele.vance@contoso.com' };

  it('refuses a change without BypassSecurityGroupManagerCheck, and changes nothing', async () => {
    const r = await invoke('Remove-DistributionGroupMember', member);
    expect(r.status).toBe(400);
    expect(r.text).toContain('OperationRequiresGroupManagerException');
    expect(sb.state.directory.members(seeded.groups.salesDistribution)).toContain(U.adeleVance);
  });

  it('answers MemberNotFoundException for a member already removed', async () => {
    const args = { ...member, BypassSecurityGroupManagerCheck: true };
    expect((await invoke('Remove-DistributionGroupMember', args)).status).toBe(200);
    const again = await invoke('Remove-DistributionGroupMember', args);
    expect(again.status).toBe(400);
    expect(again.text).toContain('MemberNotFoundException');
  });

  it('refuses dynamic and Microsoft 365 groups as not distribution groups', async () => {
    for (const group of [seeded.groups.allSalesDynamic, seeded.groups.salesTeam]) {
      const r = await invoke('Remove-DistributionGroupMember', {
        Identity: group,
        Member: 'adele.vance@contoso.com',
        BypassSecurityGroupManagerCheck: true,
      });
      expect(r.status).toBe(404);
    }
  });
});
