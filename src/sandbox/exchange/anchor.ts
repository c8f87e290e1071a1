/**
 * The X-AnchorMailbox routing hint. Accepted forms: `UPN:<mailbox UPN or SMTP>` (mailbox-bound calls, also the
 * `UPN:SystemMailbox{…}@<tenant>` variant), `APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@<tenant>`
 * (org-wide app-only calls; tenant = a verified/initial domain or the tenant id) and a bare SMTP address.
 * A malformed hint, or one naming another organisation, is refused with HTTP 400 `ErrorIncorrectRoutingHint`.
 * A well-formed hint for a mailbox that doesn't exist routes normally (the cmdlet then reports not found).
 */
import type { SandboxResponse } from '../http/service.js';
import type { TenantInfo } from '../state/tenant-data.js';

export const SYSTEM_MAILBOX = 'SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}';

const ADDRESS = /^([^\s@]{1,256})@([A-Za-z0-9.-]{1,253})$/;

export function routingHintError(message: string): SandboxResponse {
  return { status: 400, body: { error: { code: 'ErrorIncorrectRoutingHint', message } } };
}

function isTenantName(info: TenantInfo, value: string): boolean {
  const v = value.toLowerCase();
  return (
    v === info.domain.toLowerCase() ||
    v === info.initialDomain.toLowerCase() ||
    v === info.tenantId.toLowerCase()
  );
}

/** Null when the hint is acceptable, else the 400 response to send. */
export function checkAnchor(
  header: string | undefined,
  info: TenantInfo,
  isRequired: boolean,
): SandboxResponse | null {
  if (header === undefined || header.trim() === '') {
    return isRequired ? routingHintError('The X-AnchorMailbox header is required on this endpoint.') : null;
  }
  const value = header.trim();
  const colon = value.indexOf(':');
  const scheme = colon > 0 ? value.slice(0, colon).toUpperCase() : '';
  const target =
    colon > 0 && (scheme === 'UPN' || scheme === 'APP' || scheme === 'SMTP') ? value.slice(colon + 1) : value;
  const match = ADDRESS.exec(target);
  if (!match) return routingHintError(`The X-AnchorMailbox header '${value}' is not a valid routing hint.`);
  const [, local = '', domain = ''] = match;
  if (scheme === 'APP' && local.toLowerCase() !== SYSTEM_MAILBOX.toLowerCase()) {
    return routingHintError(`An APP: routing hint must name ${SYSTEM_MAILBOX}@<tenant>.`);
  }
  if (!isTenantName(info, domain) && !domain.toLowerCase().endsWith(`.${info.domain.toLowerCase()}`)) {
    return routingHintError(`The routing hint '${value}' doesn't belong to this organization.`);
  }
  return null;
}
