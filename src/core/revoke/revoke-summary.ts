/**
 * The revoke summary: the JSON contract of the revoke workflow (field names exactly as the seed's
 * returned data), built from the plan, the run's journal and a final live verification.
 */
import type { JournalEntry } from '../ports/store.js';
import type { Plan } from '../step.js';
import { discoverPermissions, type DiscoveryDeps } from './discovery.js';
import type { RevokeInput } from './input.js';
import {
  categoriesFor,
  permissionKey,
  revokeCategories,
  type FoundPermission,
  type RevokeCategory,
} from './permissions.js';
import { changeDataSchema, type RevokeChangeData } from './revoke-change.js';
import { revokeStepIds } from './revoke-steps.js';

export interface RemovedPermission {
  mailbox: string;
  permission: string;
  access_level?: string;
  removed: boolean;
}

export interface RemovedMembership {
  mailbox: string;
  removed: boolean;
}

export interface RevokeSummary {
  success: boolean;
  removal_summary: {
    user_email: string;
    user_display_name: string;
    company: string;
    total_permissions_removed: number;
  };
  permissions_removed: {
    full_access: RemovedPermission[];
    send_as: RemovedPermission[];
    send_on_behalf: RemovedPermission[];
    calendar_delegates: RemovedPermission[];
    shared_mailboxes: RemovedMembership[];
  };
  verification: {
    remaining_full_access: number;
    remaining_send_as: number;
    remaining_send_on_behalf: number;
    remaining_calendar_delegates: number;
    remaining_shared_mailboxes: number;
    all_permissions_cleared: boolean;
  };
  ticket_id: string | null;
}

export interface RevokeSummaryInput {
  user: { email: string; displayName: string };
  /** The organisation's name as shown to people (`Contoso Ltd`). */
  company: string;
  ticketId?: string;
  /** The run's plan; only the revoke steps are read, so an offboarding plan works too. */
  plan: Plan;
  journal: readonly JournalEntry[];
  /** What a final live read still finds (see `verifyRevocation`). */
  remaining: readonly FoundPermission[];
}

const stepCategory = new Map<string, RevokeCategory>(
  revokeCategories.map((category) => [revokeStepIds[category], category]),
);

/** The latest change-level phase per `stepId|changeKey`, in journal order. */
function latestPhases(journal: readonly JournalEntry[]): Map<string, JournalEntry['phase']> {
  const ordered = journal
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => (a.entry.id ?? a.index) - (b.entry.id ?? b.index) || a.index - b.index);
  const phases = new Map<string, JournalEntry['phase']>();
  for (const { entry } of ordered) {
    if (entry.changeKey === undefined || !stepCategory.has(entry.stepId)) continue;
    phases.set(`${entry.stepId}|${entry.changeKey}`, entry.phase);
  }
  return phases;
}

/** The revoke changes of a plan, with their step's category, parsed from the stored JSON. */
export function plannedRevokeChanges(plan: Plan): { stepId: string; key: string; data: RevokeChangeData }[] {
  return plan.steps.flatMap((step) => {
    if (!stepCategory.has(step.stepId)) return [];
    return step.changes.map((change) => ({
      stepId: step.stepId,
      key: change.key,
      data: changeDataSchema.parse(change.data),
    }));
  });
}

export function buildRevokeSummary(source: RevokeSummaryInput): RevokeSummary {
  const phases = latestPhases(source.journal);
  const remainingKeys = new Set(source.remaining.map(permissionKey));
  const removed: RevokeSummary['permissions_removed'] = {
    full_access: [],
    send_as: [],
    send_on_behalf: [],
    calendar_delegates: [],
    shared_mailboxes: [],
  };
  let total = 0;
  let isEveryChangeRemoved = true;
  for (const change of plannedRevokeChanges(source.plan)) {
    const isApplied = phases.get(`${change.stepId}|${change.key}`) === 'applied';
    const isRemoved = isApplied && !remainingKeys.has(permissionKey(change.data));
    if (isRemoved) total += 1;
    else isEveryChangeRemoved = false;
    const { data } = change;
    if (data.category === 'shared_mailboxes') {
      removed.shared_mailboxes.push({ mailbox: data.mailbox, removed: isRemoved });
      continue;
    }
    const entry: RemovedPermission = {
      mailbox: data.mailbox,
      permission: data.permission,
      removed: isRemoved,
    };
    if (data.category === 'calendar_delegates' && data.accessLevel) entry.access_level = data.accessLevel;
    removed[data.category].push(entry);
  }
  const count = (category: RevokeCategory): number =>
    source.remaining.filter((permission) => permission.category === category).length;
  const verification: RevokeSummary['verification'] = {
    remaining_full_access: count('full_access'),
    remaining_send_as: count('send_as'),
    remaining_send_on_behalf: count('send_on_behalf'),
    remaining_calendar_delegates: count('calendar_delegates'),
    remaining_shared_mailboxes: count('shared_mailboxes'),
    all_permissions_cleared: source.remaining.length === 0,
  };
  return {
    success: isEveryChangeRemoved && verification.all_permissions_cleared,
    removal_summary: {
      user_email: source.user.email,
      user_display_name: source.user.displayName,
      company: source.company,
      total_permissions_removed: total,
    },
    permissions_removed: removed,
    verification,
    ticket_id: source.ticketId ?? null,
  };
}

/**
 * The final live verification: every right of the request's kinds that the user still holds, reading
 * the planned mailboxes again besides the one-call SendAs and SendOnBehalf lookups and the inventory's
 * candidates.
 */
export async function verifyRevocation(
  input: RevokeInput,
  deps: DiscoveryDeps,
  plan: Plan,
): Promise<FoundPermission[]> {
  const mailboxes = new Set(plannedRevokeChanges(plan).map((change) => change.data.mailbox));
  const discovery = await discoverPermissions(input, deps, {
    categories: categoriesFor(input),
    alsoCheck: [...mailboxes],
    inventoryMaxStalenessMs: false,
  });
  return discovery.permissions;
}
