/** OneDrive: a user's drive, sharing invitations and the permissions of the root (or an item). */
import type { RouteContext, RouteDefinition, SandboxResponse } from '../http/service.js';
import type { DrivePermissionRecord, DriveRecord } from '../state/exchange-types.js';
import { fail, noContent, ok } from './errors.js';
import { requireUser } from './lookup.js';

function driveJson(rc: RouteContext, d: DriveRecord): Record<string, unknown> {
  const owner = rc.tenant.directory.getUser(d.ownerUserId);
  return {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#drives/$entity',
    createdDateTime: d.createdDateTime,
    description: '',
    id: d.id,
    lastModifiedDateTime: d.createdDateTime,
    name: 'OneDrive',
    webUrl: d.webUrl,
    driveType: 'business',
    createdBy: { user: { displayName: 'System Account' } },
    owner: { user: { email: owner?.mail ?? null, id: d.ownerUserId, displayName: owner?.displayName ?? '' } },
    quota: { ...d.quota },
  };
}

function getUserDrive(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  const d = rc.tenant.sharing.driveOfUser(user.id);
  if (!d) return fail(rc.request, 404, 'itemNotFound', 'The resource could not be found.');
  return ok(driveJson(rc, d));
}

function requireDrive(rc: RouteContext): DriveRecord {
  const id = rc.request.params['driveId'] ?? '';
  const d = rc.tenant.sharing.getDrive(id);
  if (!d) return fail(rc.request, 404, 'itemNotFound', 'The resource could not be found.');
  return d;
}

function itemId(rc: RouteContext, d?: DriveRecord): string {
  const item = rc.request.params['itemId'];
  if (item === undefined || item.toLowerCase() === 'root') return 'root';
  if (d?.items?.some((i) => i.id === item)) return item;
  return fail(rc.request, 404, 'itemNotFound', 'The resource could not be found.');
}

/** A sharing link as Graph prints it (permission resource, `link` facet). */
function linkJson(rc: RouteContext, p: DrivePermissionRecord): Record<string, unknown> | null {
  if (p.grantee.kind !== 'link') return null;
  return {
    id: p.id,
    roles: [...p.roles],
    hasPassword: false,
    shareId: `s!${p.id}`,
    link: {
      scope: p.grantee.scope,
      type: p.grantee.type,
      webUrl: `https://${rc.tenant.info.sharePointTenantName}-my.sharepoint.com/:x:/g/personal/${p.id}`,
      preventsDownload: false,
    },
    grantedToIdentitiesV2: [],
  };
}

function permissionJson(rc: RouteContext, p: DrivePermissionRecord): Record<string, unknown> {
  const link = linkJson(rc, p);
  if (link) return link;
  const user = p.grantee.kind === 'user' ? rc.tenant.directory.getUser(p.grantee.userId) : undefined;
  const identity = user ? { id: user.id, displayName: user.displayName } : null;
  const out: Record<string, unknown> = { id: p.id, roles: [...p.roles] };
  if (identity) {
    out['@deprecated.GrantedTo'] = 'GrantedTo has been deprecated. Refer to GrantedToV2';
    out['grantedTo'] = { user: identity };
    out['grantedToV2'] = {
      user: { ...identity, email: user?.mail ?? null },
      siteUser: {
        id: '1',
        displayName: identity.displayName,
        loginName: `i:0#.f|membership|${user?.userPrincipalName ?? ''}`,
      },
    };
  }
  if (p.invitationEmail !== null)
    out['invitation'] = { email: p.invitationEmail, signInRequired: p.signInRequired };
  return out;
}

function listPermissions(rc: RouteContext): SandboxResponse {
  const d = requireDrive(rc);
  const item = itemId(rc, d);
  const owner = rc.tenant.directory.getUser(d.ownerUserId);
  const ownerEntry = owner
    ? [
        {
          id: 'owner',
          roles: ['owner'],
          grantedToV2: { user: { id: owner.id, displayName: owner.displayName, email: owner.mail } },
          grantedTo: { user: { id: owner.id, displayName: owner.displayName } },
        },
      ]
    : [];
  const value = [
    ...ownerEntry,
    ...rc.tenant.sharing.permissions(d.id, item).map((p) => permissionJson(rc, p)),
  ];
  return ok({
    '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#drives('${d.id}')/items('${item}')/permissions`,
    value,
  });
}

