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
  if (p.expirationDateTime !== undefined && p.expirationDateTime !== null)
    out['expirationDateTime'] = p.expirationDateTime;
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

interface ResolvedRecipient {
  key: string;
  email: string | null;
  userId: string | null;
}

/** The key of a driveRecipient (objectId, email or alias), or null when it names none. */
function recipientKey(raw: unknown): { key: string; email: string | null } | null {
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const email = typeof o['email'] === 'string' && o['email'] !== '' ? o['email'] : null;
  for (const name of ['objectId', 'email', 'alias']) {
    const v = o[name];
    if (typeof v === 'string' && v !== '') return { key: v, email };
  }
  return null;
}

/**
 * `POST …/invite`. The request as a whole is validated before anything is written (a 400 grants nothing).
 * Recipients are then answered one by one: when some can't be resolved (app-only callers can't invite new
 * guests), the others are granted and the answer is 207 Multi-Status with an `error` object on each failed
 * recipient (driveItem-invite "Partial success response"); when none can be, 400 and nothing is written.
 */
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
  if (body['password'] !== undefined && body['password'] !== null) {
    // "The password set on the invite by the creator. Optional and OneDrive Personal only."
    return fail(
      rc.request,
      400,
      'invalidRequest',
      'password is supported only on OneDrive personal; this drive is OneDrive for Business.',
    );
  }
  const expiration = parseExpiration(rc, body['expirationDateTime']);
  const keys = (recipients as unknown[]).map(recipientKey);
  if (keys.some((k) => k === null))
    return fail(rc.request, 400, 'invalidRequest', 'Each recipient needs an email, objectId or alias.');
  const resolved: ResolvedRecipient[] = keys.map((k) => {
    const key = k as { key: string; email: string | null };
    return { ...key, userId: rc.tenant.directory.getUser(key.key)?.id ?? null };
  });
  if (resolved.every((r) => r.userId === null)) {
    const first = resolved[0]?.key ?? '';
    return fail(rc.request, 400, 'invalidRequest', unresolvedMessage(first));
  }
  const signInRequired = body['requireSignIn'] !== false;
  const value = resolved.map((r) => {
    if (r.userId === null) {
      return {
        invitation: { email: r.email ?? r.key, signInRequired },
        roles: [...(roles as string[])],
        error: {
          code: 'invalidRequest',
          message: unresolvedMessage(r.key),
          innererror: { code: 'recipientNotResolved' },
        },
      };
    }
    const user = rc.tenant.directory.getUser(r.userId);
    const record = rc.tenant.sharing.grant(
      d.id,
      item,
      { kind: 'user', userId: r.userId },
      roles as string[],
      r.email ?? user?.mail ?? null,
      signInRequired,
      expiration,
    );
    return permissionJson(rc, record);
  });
  const isPartial = resolved.some((r) => r.userId === null);
  return ok(
    {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.permission)',
      value,
    },
    isPartial ? 207 : 200,
  );
}

function unresolvedMessage(key: string): string {
  return `Recipient '${key}' could not be resolved and new guests can't be invited by an application.`;
}

/** `expirationDateTime`: an ISO date-time in the future, or absent. */
function parseExpiration(rc: RouteContext, raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  const ms = typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms))
    return fail(rc.request, 400, 'invalidRequest', 'expirationDateTime is not a valid date and time.');
  if (ms <= rc.tenant.now())
    return fail(rc.request, 400, 'invalidRequest', 'expirationDateTime must be in the future.');
  return new Date(ms).toISOString();
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
