/**
 * A second set of documented Graph request/response pairs (fixtures/graph-examples-more.json, each with the
 * Microsoft Learn / microsoft-graph-docs-contrib source it was copied from in `sourceUrl`), chosen from the
 * routes the product calls, replayed against the sandbox with seeded ids: status, `request-id` and the body
 * shape (every documented key present with a compatible JSON type; values are illustrative in the docs).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seeded, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { call, tokenFor, type CallResult } from '../unit/sandbox/support/sandbox-http.js';
import { shapeMismatches } from '../unit/sandbox/support/shape.js';

interface Example {
  operation: string;
  status: number;
  responseBody: unknown;
  sourceUrl: string;
}

const examples = JSON.parse(
  readFileSync(new URL('./fixtures/graph-examples-more.json', import.meta.url), 'utf8'),
) as Example[];
const U = seeded.users;
const G = seeded.groups;

interface Ctx {
  sb: Sandbox;
  token: string;
}
type Replay = { run: (c: Ctx) => Promise<CallResult>; ignore?: string[] } | { notApplicable: string };

const eventual = { ConsistencyLevel: 'eventual' };
const get = (c: Ctx, path: string, headers: Record<string, string> = {}): Promise<CallResult> =>
  call(c.sb, c.token, 'GET', path, { headers });
const send = (c: Ctx, method: string, path: string, body?: unknown): Promise<CallResult> =>
  call(c.sb, c.token, method, path, { body });
const beta = (c: Ctx, path: string): string => `${c.sb.urls.graph.replace(/\/v1\.0$/, '/beta')}${path}`;
const driveId = (c: Ctx, userId: string): string => c.sb.state.sharing.driveOfUser(userId)?.id ?? 'missing';
const catalogId = seeded.teamsApp.catalogId;
const manifestId = seeded.teamsApp.manifestId;
/** The documented deleted object is a group; groups are never deleted in the sandbox, a user is. */
const groupOnly = ['groupTypes', 'mailEnabled', 'mailNickname', 'securityEnabled', 'visibility'];

async function installedFor(c: Ctx, userId: string): Promise<string> {
  await send(c, 'POST', `/users/${userId}/teamwork/installedApps`, {
    'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${catalogId}`,
  });
  const list = await get(c, `/users/${userId}/teamwork/installedApps`);
  return (list.body as { value: { id: string }[] }).value[0]?.id ?? 'none';
}

