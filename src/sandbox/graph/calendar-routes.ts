/** Calendar permissions of a mailbox's (localized) default calendar: list, create, delete. */
import type { RouteContext, RouteDefinition, SandboxResponse } from '../http/service.js';
import type { FolderPermissionRecord, FolderTrustee } from '../state/exchange-types.js';
import {
  allowedRoles,
  calendarRoles,
  exchangeRights,
  graphRole,
  type CalendarRole,
} from './calendar-roles.js';
import { fail, noContent, ok } from './errors.js';
import { requireMailbox, requireUser } from './lookup.js';

const meta = 'https://graph.microsoft.com/v1.0/$metadata';

function permissionJson(rc: RouteContext, p: FolderPermissionRecord): Record<string, unknown> {
  let emailAddress: Record<string, string> = { name: 'My Organization' };
  const t = p.trustee;
  if (t.kind === 'recipient') {
    const r = rc.tenant.directory.getUser(t.recipientId) ?? rc.tenant.directory.getGroup(t.recipientId);
    emailAddress = { name: r?.displayName ?? t.recipientId, address: r?.mail ?? '' };
  } else if (t.kind === 'external') {
    emailAddress = { name: t.name, address: t.address };
  } else if (t.kind === 'anonymous') {
    emailAddress = { name: 'Anonymous' };
  }
  return {
    id: p.id,
    isRemovable: t.kind === 'recipient' || t.kind === 'external',
    isInsideOrganization: t.kind !== 'external' && t.kind !== 'anonymous',
    role: graphRole(p),
    allowedRoles: allowedRoles(t.kind),
    emailAddress,
  };
}

function listCalendarPermissions(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  const m = requireMailbox(rc, user);
  const value = rc.tenant.exchange.folderPermissions(m.userId).map((p) => permissionJson(rc, p));
  return ok({ '@odata.context': `${meta}#users('${user.id}')/calendar/calendarPermissions`, value });
}

function createCalendarPermission(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  const m = requireMailbox(rc, user);
  const body = (rc.request.body ?? {}) as Record<string, unknown>;
  const email = body['emailAddress'] as Record<string, unknown> | undefined;
  const address = typeof email?.['address'] === 'string' ? email['address'] : '';
  const role = body['role'];
  if (!address)
    return fail(rc.request, 400, 'ErrorInvalidRequest', 'The emailAddress.address property is required.');
  if (typeof role !== 'string' || !(calendarRoles as readonly string[]).includes(role) || role === 'custom') {
    return fail(rc.request, 400, 'ErrorInvalidRequest', `The role '${String(role)}' is not valid.`);
  }
  const recipient = rc.tenant.findRecipient(address);
  const trustee: FolderTrustee = recipient
    ? { kind: 'recipient', recipientId: recipient.kind === 'user' ? recipient.user.id : recipient.group.id }
    : { kind: 'external', address, name: typeof email?.['name'] === 'string' ? email['name'] : address };
  if (!allowedRoles(trustee.kind).includes(role as CalendarRole))
    return fail(
      rc.request,
      400,
      'ErrorInvalidRequest',
      `The role '${role}' is not allowed for this recipient.`,
    );
  const rights = exchangeRights(role as CalendarRole);
  if (!rights) return fail(rc.request, 400, 'ErrorInvalidRequest', `The role '${role}' is not valid.`);
  const { record } = rc.tenant.exchange.setFolderPermission(
    m.userId,
    trustee,
    rights.accessRights,
    rights.flags,
  );
  return ok({
    '@odata.context': `${meta}#users('${user.id}')/calendar/calendarPermissions/$entity`,
    ...permissionJson(rc, record),
  });
}

function deleteCalendarPermission(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  const m = requireMailbox(rc, user);
  const id = rc.request.params['permissionId'] ?? '';
  const p = rc.tenant.exchange.folderPermissions(m.userId).find((x) => x.id === id);
  if (!p)
    return fail(rc.request, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
  if (p.trustee.kind === 'default' || p.trustee.kind === 'anonymous') {
    return fail(
      rc.request,
      400,
      'ErrorInvalidRequest',
      "The default and anonymous calendar permissions can't be removed; change their role instead.",
    );
  }
  rc.tenant.exchange.removeFolderPermission(m.userId, p.trustee);
  return noContent;
}

const permissionsPath = '/v1.0/users/:id/calendar/calendarPermissions';
const calendarWrite = ['Calendars.ReadWrite'];
export const calendarRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    path: permissionsPath,
    permissions: ['Calendars.Read', 'Calendars.ReadWrite'],
    handler: listCalendarPermissions,
  },
  {
    method: 'POST',
    path: permissionsPath,
    permissions: calendarWrite,
    operation: 'calendar.grant',
    handler: createCalendarPermission,
  },
  {
    method: 'DELETE',
    path: `${permissionsPath}/:permissionId`,
    permissions: calendarWrite,
    operation: 'calendar.revoke',
    handler: deleteCalendarPermission,
  },
];
