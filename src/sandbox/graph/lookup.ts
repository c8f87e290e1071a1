/** Resolving the `{id | userPrincipalName}` of a Graph path to a live user, or the documented 404. */
import type { RouteContext } from '../http/service.js';
import type { UserRecord } from '../state/directory-types.js';
import type { MailboxRecord } from '../state/exchange-types.js';
import { fail, notFoundResource } from './errors.js';

export function requireUser(rc: RouteContext, param = 'id'): UserRecord {
  const key = rc.request.params[param] ?? '';
  const user = rc.tenant.directory.getUser(key);
  if (!user) return notFoundResource(rc.request, key);
  return user;
}

/** The user's live mailbox, or Exchange's 404 for mailbox-less users. */
export function requireMailbox(rc: RouteContext, user: UserRecord): MailboxRecord {
  const mailbox = rc.tenant.exchange.getMailbox(user.id);
  if (!mailbox || mailbox.whenSoftDeleted !== null) {
    return fail(
      rc.request,
      404,
      'MailboxNotEnabledForRESTAPI',
      'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
    );
  }
  return mailbox;
}

/** True when the caller holds one of the roles. */
export function hasAnyRole(rc: RouteContext, roles: readonly string[]): boolean {
  const held = rc.request.caller?.roles ?? [];
  return roles.some((r) => held.includes(r));
}

/** OData key syntax `users('x')` → `users/x` (quotes doubled inside the key are undone). */
export function rewriteKeySyntax(path: string): string {
  const unescaped = path.replace(/%27/gi, "'").replace(/%28/gi, '(').replace(/%29/gi, ')');
  return unescaped.replace(/\/([A-Za-z]+)\(('(?:[^']|'')*')\)/g, (_m, seg: string, key: string) => {
    const inner = key.slice(1, -1).replace(/''/g, "'");
    return `/${seg}/${encodeURIComponent(safeDecode(inner))}`;
  });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
