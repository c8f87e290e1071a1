/**
 * The revoke flow's steps, one per kind of right: plan (live discovery, read-only), apply (one removal,
 * idempotent: the connector treats Exchange's "ACE isn't present" warnings as done), verify (read back the
 * planned mailboxes), undo (re-grant from the recorded before-state). Usable alone (`revokeSteps`) or as a
 * group inside another flow (`buildRevokeStepGroup`, e.g. offboarding, with a `dependsOn` hook).
 */
import { NotFoundError, VerificationError } from '../errors.js';
import type { Mailbox } from '../ports/mailbox.js';
import { ok, type Change, type Step, type StepContext } from '../step.js';
import { AdaptiveLimiter } from './adaptive-limiter.js';
import { discoverPermissions, type DiscoveryDeps } from './discovery.js';
import { MailboxIdentityCache } from './identity-cache.js';
import { revokeInputOf, type RevokeInput } from './input.js';
import type { LocalChange } from './inventory-records.js';
import type { PermissionInventory } from './permission-inventory.js';
import { categoriesFor, permissionKey, type FoundPermission, type RevokeCategory } from './permissions.js';
import { changeDataSchema, describePermission, type RevokeChangeData } from './revoke-change.js';

export const revokeStepIds = {
  full_access: 'exo.revoke-full-access',
  shared_mailboxes: 'exo.revoke-shared-membership',
  send_as: 'exo.revoke-send-as',
  send_on_behalf: 'exo.revoke-send-on-behalf',
  calendar_delegates: 'exo.revoke-calendar',
} as const satisfies Record<RevokeCategory, string>;

const titles: Record<RevokeCategory, string> = {
  full_access: 'Remove FullAccess on other mailboxes',
  shared_mailboxes: 'Remove shared mailbox memberships',
  send_as: 'Remove SendAs rights',
  send_on_behalf: 'Remove SendOnBehalf rights',
  calendar_delegates: 'Remove calendar delegations',
};

/** Rights no inventory holds: each one live query by the user (Get-RecipientPermission, a filter). */
const liveOnly: ReadonlySet<RevokeCategory> = new Set(['send_as', 'send_on_behalf']);
const foundAtRun = 'Those the user holds on other mailboxes when the run starts';

export interface RevokeStepGroupOptions<TInput> {
  /**
   * The flow's input as a revoke request. Default `revokeInputOf`: a stored `RevokeInput`, or an
   * offboarding input's leaver (every kind, every mailbox). The Runner registers a step id once, so the
   * one group it holds must understand every flow's input.
   */
  select?: (input: TInput) => RevokeInput;
  /** Needed for "every mailbox" FullAccess and calendar discovery. */
  inventory?: PermissionInventory;
  /** Steps of the surrounding flow that must finish first. */
  dependsOn?: readonly string[];
  /** Inventory freshness required when planning; `false` uses it as stored. Default 60 s. */
  inventoryMaxStalenessMs?: number | false;
  /** Wait before the runner reads back again when a removal is not visible yet. Default 5 s. */
  verifyRetryAfterMs?: number;
  /** Bounds the concurrency of planning and verification reads (AIMD). Default: a fresh limiter per call. */
  limiter?: AdaptiveLimiter;
}

/** How one kind of right is removed, and granted back by `undo`. */
interface RightChanges {
  remove(mailbox: Mailbox, data: RevokeChangeData): Promise<void>;
  grantBack(mailbox: Mailbox, data: RevokeChangeData): Promise<void>;
}

const fullAccess: RightChanges = {
  remove: (mailbox, data) => mailbox.removeFullAccess(data.mailbox, data.trustee),
  // Exchange does not report AutoMapping; re-granting without it never adds a mailbox to Outlook unasked.
  grantBack: (mailbox, data) => mailbox.addFullAccess(data.mailbox, data.trustee, false),
};

const calendarOf = (data: RevokeChangeData): string => data.folder ?? `${data.mailbox}:\\Calendar`;

const rightChanges: Record<RevokeCategory, RightChanges> = {
  full_access: fullAccess,
  shared_mailboxes: fullAccess,
  send_as: {
    remove: (mailbox, data) => mailbox.removeSendAs(data.mailbox, data.trustee),
    grantBack: (mailbox, data) => mailbox.addSendAs(data.mailbox, data.trustee),
  },
  send_on_behalf: {
    remove: (mailbox, data) => mailbox.removeSendOnBehalf(data.mailbox, data.trustee),
    grantBack: (mailbox, data) => mailbox.addSendOnBehalf(data.mailbox, data.trustee),
  },
  calendar_delegates: {
    remove: (mailbox, data) => mailbox.removeFolderPermission(calendarOf(data), data.mailbox, data.trustee),
    grantBack: (mailbox, data) =>
      mailbox.addFolderPermission(
        calendarOf(data),
        data.mailbox,
        data.trustee,
        data.accessRights ?? ['Reviewer'],
        { isDelegate: data.isDelegate === true },
      ),
  },
};

function localChange(data: RevokeChangeData, op: 'add' | 'remove'): LocalChange | undefined {
  if (data.category === 'full_access' || data.category === 'shared_mailboxes') {
    return op === 'remove'
      ? { kind: 'full-access', op, trustee: data.trustee }
      : { kind: 'full-access', op, trustee: data.trustee, accessRights: data.accessRights ?? ['FullAccess'] };
  }
  if (data.category === 'calendar_delegates') {
    if (op === 'remove') return { kind: 'calendar', op, user: data.trustee };
    const change: LocalChange = {
      kind: 'calendar',
      op,
      user: data.trustee,
      accessRights: data.accessRights ?? [],
    };
    if (data.isDelegate !== undefined) change.isDelegate = data.isDelegate;
    return change;
  }
  return undefined;
}

