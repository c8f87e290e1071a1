/**
 * `GET /users/{id}/transitiveMemberOf`: the groups a user belongs to directly or through nested
 * groups, and the directory roles the user holds, as directoryObjects with their `@odata.type`
 * (user-list-transitivememberof.md). Default page size 100, `$top` up to 999, `$select` honoured.
 * OData casts (which Graph serves only as advanced queries) are not served.
 */
import type { RouteContext, RouteDefinition, SandboxResponse } from '../http/service.js';
import type { DirectoryStore } from '../state/directory-store.js';
import { directoryRoleJson, directoryRoleNamed } from './directory-roles.js';
import { ok } from './errors.js';
import { groupJson } from './groups-routes.js';
import { runListQuery } from './list-query.js';
import { requireUser } from './lookup.js';

const memberRead = [
  'User.Read.All',
  'GroupMember.Read.All',
  'Group.Read.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];

/** Every group reachable from `memberId` through memberships, each once (cycles are possible in Entra). */
function transitiveGroupIds(directory: DirectoryStore, memberId: string): string[] {
  const seen = new Set<string>();
  const queue = [...directory.memberOf(memberId)];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    if (seen.has(id)) continue;
    seen.add(id);
    queue.push(...directory.memberOf(id));
  }
  return [...seen];
}

function transitiveMemberOf(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  const directory = rc.tenant.directory;
  const groups = transitiveGroupIds(directory, user.id)
    .map((id) => directory.getGroup(id))
    .filter((g) => g !== undefined)
    .map(groupJson);
  const roles = user.directoryRoles
    .map(directoryRoleNamed)
    .filter((r) => r !== undefined)
    .map(directoryRoleJson);
  const objects = [...groups, ...roles];
  const path = `/v1.0/users/${encodeURIComponent(user.id)}/transitiveMemberOf`;
  const page = runListQuery(
    rc.request,
    objects,
    {
      typeName: 'microsoft.graph.directoryObject',
      defaultPageSize: 100,
      maxPageSize: 999,
      collectionPath: path,
    },
    (o) => o,
  );
  const rawSelect = [...rc.request.query].find(([k]) => k.toLowerCase() === '$select')?.[1];
  const select = rawSelect
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const body: Record<string, unknown> = {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directoryObjects',
  };
  if (page.count !== null) body['@odata.count'] = page.count;
  if (page.nextLink) body['@odata.nextLink'] = page.nextLink;
  body['value'] = page.items.map((o) => {
    if (!select) return o;
    // Properties the object's type does not have are left out, as Graph does for derived types.
    const out: Record<string, unknown> = { '@odata.type': o['@odata.type'] };
    for (const s of select) if (s in o) out[s] = o[s];
    return out;
  });
  return ok(body);
}

export const transitiveMemberOfRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    path: '/v1.0/users/:id/transitiveMemberOf',
    permissions: memberRead,
    handler: transitiveMemberOf,
  },
];
