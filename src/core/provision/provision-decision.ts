/**
 * Decides what provisioning a joiner needs, read-only: find the account (or learn it is not synced
 * yet), detect a rehire, choose licences by the mapping and the usage location by the configured
 * source order, and compare with what the account already holds.
 */
import type { IdentityUser } from '../ports/identity.js';
import type { LicenceAssignment } from '../ports/licences.js';
import type { Ports } from '../ports/index.js';
import { toProvisionLicence, type JoinerRow, type ProvisionInput } from './provision-input.js';
import {
  chooseLicences,
  chooseUsageLocation,
  mappingAttributes,
  type AttributeValues,
  type ResolvedMapping,
} from './provision-mapping.js';

export interface ProvisionDraft {
  input: Omit<ProvisionInput, 'requestId'>;
  /** The account the run changes (the former one for a rehire). */
  target: IdentityUser;
  /** The account the row or command named, when it differs from the target. */
  named?: IdentityUser;
  /** Licences held through a group that the mapping also wants: reported, never duplicated. */
  inheritedSkus: string[];
  /** Mapped SKUs the account does not hold yet (what consumes seats). */
  newSkuIds: string[];
  notes: string[];
}

export type ProvisionDecision =
  | { kind: 'not-synced'; message: string }
  | { kind: 'refused'; message: string }
  | { kind: 'ready'; draft: ProvisionDraft };

export interface DecisionDeps {
  ports: Pick<Ports, 'users' | 'licences' | 'directory'>;
  mapping: ResolvedMapping;
}

function attributeValues(user: IdentityUser, row: Partial<JoinerRow>): AttributeValues {
  const values: AttributeValues = {};
  const fromUser: Record<string, string | undefined> = {
    employeeType: user.employeeType,
    department: user.department,
    jobTitle: user.jobTitle,
    userType: user.userType,
    ...user.extensionAttributes,
  };
  const fromRow = row.attributes ?? {};
  for (const name of mappingAttributes) {
    const rowValue =
      name === 'employeeType' ? (row.employeeType ?? fromRow['employeetype']) : fromRow[name.toLowerCase()];
    const value = rowValue !== undefined && rowValue.trim() !== '' ? rowValue : fromUser[name];
    if (value !== undefined && value.trim() !== '') values[name] = value;
  }
  return values;
}

/** A disabled account with the same employeeId (the rehire's former account), when exactly one exists. */
async function formerAccount(
  deps: DecisionDeps,
  employeeId: string | undefined,
  exceptId: string | undefined,
): Promise<{ former: IdentityUser | null; note?: string }> {
  if (!employeeId) return { former: null };
  const matches = (await deps.ports.users.findByEmployeeId(employeeId)).filter(
    (u) => !u.accountEnabled && u.id !== exceptId,
  );
  if (matches.length > 1) {
    return {
      former: null,
      note: `${matches.length} disabled accounts carry employeeId ${employeeId}: none was chosen for reactivation`,
    };
  }
  return { former: matches[0] ?? null };
}

/** The one enabled account with this employeeId, when the row's UPN is not in Entra (re-runs after a rehire). */
async function sameEmployee(
  deps: DecisionDeps,
  employeeId: string | undefined,
): Promise<IdentityUser | null> {
  if (!employeeId) return null;
  const matches = (await deps.ports.users.findByEmployeeId(employeeId)).filter((u) => u.accountEnabled);
  return matches.length === 1 ? (matches[0] ?? null) : null;
}

export async function decideProvisioning(
  deps: DecisionDeps,
  row: Pick<JoinerRow, 'userPrincipalName'> & Partial<JoinerRow>,
  options: { mailboxPollMs: number },
): Promise<ProvisionDecision> {
  const named = await deps.ports.users.getUser(row.userPrincipalName);
  const employeeId = row.employeeId ?? named?.employeeId;
  const notes: string[] = [];
  let target: IdentityUser;
  let reactivate = false;
  if (named && !named.accountEnabled) {
    target = named;
    reactivate = true;
    notes.push(`Rehire: ${named.userPrincipalName} is a disabled former account and will be reactivated`);
  } else {
    const { former, note } = await formerAccount(deps, employeeId, named?.id);
    if (note) notes.push(note);
    if (former) {
      target = former;
      reactivate = true;
      notes.push(
        `Rehire: employeeId ${employeeId ?? ''} belongs to the disabled former account ${former.userPrincipalName}; ` +
          `it is reactivated and licensed instead of giving ${row.userPrincipalName} a new licence`,
      );
    } else if (named) {
      target = named;
    } else {
      const reactivated = await sameEmployee(deps, employeeId);
      if (reactivated) {
        target = reactivated;
        notes.push(
          `${row.userPrincipalName} is not in Entra ID, but employeeId ${employeeId ?? ''} belongs to the active account ` +
            `${reactivated.userPrincipalName} (a rehire already reactivated): that account is used`,
        );
      } else {
        return {
          kind: 'not-synced',
          message: `${row.userPrincipalName} is not in Entra ID yet (not synced): queued for a later attempt`,
        };
      }
    }
  }

  const choice = chooseLicences(deps.mapping, attributeValues(target, row));
  if (!choice) {
    return {
      kind: 'refused',
      message: `No licence rule matches ${target.userPrincipalName} and the mapping has no default`,
    };
  }
  const country =
    deps.mapping.config.usageLocation.sources.includes('directory') && deps.ports.directory
      ? (await deps.ports.directory.findUser({ userPrincipalName: target.userPrincipalName }))?.country
      : undefined;
  const usageLocation = chooseUsageLocation(deps.mapping.config, {
    ...(row.usageLocation && { row: row.usageLocation }),
    ...(country && { directory: country }),
    ...(target.usageLocation && { entra: target.usageLocation }),
  });
  if (!usageLocation) {
    return {
      kind: 'refused',
      message:
        `${target.userPrincipalName} has no usage location (AD c, Entra usageLocation) and no default is ` +
        'configured: licences cannot be assigned without one',
    };
  }
  const held: LicenceAssignment[] = await deps.ports.licences.getLicences(target.id);
  const heldIds = new Set(held.map((l) => l.skuId.toLowerCase()));
  const inherited = choice.licences.filter((l) =>
    held.some((h) => h.skuId.toLowerCase() === l.skuId.toLowerCase() && h.assignedByGroup !== null),
  );
  for (const l of inherited)
    notes.push(`${l.skuPartNumber} is already inherited from a group: not assigned again`);
  const newSkuIds = choice.licences.filter((l) => !heldIds.has(l.skuId.toLowerCase())).map((l) => l.skuId);
  const hasMailboxPlan = choice.licences.some((l) => l.hasMailbox);
  return {
    kind: 'ready',
    draft: {
      input: {
        user: {
          id: target.id,
          userPrincipalName: target.userPrincipalName,
          displayName: target.displayName,
          ...(target.mail && { mail: target.mail }),
        },
        usageLocation,
        licences: choice.licences.map(toProvisionLicence),
        reason: choice.reason,
        reactivate,
        mailbox: { isExpected: hasMailboxPlan, pollMs: options.mailboxPollMs },
      },
      target,
      ...(named && named.id !== target.id && { named }),
      inheritedSkus: inherited.map((l) => l.skuPartNumber),
      newSkuIds,
      notes,
    },
  };
}
