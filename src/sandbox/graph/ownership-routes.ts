/**
 * What a user owns and who owns an object: `ownedObjects`, the `owners` of groups, applications and
 * service principals (list, add and remove through `$ref`), and the manager reference (`PUT manager/$ref`).
 */
import type { RouteContext, RouteDefinition, SandboxResponse } from '../http/service.js';
import type { OwnedKind } from '../state/checklist-types.js';
import { directoryBadRequest, noContent, notFoundResource, ok } from './errors.js';
import { groupJson } from './groups-routes.js';
import { requireUser } from './lookup.js';
import { onPremMasteredMessage } from './user-update.js';
import { userReference } from './user-view.js';
import { userRead } from './users-routes.js';

const contextBase = 'https://graph.microsoft.com/v1.0/$metadata';
const groupOwnerRead = ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All'];
const appOwnerRead = ['Application.Read.All', 'Directory.Read.All'];

const segmentKinds: Record<string, OwnedKind> = {
  groups: 'group',
  applications: 'application',
  serviceprincipals: 'servicePrincipal',
};

function objectJson(rc: RouteContext, kind: OwnedKind, id: string): Record<string, unknown> | null {
  if (kind === 'group') {
    const group = rc.tenant.directory.getGroup(id);
    return group ? groupJson(group) : null;
  }
  const app = rc.tenant.checklist.getDirectoryApp(id);
  if (!app) return null;
  return {
    '@odata.type': `#microsoft.graph.${app.kind}`,
    id: app.id,
    appId: app.appId,
    displayName: app.displayName,
    createdDateTime: app.createdDateTime,
    deletedDateTime: null,
  };
}

function ownedObjects(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  const value = rc.tenant.checklist
    .ownedBy(user.id)
    .map((o) => objectJson(rc, o.objectKind, o.objectId))
    .filter((o): o is Record<string, unknown> => o !== null);
  return ok({ '@odata.context': `${contextBase}#directoryObjects`, value });
}

/** The group, application or service principal of the path, with its kind; Graph's 404 otherwise. */
function requireObject(rc: RouteContext, collection: string): { kind: OwnedKind; id: string } {
  const kind = segmentKinds[collection.toLowerCase()];
  const id = rc.request.params['objectId'] ?? '';
  if (kind === undefined || objectJson(rc, kind, id) === null) return notFoundResource(rc.request, id);
  return { kind, id };
}

function listOwners(collection: string) {
  return (rc: RouteContext): SandboxResponse => {
    const { id } = requireObject(rc, collection);
    const value = rc.tenant.checklist
      .ownerIds(id)
      .map((ownerId) => rc.tenant.directory.getUser(ownerId))
      .filter((u) => u !== undefined)
      // The documented owners list (group-list-owners) shows accountEnabled with each user.
      .map((u) => ({ ...userReference(u), accountEnabled: u.accountEnabled }));
    return ok({ '@odata.context': `${contextBase}#directoryObjects`, value });
  };
}

function referencedId(rc: RouteContext): string {
  const body = rc.request.body as Record<string, unknown> | undefined;
  const ref = typeof body?.['@odata.id'] === 'string' ? body['@odata.id'] : null;
  if (!ref) return directoryBadRequest(rc.request, "The request body must contain '@odata.id'.");
  return ref.replace(/\/+$/, '').split('/').pop() ?? '';
}

function addOwner(collection: string) {
  return (rc: RouteContext): SandboxResponse => {
    const { kind, id } = requireObject(rc, collection);
    const ownerId = referencedId(rc);
    if (!rc.tenant.directory.getUser(ownerId)) return notFoundResource(rc.request, ownerId);
    if (rc.tenant.checklist.addOwner(kind, id, ownerId) === 'exists') {
      directoryBadRequest(
        rc.request,
        "One or more added object references already exist for the following modified properties: 'owners'.",
      );
    }
    return noContent;
  };
}

function removeOwner(collection: string) {
  return (rc: RouteContext): SandboxResponse => {
    const { id } = requireObject(rc, collection);
    if (rc.tenant.checklist.removeOwner(id, rc.request.params['ownerId'] ?? '') === 'absent') {
      directoryBadRequest(
        rc.request,
        "One or more removed object references do not exist for the following modified properties: 'owners'.",
      );
    }
    return noContent;
  };
}

function setManager(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  const managerId = referencedId(rc);
  const manager = rc.tenant.directory.getUser(managerId);
  if (!manager) return notFoundResource(rc.request, managerId);
  if (user.onPremisesSyncEnabled === true) directoryBadRequest(rc.request, onPremMasteredMessage);
  rc.tenant.directory.updateUser(user.id, { managerId: manager.id });
  return noContent;
}

const ownerRoutes = (collection: string, read: string[], write: string[]): RouteDefinition[] => [
  {
    method: 'GET',
    path: `/v1.0/${collection}/:objectId/owners`,
    permissions: read,
    handler: listOwners(collection),
  },
  {
    method: 'POST',
    path: `/v1.0/${collection}/:objectId/owners/$ref`,
    permissions: write,
    operation: `${collection}.add-owner`,
    handler: addOwner(collection),
  },
  {
    method: 'DELETE',
    path: `/v1.0/${collection}/:objectId/owners/:ownerId/$ref`,
    permissions: write,
    operation: `${collection}.remove-owner`,
    handler: removeOwner(collection),
  },
];

export const ownershipRoutes: RouteDefinition[] = [
  { method: 'GET', path: '/v1.0/users/:id/ownedObjects', permissions: userRead, handler: ownedObjects },
  ...ownerRoutes('groups', groupOwnerRead, ['Group.ReadWrite.All', 'Directory.ReadWrite.All']),
  ...ownerRoutes('applications', appOwnerRead, ['Application.ReadWrite.All', 'Directory.ReadWrite.All']),
  ...ownerRoutes('servicePrincipals', appOwnerRead, ['Application.ReadWrite.All', 'Directory.ReadWrite.All']),
  {
    method: 'PUT',
    path: '/v1.0/users/:id/manager/$ref',
    permissions: ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
    operation: 'user.set-manager',
    handler: setManager,
  },
];
