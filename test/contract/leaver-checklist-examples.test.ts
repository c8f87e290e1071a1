/**
 * Replays the documented request/response pairs of the leaver-checklist steps
 * (fixtures/leaver-checklist-examples.json, each with its source) against the seeded sandbox: same status
 * and the same body shape (every documented key present with a compatible JSON type, recursively). Values
 * are not compared: documented values are illustrative. Each pair names the pre-state it needs.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seeded, seededDevices, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { seededMeetings } from '../../src/sandbox/seed/checklist-seed.js';
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
    .replaceAll('{perm-id}', anonymousLinkId())
    .replaceAll('{device-identity}', seededDevices.mobileDeviceGuid)
    .replaceAll('{mobile-device-guid}', seededDevices.mobileDeviceGuid)
    .replaceAll('{sales-team-id}', seeded.groups.salesTeam)
    .replaceAll('{retail-security-id}', seeded.groups.retailSecurity)
    .replaceAll('{leaver-id}', U.adeleVance)
    .replaceAll('{now}', new Date(sb.state.now()).toISOString())
    .replaceAll('{in-120-days}', new Date(sb.state.now() + 120 * 86_400_000).toISOString());
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
  'List calendarView (future meetings of the leaver)': () => Promise.resolve(),
  'InvokeCommand Remove-CalendarEvents -CancelOrganizedMeetings': () => Promise.resolve(),
  "InvokeCommand Get-MobileDevice -Mailbox (the leaver's ActiveSync partnerships)": () => Promise.resolve(),
  'InvokeCommand Remove-MobileDevice (one partnership)': () => Promise.resolve(),
  'InvokeCommand Get-CASMailbox (client protocols of the leaver)': () => Promise.resolve(),
  'InvokeCommand Set-CASMailbox (turn off ActiveSync, Outlook on the web, POP and IMAP)': () =>
    Promise.resolve(),
  'InvokeCommand Clear-MobileDevice -NotificationEmailAddresses': () => Promise.resolve(),
  'InvokeCommand Clear-MobileDevice -AccountOnly': () => Promise.resolve(),
  'listGroupOwners (the Team the leaver owns alone)': () => Promise.resolve(),
  'removeGroupOwner (the leaver, from a group with another owner)': () => Promise.resolve(),
  "listRegisteredDevices (the leaver's Entra-registered phone)": () => Promise.resolve(),
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

describe('Clear-MobileDevice wipe requests (sandbox)', () => {
  async function invoke(name: string, parameters: Record<string, unknown>) {
    const res = await fetch(invokeUrl(), {
      method: 'POST',
      headers: { Authorization: `Bearer ${exchangeToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ CmdletInput: { CmdletName: name, Parameters: parameters } }),
    });
    return { status: res.status, body: (await res.json()) as { value?: Record<string, unknown>[] } };
  }
  const phone = () => sb.state.checklist.allMobileDevices()[0]?.wipe;
  const Identity = seededDevices.mobileDeviceGuid;

  it('records an account-only request that Get-MobileDevice shows, and -Cancel withdraws it', async () => {
    expect((await invoke('Clear-MobileDevice', { Identity, AccountOnly: true, Confirm: false })).status).toBe(
      200,
    );
    expect(phone()).toMatchObject({ accountOnly: true, notificationEmailAddresses: [] });
    const listed = await invoke('Get-MobileDevice', { Mailbox: 'adele.vance@contoso.com' });
    expect(listed.body.value?.[0]).toMatchObject({ DeviceWipeStatus: true });
    expect(listed.body.value?.[0]?.['DeviceWipeRequestTime']).toEqual(expect.any(String));

    expect((await invoke('Clear-MobileDevice', { Identity, Cancel: true, Confirm: false })).status).toBe(200);
    expect(phone()).toBeUndefined();
    const after = await invoke('Get-MobileDevice', { Mailbox: 'adele.vance@contoso.com' });
    expect(after.body.value?.[0]).toMatchObject({ DeviceWipeStatus: false, DeviceWipeRequestTime: null });
  });

  it('answers not found for a partnership that does not exist, and records nothing', async () => {
    const r = await invoke('Clear-MobileDevice', {
      Identity: 'adele.vance\\ExchangeActiveSyncDevices\\iPhone\u00a7NOSUCHDEVICE',
      AccountOnly: true,
    });
    expect(r.status).toBe(404);
    expect(sb.state.checklist.allMobileDevices().every((d) => d.wipe === undefined)).toBe(true);
  });
});

describe('meetings the leaver organises (sandbox)', () => {
  const E = seededMeetings;
  const isCancelled = (id: string): boolean =>
    sb.state.data.calendarEvents.get(id)?.cancelledDateTime !== undefined;
  async function invoke(parameters: Record<string, unknown>) {
    const res = await fetch(invokeUrl(), {
      method: 'POST',
      headers: { Authorization: `Bearer ${exchangeToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ CmdletInput: { CmdletName: 'Remove-CalendarEvents', Parameters: parameters } }),
    });
    return { status: res.status, text: await res.text() };
  }
  async function calendarView(user: string, days = 120) {
    const now = sb.state.now();
    const q = new URLSearchParams({
      startDateTime: new Date(now).toISOString(),
      endDateTime: new Date(now + days * 86_400_000).toISOString(),
      $top: '100',
    });
    const res = await fetch(`${sb.urls.graph}/users/${user}/calendarView?${q.toString()}`, {
      headers: { Authorization: `Bearer ${graphToken}` },
    });
    const body = (await res.json()) as {
      value?: {
        subject: string;
        isOrganizer: boolean;
        isCancelled: boolean;
        seriesMasterId: string | null;
      }[];
    };
    return { status: res.status, value: body.value ?? [] };
  }
  const cancel = {
    Identity: 'adele.vance@contoso.com',
    CancelOrganizedMeetings: true,
    QueryWindowInDays: 120,
  };

  it('calendarView expands the series, leaves out the past meeting and shows the one she attends', async () => {
    const r = await calendarView('adele.vance@contoso.com');
    expect(r.status).toBe(200);
    const subjects = new Set(r.value.map((e) => e.subject));
    expect([...subjects].sort()).toEqual(['Product roadmap', 'Quarterly review', 'Weekly sales sync']);
    expect(r.value.filter((e) => e.seriesMasterId === E.weeklySalesSync).length).toBeGreaterThan(10);
    expect(r.value.find((e) => e.subject === 'Product roadmap')?.isOrganizer).toBe(false);
  });

  it('calendarView needs the time window', async () => {
    const res = await fetch(`${sb.urls.graph}/users/adele.vance@contoso.com/calendarView`, {
      headers: { Authorization: `Bearer ${graphToken}` },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('ErrorInvalidParameter');
  });

  it('calendarView pages with a nextLink ($top defaults to 10)', async () => {
    const now = sb.state.now();
    const q = new URLSearchParams({
      startDateTime: new Date(now).toISOString(),
      endDateTime: new Date(now + 120 * 86_400_000).toISOString(),
    });
    const res = await fetch(`${sb.urls.graph}/users/${U.adeleVance}/calendarView?${q.toString()}`, {
      headers: { Authorization: `Bearer ${graphToken}` },
    });
    const body = (await res.json()) as { value: unknown[]; '@odata.nextLink'?: string };
    expect(body.value).toHaveLength(10);
    expect(body['@odata.nextLink']).toMatch(/(%24|\$)skip=10/);
  });

  it('-PreviewOnly changes nothing', async () => {
    expect((await invoke({ ...cancel, PreviewOnly: true })).status).toBe(200);
    expect(isCancelled(E.weeklySalesSync)).toBe(false);
    expect(sb.state.checklist.meetingCancellations()).toEqual([]);
  });

  it('cancels what she organises with attendees in the window; attendees keep a cancelled copy', async () => {
    expect((await invoke(cancel)).status).toBe(200);
    expect(isCancelled(E.weeklySalesSync)).toBe(true);
    expect(isCancelled(E.quarterlyReview)).toBe(true);
    expect(isCancelled(E.pastKickoff)).toBe(false);
    expect(isCancelled(E.roadmapAttended)).toBe(false);
    const adele = await calendarView('adele.vance@contoso.com');
    expect([...new Set(adele.value.map((e) => e.subject))]).toEqual(['Product roadmap']);
    const megan = await calendarView('megan.bowen@contoso.com');
    const review = megan.value.find((e) => e.subject === 'Canceled: Quarterly review');
    expect(review?.isCancelled).toBe(true);
    // Again: nothing left, success, nothing sent twice.
    expect((await invoke(cancel)).status).toBe(200);
    expect(sb.state.checklist.meetingCancellations()).toHaveLength(2);
  });

  it('refuses a window beyond 1825 days or without -CancelOrganizedMeetings, and changes nothing', async () => {
    const tooLong = await invoke({ ...cancel, QueryWindowInDays: 1826 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain('QueryWindowInDays');
    const noSwitch = await invoke({ Identity: 'adele.vance@contoso.com', QueryWindowInDays: 120 });
    expect(noSwitch.status).toBe(400);
    expect(sb.state.checklist.meetingCancellations()).toEqual([]);
    expect((await invoke({ ...cancel, QueryWindowInDays: 1825 })).status).toBe(200);
  });

  it('a short window leaves the later meeting', async () => {
    expect((await invoke({ ...cancel, QueryWindowInDays: 8 })).status).toBe(200);
    expect(isCancelled(E.weeklySalesSync)).toBe(true);
    expect(isCancelled(E.quarterlyReview)).toBe(false);
  });
});