function invite(rc: RouteContext): SandboxResponse {
  const d = requireDrive(rc);
  const item = itemId(rc, d);
  const body = (rc.request.body ?? {}) as Record<string, unknown>;
  const recipients = body['recipients'];
  const roles = body['roles'];
  if (!Array.isArray(recipients) || recipients.length === 0)
    return fail(rc.request, 400, 'invalidRequest', 'recipients is required.');
  if (!Array.isArray(roles) || roles.length === 0 || roles.some((r) => r !== 'read' && r !== 'write')) {
    return fail(rc.request, 400, 'invalidRequest', "roles must contain 'read' or 'write'.");
  }
  if (typeof body['message'] === 'string' && body['message'].length > 2000)
    return fail(rc.request, 400, 'invalidRequest', 'message is longer than 2000 characters.');
  const signInRequired = body['requireSignIn'] !== false;
  const value = [];
  for (const r of recipients as unknown[]) {
    const o = (r ?? {}) as Record<string, unknown>;
    const key =
      typeof o['objectId'] === 'string'
        ? o['objectId']
        : typeof o['email'] === 'string'
          ? o['email']
          : typeof o['alias'] === 'string'
            ? o['alias']
            : '';
    if (!key)
      return fail(rc.request, 400, 'invalidRequest', 'Each recipient needs an email, objectId or alias.');
    const user = rc.tenant.directory.getUser(key);
    if (!user) {
      // App-only calls can't invite new guests.
      return fail(
        rc.request,
        400,
        'invalidRequest',
        `Recipient '${key}' could not be resolved and new guests can't be invited by an application.`,
      );
    }
    const record = rc.tenant.sharing.grant(
      d.id,
      item,
      { kind: 'user', userId: user.id },
      roles as string[],
      typeof o['email'] === 'string' ? o['email'] : user.mail,
      signInRequired,
    );
    value.push(permissionJson(rc, record));
  }
  return ok({
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.permission)',
    value,
  });
}

function deletePermission(rc: RouteContext): SandboxResponse {
  const d = requireDrive(rc);
  itemId(rc, d);
  const id = rc.request.params['permissionId'] ?? '';
  if (rc.tenant.sharing.removePermission(d.id, id) === 'absent')
    return fail(rc.request, 404, 'itemNotFound', 'The resource could not be found.');
  return noContent;
}

/** `GET /drives/{id}/root/children`: the top-level files and folders. */
function listChildren(rc: RouteContext): SandboxResponse {
  const d = requireDrive(rc);
  const value = (d.items ?? []).map((i) => ({
    id: i.id,
    name: i.name,
    createdDateTime: i.createdDateTime,
    lastModifiedDateTime: i.createdDateTime,
    webUrl: `${d.webUrl}/${encodeURIComponent(i.name)}`,
    parentReference: { driveId: d.id, driveType: 'business', path: '/drive/root:' },
    ...(i.isFolder ? { folder: { childCount: 0 } } : { file: { mimeType: 'application/octet-stream' } }),
  }));
  return ok({
    '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#drives('${d.id}')/root/children`,
    value,
  });
}

const filesRead = ['Files.Read.All', 'Files.ReadWrite.All', 'Sites.Read.All', 'Sites.ReadWrite.All'];
const filesWrite = ['Files.ReadWrite.All', 'Sites.ReadWrite.All'];
/** Every item route also answers for the drive's root folder (`root` instead of `items/{itemId}`). */
const rootAndItem = ['/v1.0/drives/:driveId/root', '/v1.0/drives/:driveId/items/:itemId'];
const onRootAndItem = (route: (itemPath: string) => RouteDefinition): RouteDefinition[] =>
  rootAndItem.map(route);

export const driveRoutes: RouteDefinition[] = [
  { method: 'GET', path: '/v1.0/users/:id/drive', permissions: filesRead, handler: getUserDrive },
  {
    method: 'GET',
    path: '/v1.0/drives/:driveId/root/children',
    permissions: filesRead,
    handler: listChildren,
  },
  ...onRootAndItem((item) => ({
    method: 'POST',
    path: `${item}/invite`,
    permissions: filesWrite,
    operation: 'drive.invite',
    handler: invite,
  })),
  ...onRootAndItem((item) => ({
    method: 'GET',
    path: `${item}/permissions`,
    permissions: filesRead,
    handler: listPermissions,
  })),
  ...onRootAndItem((item) => ({
    method: 'DELETE',
    path: `${item}/permissions/:permissionId`,
    permissions: filesWrite,
    operation: 'drive.remove-permission',
    handler: deletePermission,
  })),
];
