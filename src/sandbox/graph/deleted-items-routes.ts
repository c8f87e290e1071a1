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
  { method: 'GET', path: `${deletedItems}/:id`, permissions: deletedRead, handler: getDeleted },
  {
    method: 'POST',
    path: `${deletedItems}/:id/restore`,
    permissions: ['User.DeleteRestore.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
    operation: 'user.restore',
    handler: restore,
  },
];