export function toChange(user: string, permission: FoundPermission): Change {
  const data: RevokeChangeData = { ...permission, user };
  const before: Record<string, unknown> = { isPresent: true, trustee: permission.trustee };
  if (permission.accessRights) before['accessRights'] = permission.accessRights;
  if (permission.folder) before['folder'] = permission.folder;
  if (permission.isDelegate !== undefined) before['isDelegate'] = permission.isDelegate;
  return { key: permissionKey(permission), description: describePermission(data), data: { ...data }, before };
}

function revokeStep<TInput>(
  category: RevokeCategory,
  options: RevokeStepGroupOptions<TInput>,
  identities: MailboxIdentityCache,
): Step<TInput> {
  const select = options.select ?? ((input: TInput): RevokeInput => revokeInputOf(input));
  const depsOf = (ctx: StepContext<TInput>): DiscoveryDeps => {
    const deps: DiscoveryDeps = {
      mailbox: ctx.ports.mailbox,
      limiter: options.limiter ?? new AdaptiveLimiter({ clock: ctx.ports.clock, signal: ctx.signal }),
      identities: { cache: identities, clock: ctx.ports.clock },
    };
    if (options.inventory) deps.inventory = options.inventory;
    // A preview is waited for: its reads go before the inventory's background scan.
    if (ctx.isPreview) deps.priority = 'interactive';
    return deps;
  };
  const step: Step<TInput> = {
    id: revokeStepIds[category],
    system: 'exchange',
    title: titles[category],
    // A run's plan waits for the first permission inventory: planned at the step's start, it holds back
    // neither the leaver's block nor the rest of the offboarding. Its reads go through `deps.limiter`.
    isPlannedAtStart: true,
    async plan(ctx) {
      const input = select(ctx.input);
      if (!categoriesFor(input).includes(category)) return [];
      // The inventory holds neither: a quick preview names them, the run finds them (the approval is
      // for the kind of right; which mailboxes is found when the run starts).
      if (ctx.isQuickPreview && liveOnly.has(category)) {
        return [{ key: 'found-at-run', description: foundAtRun, data: {}, isPreviewOnly: true }];
      }
      // A preview answers from the stored inventory; a run's plan refreshes it first (waiting for the
      // first inventory when there is none yet), so the run reads every candidate live.
      const discoveryOptions = ctx.isPreview
        ? { categories: [category], inventoryMaxStalenessMs: false as const }
        : options.inventoryMaxStalenessMs === undefined
          ? { categories: [category] }
          : { categories: [category], inventoryMaxStalenessMs: options.inventoryMaxStalenessMs };
      const discovery = await discoverPermissions(input, depsOf(ctx), discoveryOptions);
      return discovery.permissions.map((permission) => toChange(input.user, permission));
    },
    async apply(change, ctx) {
      const data = changeDataSchema.parse(change.data);
      let outcome: 'removed' | 'mailbox-gone' = 'removed';
      try {
        await rightChanges[data.category].remove(ctx.ports.mailbox, data);
      } catch (error) {
        // The mailbox was deleted since planning: the right went with it.
        if (!(error instanceof NotFoundError)) throw error;
        outcome = 'mailbox-gone';
      }
      const local = localChange(data, 'remove');
      if (local) await options.inventory?.recordChange(data.mailbox, local);
      return { outcome };
    },
    async verify(changes, ctx) {
      if (changes.length === 0) return ok();
      const input = select(ctx.input);
      const planned = new Set(changes.map((change) => change.key));
      const mailboxes = changes.map((change) => changeDataSchema.parse(change.data).mailbox);
      const discovery = await discoverPermissions(input, depsOf(ctx), {
        categories: [category],
        alsoCheck: [...new Set(mailboxes)],
        inventoryMaxStalenessMs: false,
      });
      const remaining = discovery.permissions.filter((permission) => planned.has(permissionKey(permission)));
      if (remaining.length === 0) return ok();
      const list = remaining.map((permission) => permission.mailbox).join(', ');
      // Exchange shows removals after a replication delay: the runner reads back again after a while.
      throw new VerificationError(`${titles[category]}: still present on ${list}`, {
        retryAfterMs: options.verifyRetryAfterMs ?? 5000,
      });
    },
    async undo(change, ctx) {
      const data = changeDataSchema.parse(change.data);
      await rightChanges[data.category].grantBack(ctx.ports.mailbox, data);
      const local = localChange(data, 'add');
      if (local) await options.inventory?.recordChange(data.mailbox, local);
    },
  };
  if (options.dependsOn && options.dependsOn.length > 0)
    return { ...step, dependsOn: [...options.dependsOn] };
  return step;
}

/** The five steps for a flow whose input holds a revoke request somewhere (`select` finds it). */
export function buildRevokeStepGroup<TInput>(options: RevokeStepGroupOptions<TInput>): Step<TInput>[] {
  // The five steps of a run plan and read back separately: they ask who the user is once a minute.
  const identities = new MailboxIdentityCache();
  return (Object.keys(revokeStepIds) as RevokeCategory[]).map((category) =>
    revokeStep(category, options, identities),
  );
}

/** The steps of the stand-alone revoke flow (input: a `RevokeInput`; offboarding inputs work too). */
export function revokeSteps(
  options: Omit<RevokeStepGroupOptions<RevokeInput>, 'select'> = {},
): Step<RevokeInput>[] {
  return buildRevokeStepGroup<RevokeInput>(options);
}
