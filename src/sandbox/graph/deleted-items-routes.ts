/** Deleted users: list, get and restore (`/directory/deletedItems`). */
import type { RouteContext, RouteDefinition, SandboxResponse } from '../http/service.js';
import type { DeletedUserRecord } from '../state/directory-types.js';
import { directoryBadRequest, notFoundResource, ok } from './errors.js';
import { fullUserJson, project } from './user-view.js';

function deletedJson(rc: RouteContext, d: DeletedUserRecord): Record<string, unknown> {
  const full = fullUserJson(rc.tenant, d.user);
  return {
    '@odata.type': '#microsoft.graph.user',
    ...project(full, null),
    deletedDateTime: d.deletedDateTime,
  };
}

function listDeletedUsers(rc: RouteContext): SandboxResponse {
  const value = [...rc.tenant.directory.deletedUsers()].map((d) => deletedJson(rc, d));
  return ok({
    '@odata.context':
      'https://graph.microsoft.com/v1.0/$metadata#directory/deletedItems/microsoft.graph.user',
    value,
  });
}

/**
 * `GET /directory/deletedItems/microsoft.graph.group`: the sandbox has no group deletion, so the list is
 * always empty, in the documented collection shape (directory-deleteditems-list).
 */
function listDeletedGroups(rc: RouteContext): SandboxResponse {
  const q = (name: string): string | null =>
    [...rc.request.query].find(([k]) => k.toLowerCase() === name)?.[1] ?? null;
  const body: Record<string, unknown> = {
    '@odata.context':
      'https://graph.microsoft.com/v1.0/$metadata#directory/deletedItems/microsoft.graph.group',
  };
  if (q('$count')?.toLowerCase() === 'true') {
    // $count (and $orderBy on deletedDateTime) are advanced queries: ConsistencyLevel: eventual.
    if ((rc.request.headers['consistencylevel'] ?? '').toLowerCase() !== 'eventual')
      return directoryBadRequest(
        rc.request,
        "$count is only supported with the header 'ConsistencyLevel: eventual'.",
      );
    body['@odata.count'] = 0;
  }
  body['value'] = [];
  return ok(body);
}

function getDeleted(rc: RouteContext): SandboxResponse {
  const id = rc.request.params['id'] ?? '';
  const d = rc.tenant.directory.getDeletedUser(id);
  if (!d) return notFoundResource(rc.request, id);
  return ok({
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directoryObjects/$entity',
    ...deletedJson(rc, d),
  });
}

function restore(rc: RouteContext): SandboxResponse {
  const id = rc.request.params['id'] ?? '';
  const d = rc.tenant.directory.getDeletedUser(id);
  if (!d) return notFoundResource(rc.request, id);
  if (rc.tenant.directory.restoreConflicts(id)) {
    return directoryBadRequest(
      rc.request,
      'A conflicting object with one or more of the specified property values is present in the directory.',
    );
  }
  const user = rc.tenant.directory.restoreUser(id);
  if (rc.tenant.exchange.getMailbox(id))
    rc.tenant.exchange.updateMailbox(id, { whenSoftDeleted: null, isInactiveMailbox: false });
  return ok({
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directoryObjects/$entity',
    '@odata.type': '#microsoft.graph.user',
    ...project(fullUserJson(rc.tenant, user), null),
  });
}

const deletedRead = [
  'User.DeleteRestore.All',
  'User.Read.All',
  'User.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
const deletedItems = '/v1.0/directory/deletedItems';
export const deletedItemsRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    path: `${deletedItems}/microsoft.graph.user`,
    permissions: deletedRead,
    handler: listDeletedUsers,
  },
  {
    method: 'GET',
    path: `${deletedItems}/microsoft.graph.group`,
    permissions: ['Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    handler: listDeletedGroups,
  },
  { method: 'GET', path: `${deletedItems}/:id`, permissions: deletedRead, handler: getDeleted },
  {
    method: 'POST',
    path: `${deletedItems}/:id/restore`,
    permissions: ['User.DeleteRestore.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
    operation: 'user.restore',
    handler: restore,
  },
];
