/** Group memberships: `memberOf` (with the group cast), add member (`$ref`), remove member (`$ref`). */
import type { RouteContext, RouteDefinition, SandboxResponse } from '../http/service.js';
import type { GroupRecord } from '../state/directory-types.js';
import { directoryBadRequest, noContent, notFoundResource, ok } from './errors.js';
import { runListQuery } from './list-query.js';
import { requireUser } from './lookup.js';
import { onPremMasteredMessage } from './user-update.js';

const memberRead = [
  'Directory.Read.All',
  'Directory.ReadWrite.All',
  'GroupMember.Read.All',
  'Group.Read.All',
];
const memberWrite = ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'];

export function groupJson(g: GroupRecord): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.group',
    id: g.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: g.createdDateTime,
    description: g.description,
    displayName: g.displayName,
    groupTypes: [...g.groupTypes],
    isAssignableToRole: g.isAssignableToRole,
    mail: g.mail,
    mailEnabled: g.mailEnabled,
    mailNickname: g.mailNickname,
    membershipRule: g.membershipRule,
    membershipRuleProcessingState: g.membershipRuleProcessingState,
    onPremisesSyncEnabled: g.onPremisesSyncEnabled,
    resourceProvisioningOptions: [...g.resourceProvisioningOptions],
    securityEnabled: g.securityEnabled,
    visibility: g.visibility,
  };
}

/** A group with every property, only for the property names `$select` accepts. */
const sampleGroup: GroupRecord = {
  id: '',
  displayName: '',
  description: null,
  mail: null,
  mailNickname: '',
  mailEnabled: false,
  securityEnabled: false,
  groupTypes: [],
  membershipRule: null,
  membershipRuleProcessingState: null,
  onPremisesSyncEnabled: null,
  resourceProvisioningOptions: [],
  isAssignableToRole: false,
  visibility: null,
  assignedLicenses: [],
  createdDateTime: '',
};

function memberOf(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  const groups = rc.tenant.directory
    .memberOf(user.id)
    .map((id) => rc.tenant.directory.getGroup(id))
    .filter((g): g is GroupRecord => g !== undefined)
    .map(groupJson);
  const cast = rc.request.params['cast'];
  if (cast !== undefined && cast.toLowerCase() !== 'microsoft.graph.group') {
    return directoryBadRequest(rc.request, `Resource not found for the segment '${cast}'.`);
  }
  const rawSelect = [...rc.request.query].find(([k]) => k.toLowerCase() === '$select')?.[1];
  const select = rawSelect
    ? rawSelect
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : null;
  const known = new Set(Object.keys(groupJson(sampleGroup)).map((k) => k.toLowerCase()));
  const unknown = select?.find((name) => !known.has(name.toLowerCase()));
  if (unknown !== undefined)
    return directoryBadRequest(
      rc.request,
      `Could not find a property named '${unknown}' on type 'microsoft.graph.group'.`,
    );
  const path = `/v1.0/users/${encodeURIComponent(user.id)}/memberOf${cast ? `/${cast}` : ''}`;
  const page = runListQuery(
    rc.request,
    groups,
    { typeName: 'microsoft.graph.group', defaultPageSize: 100, maxPageSize: 999, collectionPath: path },
    (g) => g,
  );
  const body: Record<string, unknown> = {
    '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#${cast ? 'groups' : 'directoryObjects'}`,
  };
  if (page.count !== null) body['@odata.count'] = page.count;
  if (page.nextLink) body['@odata.nextLink'] = page.nextLink;
  body['value'] = page.items.map((g) => {
    if (!select) return g;
    const out: Record<string, unknown> = { '@odata.type': '#microsoft.graph.group' };
    for (const s of select) {
      const name = Object.keys(g).find((k) => k.toLowerCase() === s.toLowerCase()) ?? s;
      out[name] = g[name] ?? null;
    }
    return out;
  });
  return ok(body);
}

function requireGroup(rc: RouteContext): GroupRecord {
  const id = rc.request.params['groupId'] ?? '';
  const group = rc.tenant.directory.getGroup(id);
  if (!group) return notFoundResource(rc.request, id);
  return group;
}

/** Dynamic, synced and mail-enabled (non-Unified) groups can't be changed through Graph. */
function assertManageable(rc: RouteContext, g: GroupRecord): void {
  if (g.groupTypes.includes('DynamicMembership')) {
    directoryBadRequest(
      rc.request,
      "Insufficient privileges to complete the operation. You can't add or remove members of a group with dynamic membership.",
    );
  }
  if (g.onPremisesSyncEnabled === true) directoryBadRequest(rc.request, onPremMasteredMessage);
  if (g.mailEnabled && !g.groupTypes.includes('Unified')) {
    directoryBadRequest(rc.request, 'Cannot Update a mail-enabled security groups and or distribution list.');
  }
}

/** What Graph answers when adding a member already there, or removing one that isn't. */
const noopMessages = {
  add: "One or more added object references already exist for the following modified properties: 'members'.",
  remove:
    "One or more removed object references do not exist for the following modified properties: 'members'.",
};

/** Adds or removes a member: the group must be manageable and the member exist; a change to nothing is refused. */
function changeMember(
  rc: RouteContext,
  group: GroupRecord,
  memberId: string,
  change: 'add' | 'remove',
): SandboxResponse {
  assertManageable(rc, group);
  const directory = rc.tenant.directory;
  if (!directory.getUser(memberId) && !directory.getGroup(memberId))
    return notFoundResource(rc.request, memberId);
  const isNoop =
    change === 'add'
      ? directory.addMember(group.id, memberId) === 'exists'
      : directory.removeMember(group.id, memberId) === 'absent';
  if (isNoop) directoryBadRequest(rc.request, noopMessages[change]);
  return noContent;
}

function removeMember(rc: RouteContext): SandboxResponse {
  const group = requireGroup(rc);
  return changeMember(rc, group, rc.request.params['memberId'] ?? '', 'remove');
}

function addMember(rc: RouteContext): SandboxResponse {
  const group = requireGroup(rc);
  const body = rc.request.body as Record<string, unknown> | undefined;
  const ref = typeof body?.['@odata.id'] === 'string' ? body['@odata.id'] : null;
  if (!ref) return directoryBadRequest(rc.request, "The request body must contain '@odata.id'.");
  return changeMember(rc, group, ref.replace(/\/+$/, '').split('/').pop() ?? '', 'add');
}

export const groupRoutes: RouteDefinition[] = [
  { method: 'GET', path: '/v1.0/users/:id/memberOf', permissions: memberRead, handler: memberOf },
  { method: 'GET', path: '/v1.0/users/:id/memberOf/:cast', permissions: memberRead, handler: memberOf },
  {
    method: 'DELETE',
    path: '/v1.0/groups/:groupId/members/:memberId/$ref',
    permissions: memberWrite,
    operation: 'group.remove-member',
    handler: removeMember,
  },
  {
    method: 'POST',
    path: '/v1.0/groups/:groupId/members/$ref',
    permissions: memberWrite,
    operation: 'group.add-member',
    handler: addMember,
  },
];
