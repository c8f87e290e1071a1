/**
 * `PATCH /users/{id}`: per-property permissions, sensitive-target and synced-user rules, validation.
 * Passwords are checked for complexity and never stored.
 */
import type { RouteContext, SandboxResponse } from '../http/service.js';
import type { UserRecord } from '../state/directory-types.js';
import { directoryBadRequest, fail, insufficientPrivileges, noContent } from './errors.js';
import { hasAnyRole, requireUser } from './lookup.js';

const generalWrite = ['User.ReadUpdate.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'];
const stringProps = [
  'displayName',
  'givenName',
  'surname',
  'jobTitle',
  'department',
  'officeLocation',
  'mobilePhone',
  'companyName',
  'city',
  'country',
  'postalCode',
  'employeeId',
  'employeeType',
  'employeeHireDate',
  'preferredLanguage',
] as const;
type StringProp = (typeof stringProps)[number];

/** Properties that stay cloud-mastered for AD-synced users. */
const cloudMastered = new Set(['accountEnabled', 'usageLocation', 'employeeLeaveDateTime']);

export const externalServiceMasteredMessage =
  'Unable to update the specified properties for objects that have originated within an external service.';

export const onPremMasteredMessage =
  'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.';

function requiredRoles(prop: string): readonly string[] {
  switch (prop) {
    case 'accountEnabled':
      return ['User.EnableDisableAccount.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'];
    case 'passwordProfile':
      return ['User-PasswordProfile.ReadWrite.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'];
    case 'employeeLeaveDateTime':
      return ['User-LifeCycleInfo.ReadWrite.All'];
    default:
      return generalWrite;
  }
}

function isComplexPassword(p: string): boolean {
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(p)).length;
  return p.length >= 8 && p.length <= 256 && classes >= 3;
}

function operationName(patch: Record<string, unknown>): string {
  const keys = Object.keys(patch);
  if (keys.length === 1 && keys[0] === 'accountEnabled')
    return patch['accountEnabled'] === false ? 'user.disable' : 'user.enable';
  if (keys.length === 1 && keys[0] === 'passwordProfile') return 'user.reset-password';
  if (keys.length === 1 && keys[0] === 'usageLocation') return 'user.set-usage-location';
  return 'user.update';
}

export function patchUser(rc: RouteContext): SandboxResponse {
  const req = rc.request;
  const user = requireUser(rc);
  const body = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail(req, 400, 'BadRequest', 'Empty Payload. JSON content expected.');
  }
  const patch = body as Record<string, unknown>;
  rc.setOperation(operationName(patch));
  const app = rc.tenant.getApp(req.caller?.appId ?? '');
  const changes: Partial<UserRecord> = {};
  for (const [prop, value] of Object.entries(patch)) {
    if (prop.startsWith('@odata.')) continue;
    if (!hasAnyRole(rc, requiredRoles(prop))) insufficientPrivileges(req);
    if (
      prop === 'accountEnabled' &&
      requiredRoles(prop)
        .slice(1)
        .every((r) => !hasAnyRole(rc, [r])) &&
      !hasAnyRole(rc, ['User.Read.All'])
    ) {
      insufficientPrivileges(req); // User.EnableDisableAccount.All works only together with User.Read.All
    }
    const isSensitive = prop === 'accountEnabled' || prop === 'passwordProfile';
    if (
      isSensitive &&
      user.directoryRoles.length > 0 &&
      !app?.directoryRoles.includes('Privileged Authentication Administrator')
    ) {
      insufficientPrivileges(req);
    }
    if (
      prop === 'passwordProfile' &&
      !app?.directoryRoles.some(
        (r) => r === 'User Administrator' || r === 'Privileged Authentication Administrator',
      )
    ) {
      insufficientPrivileges(req);
    }
    if (user.onPremisesSyncEnabled === true) {
      const isAccepted =
        cloudMastered.has(prop) &&
        !(prop === 'accountEnabled' && rc.tenant.info.syncedAccountEnabledWrites === 'reject');
      if (!isAccepted) directoryBadRequest(req, onPremMasteredMessage);
    } else if (user.masteredByExternalService === true && !cloudMastered.has(prop)) {
      directoryBadRequest(req, externalServiceMasteredMessage);
    }
    applyProperty(rc, prop, value, changes);
  }
  rc.tenant.directory.updateUser(user.id, changes);
  return noContent;
}

function invalidValue(rc: RouteContext, prop: string): never {
  return directoryBadRequest(
    rc.request,
    `Invalid value specified for property '${prop}' of resource 'User'.`,
  );
}

function applyProperty(rc: RouteContext, prop: string, value: unknown, changes: Partial<UserRecord>): void {
  const now = rc.tenant.nowIso();
  switch (prop) {
    case 'accountEnabled':
      if (typeof value !== 'boolean') invalidValue(rc, prop);
      changes.accountEnabled = value;
      return;
    case 'usageLocation':
      if (value !== null && (typeof value !== 'string' || !/^[A-Za-z]{2}$/.test(value)))
        invalidValue(rc, prop);
      changes.usageLocation = value === null ? null : value.toUpperCase();
      return;
    case 'passwordProfile': {
      if (typeof value !== 'object' || value === null) invalidValue(rc, prop);
      const profile = value as Record<string, unknown>;
      const password = profile['password'];
      if (typeof password !== 'string' || !isComplexPassword(password)) {
        directoryBadRequest(
          rc.request,
          'The specified password does not comply with password complexity requirements. Please provide a different password.',
        );
      }
      changes.lastPasswordChangeDateTime = now;
      changes.forceChangePasswordNextSignIn = profile['forceChangePasswordNextSignIn'] === true;
      return;
    }
    case 'employeeLeaveDateTime':
      if (value !== null && (typeof value !== 'string' || Number.isNaN(Date.parse(value))))
        invalidValue(rc, prop);
      changes.employeeLeaveDateTime = value;
      return;
    case 'businessPhones':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) invalidValue(rc, prop);
      changes.businessPhones = value as string[];
      return;
    case 'onPremisesExtensionAttributes':
      directoryBadRequest(rc.request, onPremMasteredMessage);
      return;
    default:
      if ((stringProps as readonly string[]).includes(prop)) {
        if (value !== null && typeof value !== 'string') invalidValue(rc, prop);
        if (prop === 'displayName' && (value === null || value === '')) invalidValue(rc, prop);
        (changes as Record<StringProp, string | null>)[prop as StringProp] = value;
        return;
      }
      directoryBadRequest(
        rc.request,
        `Property '${prop}' is read-only or does not exist on type 'microsoft.graph.user' and cannot be updated.`,
      );
  }
}