const replays: Record<string, Replay> = {
  getDeletedItem: {
    run: async (c) => {
      await send(c, 'DELETE', `/users/${U.alexJohnsonFinance}`);
      return get(c, `/directory/deletedItems/${U.alexJohnsonFinance}`);
    },
    ignore: groupOnly,
  },
  restoreDeletedItem: {
    run: async (c) => {
      await send(c, 'DELETE', `/users/${U.alexJohnsonFinance}`);
      return send(c, 'POST', `/directory/deletedItems/${U.alexJohnsonFinance}/restore`);
    },
    ignore: groupOnly,
  },
  'listDeletedItems (groups)': { run: (c) => get(c, '/directory/deletedItems/microsoft.graph.group') },
  'listDeletedItems (groups, $count and $orderBy deletedDateTime)': {
    run: (c) =>
      get(
        c,
        '/directory/deletedItems/microsoft.graph.group?$count=true&$orderBy=deletedDateTime asc&$select=id,DisplayName,deletedDateTime',
        eventual,
      ),
  },
  listLicenseDetails: { run: (c) => get(c, `/users/${U.adeleVance}/licenseDetails`) },
  addGroupMember: {
    run: (c) =>
      send(c, 'POST', `/groups/${G.retailSecurity}/members/$ref`, {
        '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${U.meganBowen}`,
      }),
  },
  'addGroupMembers (PATCH members@odata.bind)': {
    notApplicable: 'group PATCH is not emulated; the product adds members one by one through members/$ref',
  },
  'listTeamsApps (distributionMethod organization)': {
    run: (c) => get(c, "/appCatalogs/teamsApps?$filter=distributionMethod eq 'organization'"),
  },
  'listTeamsApps (id)': { run: (c) => get(c, `/appCatalogs/teamsApps?$filter=id eq '${catalogId}'`) },
  'listTeamsApps (manifest externalId)': {
    run: (c) => get(c, `/appCatalogs/teamsApps?$filter=externalId eq '${manifestId}'`),
  },
  'listTeamsApps ($expand=appDefinitions)': {
    notApplicable:
      'app definitions (publishing state) are not emulated; the product reads the catalog id only',
  },
  'listTeamsApps (apps with a bot)': {
    notApplicable: 'app definitions and their bots are not emulated; the product filters on externalId',
  },
  'listTeamsApps beta (manifest externalId)': {
    run: (c) => get(c, beta(c, `/appCatalogs/teamsApps?$filter=externalId eq '${manifestId}'`)),
  },
  listInstalledAppsForUser: {
    run: async (c) => {
      await installedFor(c, U.meganBowen);
      return get(c, `/users/${U.meganBowen}/teamwork/installedApps`);
    },
  },
  'listInstalledAppsForUser ($expand=teamsAppDefinition)': {
    notApplicable: 'teamsAppDefinition is not emulated; the product expands teamsApp only',
  },
  'listInstalledAppsForUser ($expand=teamsApp,teamsAppDefinition, $filter externalId)': {
    notApplicable:
      'teamsAppDefinition and @odata.count on installedApps are not emulated; the product filters on teamsApp/id',
  },
  getInstalledAppChat: {
    run: async (c) => {
      const installation = await installedFor(c, U.meganBowen);
      return get(c, beta(c, `/users/${U.meganBowen}/teamwork/installedApps/${installation}/chat`));
    },
  },
  deleteDriveItemPermission: {
    run: async (c) => {
      const drive = driveId(c, U.adeleVance);
      const invited = await send(c, 'POST', `/drives/${drive}/root/invite`, {
        recipients: [{ email: 'megan.bowen@contoso.com' }],
        roles: ['read'],
        requireSignIn: true,
        sendInvitation: false,
      });
      const permId = (invited.body as { value: { id: string }[] }).value[0]?.id ?? 'none';
      return send(c, 'DELETE', `/drives/${drive}/root/permissions/${permId}`);
    },
  },
  'driveItemInvite (partial success)': {
    run: (c) =>
      send(c, 'POST', `/drives/${driveId(c, U.adeleVance)}/root/invite`, {
        recipients: [{ email: 'guest.nobody@fabrikam.example' }, { email: 'megan.bowen@contoso.com' }],
        requireSignIn: true,
        sendInvitation: true,
        roles: ['write'],
      }),
    // A failed recipient has no grant here (it could not be resolved), so it carries no id or grantee; the
    // documented failure is a notification failure after the grant. localizedMessage/fixItUrl are
    // OneDrive-consumer fields; expirationDateTime is echoed only when given.
    ignore: ['grantedTo', 'id', 'localizedMessage', 'fixItUrl', 'expirationDateTime'],
  },
  'getMailboxSettings (automaticRepliesSetting)': {
    run: (c) => get(c, `/users/${U.adeleVance}/mailboxSettings/automaticRepliesSetting`),
  },
  'getMailboxSettings (workingHours)': {
    notApplicable: 'working hours are not emulated; the product reads and writes automatic replies only',
  },
  'getManagerChain ($levels=max)': {
    run: (c) =>
      get(
        c,
        `/users/${U.pradeepGupta}?$expand=manager($levels=max;$select=id,displayName)&$select=id,displayName&$count=true`,
        eventual,
      ),
  },
  'listMemberOf ($count segment)': {
    notApplicable:
      '/$count path segments (text/plain counts) are not emulated; the product lists memberships',
  },
  'listMemberOf (cast, $count segment)': {
    notApplicable:
      '/$count path segments (text/plain counts) are not emulated; the product lists memberships',
  },
  'listMemberOf (cast, $search)': {
    run: (c) =>
      get(
        c,
        `/users/${U.adeleVance}/memberOf/microsoft.graph.group?$count=true&$orderby=displayName&$search="displayName:sales"&$select=displayName,id`,
        eventual,
      ),
  },
  'listMemberOf (cast, $filter startswith)': {
    run: (c) =>
      get(
        c,
        `/users/${U.adeleVance}/memberOf/microsoft.graph.group?$count=true&$orderby=displayName&$filter=startswith(displayName, 's')`,
        eventual,
      ),
  },
  'listUsers (sign-in name, identities/any)': {
    run: (c) =>
      get(
        c,
        "/users?$select=displayName,id&$filter=identities/any(c:c/issuerAssignedId eq 'adele.vance@contoso.com' and c/issuer eq 'contoso.com')",
      ),
  },
  'listUsers ($count segment)': {
    notApplicable: '/$count path segments (text/plain counts) are not emulated; the product lists users',
  },
  'listUsers ($filter startswith, $orderby, $top, $count)': {
    run: (c) =>
      get(c, "/users?$filter=startswith(displayName,'a')&$orderby=displayName&$count=true&$top=1", eventual),
    // mailNickname is not in the default property set (the documented guest entry shows it; a real call
    // without $select does not return it).
    ignore: ['mailNickname'],
  },
  'listUsers ($filter endswith mail, $orderby, $count)': {
    run: (c) =>
      get(
        c,
        "/users?$filter=endswith(mail,'e@contoso.com')&$orderby=userPrincipalName&$count=true",
        eventual,
      ),
  },
  'listUsers ($search OR, $count)': {
    run: (c) =>
      get(
        c,
        '/users?$search="displayName:wa" OR "displayName:ad"&$orderby=displayName&$count=true',
        eventual,
      ),
  },
  'listMemberOf (cast, appRoleAssignments/$count)': {
    notApplicable: 'app role assignments of groups are not emulated',
  },
};

let sb: Sandbox;
let ctx: Ctx;

beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
  ctx = { sb, token: await tokenFor(sb) };
});
afterAll(async () => {
  await sb.close();
});
beforeEach(() => {
  sb.reset();
});

describe('documented Graph examples (second set) replayed against the sandbox', () => {
  it('has a source and a replay or a reason for every documented pair', () => {
    expect(examples.filter((e) => !/^https:\/\//.test(e.sourceUrl)).map((e) => e.operation)).toEqual([]);
    expect(examples.map((e) => e.operation).filter((op) => !(op in replays))).toEqual([]);
  });

  for (const example of examples) {
    const replay = replays[example.operation];
    if (!replay || 'notApplicable' in replay) {
      it.skip(`${example.operation} — not applicable: ${replay && 'notApplicable' in replay ? replay.notApplicable : 'no replay'}`, () =>
        undefined);
      continue;
    }
    it(`${example.operation} → ${example.status}`, async () => {
      const res = await replay.run(ctx);
      expect(res.status, JSON.stringify(res.body)).toBe(example.status);
      expect(res.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
      if (example.responseBody !== null) {
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(shapeMismatches(example.responseBody, res.body, replay.ignore)).toEqual([]);
      } else {
        expect(res.body).toBeNull();
      }
    });
  }
});
