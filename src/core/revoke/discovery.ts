/**
 * Discovery of every right a user holds on other mailboxes, read live:
 * - SendAs: one tenant-wide call by trustee;
 * - SendOnBehalf: one filtered call;
 * - FullAccess (and shared memberships) and calendar grants: Exchange has no reverse lookup, so the
 *   candidates come from the permission inventory (or the request's target mailboxes) and each candidate
 *   is re-read live. The inventory only narrows where to look; what is reported is always live state.
 */
import { InvalidInputError, NotFoundError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Mailbox, MailboxInfo } from '../ports/mailbox.js';
import type { LimiterPriority } from '../runner/system-limits.js';
import type { AdaptiveLimiter } from './adaptive-limiter.js';
import type { MailboxIdentityCache } from './identity-cache.js';
import type { RevokeInput } from './input.js';
import type { InventoryRecord, MailboxIdentity } from './inventory-records.js';
import type { InventoryStatus, PermissionInventory, RefreshReport } from './permission-inventory.js';
import {
  categoriesFor,
  fullAccessCategory,
  isExplicitFullAccess,
  isMailboxInScope,
  isMeaningfulCalendarGrant,
  isTrustee,
  permissionKey,
  revokeCategories,
  revokeUserFrom,
  type FoundPermission,
  type RevokeCategory,
  type RevokeUser,
} from './permissions.js';

export interface DiscoveryDeps {
  mailbox: Mailbox;
  limiter: AdaptiveLimiter;
  /** Needed when the request covers every mailbox and FullAccess, shared or calendar rights. */
  inventory?: PermissionInventory;
  /** `interactive` for a preview someone waits for: its reads go before inventory scans. */
  priority?: LimiterPriority;
  /** The user's own mailbox identity, shared by the discoveries of one run's steps (with its clock). */
  identities?: { cache: MailboxIdentityCache; clock: Clock };
}

export interface DiscoveryOptions {
  /** Categories to look for; default the request's. */
  categories?: readonly RevokeCategory[];
  /**
   * Refresh the inventory when older than this before using it (default 60 s); `false` uses it as
   * stored (reloaded when another instance changed it), never scanning: previews in chat.
   */
  inventoryMaxStalenessMs?: number | false;
  /** Mailboxes to re-read live besides the candidates (the final verification passes the planned ones). */
  alsoCheck?: readonly string[];
}

export interface Discovery {
  user: RevokeUser;
  categories: RevokeCategory[];
  permissions: FoundPermission[];
  /** Things the operator should know (a target mailbox that does not exist, mailboxes the scan missed). */
  warnings: string[];
  inventory?: RefreshReport;
  /** The inventory's state when it was used as stored (`inventoryMaxStalenessMs: false`). */
  inventoryStatus?: InventoryStatus;
}

type MailboxRef = MailboxIdentity & { calendarFolder?: string };

function refFromRecord(record: InventoryRecord): MailboxRef {
  const ref: MailboxRef = {
    id: record.id,
    primarySmtpAddress: record.mailbox,
    displayName: record.displayName,
    recipientTypeDetails: record.recipientTypeDetails,
  };
  if (record.userPrincipalName) ref.userPrincipalName = record.userPrincipalName;
  if (record.calendarFolder) ref.calendarFolder = record.calendarFolder;
  return ref;
}

function describe(
  ref: MailboxRef,
  fields: Omit<FoundPermission, 'mailbox' | 'mailboxDisplayName' | 'recipientTypeDetails'>,
): FoundPermission {
  return {
    mailbox: ref.primarySmtpAddress.toLowerCase(),
    mailboxDisplayName: ref.displayName,
    recipientTypeDetails: ref.recipientTypeDetails,
    ...fields,
  };
}

export async function discoverPermissions(
  input: RevokeInput,
  deps: DiscoveryDeps,
  options: DiscoveryOptions = {},
): Promise<Discovery> {
  const { mailbox } = deps;
  const limiter = {
    run: <T>(call: () => Promise<T>): Promise<T> => deps.limiter.run(call, deps.priority),
  };
  const readUser = (): Promise<MailboxInfo | null> => limiter.run(() => mailbox.getMailbox(input.user));
  const identities = deps.identities;
  const user = revokeUserFrom(
    input.user,
    await (identities ? identities.cache.get(input.user, identities.clock, readUser) : readUser()),
  );
  const wanted = new Set(options.categories ?? categoriesFor(input));
  const categories = revokeCategories.filter((category) => wanted.has(category));
  const warnings: string[] = [];
  const refs = new Map<string, Promise<MailboxRef | null>>();

  /** A mailbox by any of its names: the inventory's copy when it has one, else one live read (cached). */
  const resolve = (name: string): Promise<MailboxRef | null> => {
    const key = name.toLowerCase();
    let ref = refs.get(key);
    if (!ref) {
      const record = deps.inventory?.find(key);
      ref = record ? Promise.resolve(refFromRecord(record)) : limiter.run(() => mailbox.getMailbox(name));
      refs.set(key, ref);
    }
    return ref;
  };
  const inScope = (ref: MailboxRef): boolean => isMailboxInScope(input, user, ref);

  const sendAs = async (): Promise<FoundPermission[]> => {
    const grants = await limiter.run(() => mailbox.listSendAsByTrustee(user.userPrincipalName));
    const found = await Promise.all(
      grants
        .filter((grant) => isTrustee(grant.trustee, user.identities))
        .map(async (grant) => {
          const ref = await resolve(grant.mailbox).catch((error: unknown) => {
            // SendAs on a recipient that is not a mailbox (a distribution group) is out of this flow.
            if (!(error instanceof InvalidInputError) && !(error instanceof NotFoundError)) throw error;
            return null;
          });
          if (ref === null) {
            warnings.push(`SendAs on ${grant.mailbox} is not on a mailbox; it was left for a manual check.`);
            return null;
          }
          if (!inScope(ref)) return null;
          return describe(ref, { category: 'send_as', permission: 'SendAs', trustee: grant.trustee });
        }),
    );
    return found.filter((entry) => entry !== null);
  };

  const sendOnBehalf = async (): Promise<FoundPermission[]> => {
    const mailboxes = await limiter.run(() =>
      mailbox.listSendOnBehalfByTrustee(user.userPrincipalName, user.distinguishedName),
    );
    return mailboxes.filter(inScope).map((info) => {
      const trustee =
        info.grantSendOnBehalfTo.find((entry) => isTrustee(entry, user.identities)) ?? user.userPrincipalName;
      return describe(info, { category: 'send_on_behalf', permission: 'SendOnBehalf', trustee });
    });
  };

  const fullAccessOn = async (ref: MailboxRef): Promise<FoundPermission[]> => {
    const grants = await limiter.run(() => mailbox.listFullAccess(ref.primarySmtpAddress));
    const category = fullAccessCategory(ref.recipientTypeDetails);
    if (!wanted.has(category)) return [];
    return grants
      .filter((grant) => isExplicitFullAccess(grant) && isTrustee(grant.trustee, user.identities))
      .map((grant) =>
        describe(ref, {
          category,
          permission: 'FullAccess',
          trustee: grant.trustee,
          accessRights: [...grant.accessRights],
        }),
      );
  };

  // Exchange prints folder trustees by display name, which is not unique: Exchange itself resolves the
  // user (`-User <upn>`), and removal uses the UPN too. The name check only guards against a reader that
  // returned the whole list.
  const calendarNames = [...user.identities, user.displayName.toLowerCase()];
  const calendarOn = async (ref: MailboxRef): Promise<FoundPermission[]> => {
    const address = ref.primarySmtpAddress;
    const folder = ref.calendarFolder ?? (await limiter.run(() => mailbox.getCalendarFolder(address)));
    const grants = await limiter.run(() =>
      mailbox.listFolderPermissions(folder, address, user.userPrincipalName),
    );
    return grants
      .filter((grant) => isTrustee(grant.user, calendarNames))
      .filter((grant) => isMeaningfulCalendarGrant(grant.user, grant.accessRights))
      .map((grant) => {
        const entry = describe(ref, {
          category: 'calendar_delegates',
          permission: grant.isDelegate === false ? 'CalendarPermission' : 'CalendarDelegate',
          accessLevel: grant.accessRights.join(','),
          trustee: user.userPrincipalName,
          folder: grant.folder !== '' ? grant.folder : folder,
          accessRights: [...grant.accessRights],
        });
        if (grant.isDelegate !== undefined) entry.isDelegate = grant.isDelegate;
        return entry;
      });
  };

  /** A mailbox listed by name that may have vanished: a missing one is a warning, never a failure. */
  const tolerateMissing = async <T>(name: string, read: () => Promise<T[]>): Promise<T[]> => {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      warnings.push(`Mailbox ${name} was not found; nothing to remove there.`);
      return [];
    }
  };

  const perMailbox = async (): Promise<FoundPermission[]> => {
    const needsFullAccess = wanted.has('full_access') || wanted.has('shared_mailboxes');
    const needsCalendar = wanted.has('calendar_delegates');
    if (!needsFullAccess && !needsCalendar) return [];
    const fullAccessTargets = new Map<string, MailboxRef>();
    const calendarTargets = new Map<string, MailboxRef>();
    const named = [...(input.targetMailboxes ?? []), ...(options.alsoCheck ?? [])];
    let report: RefreshReport | undefined;
    if (!input.targetMailboxes) {
      if (!deps.inventory) {
        throw new InvalidInputError(
          'Finding FullAccess and calendar rights on every mailbox needs the permission inventory; list target mailboxes instead',
        );
      }
      if (options.inventoryMaxStalenessMs !== false) {
        report = await deps.inventory.ensureFresh(options.inventoryMaxStalenessMs ?? 60_000);
      } else {
        inventoryStatus = await deps.inventory.status();
      }
      const candidates = deps.inventory.candidatesFor(user);
      for (const record of candidates.fullAccess)
        fullAccessTargets.set(record.mailbox, refFromRecord(record));
      for (const record of candidates.calendar) calendarTargets.set(record.mailbox, refFromRecord(record));
    }
    const resolved = await Promise.all(named.map(async (name) => ({ name, ref: await resolve(name) })));
    for (const { name, ref } of resolved) {
      if (ref === null) {
        warnings.push(`Mailbox ${name} was not found; nothing to remove there.`);
        continue;
      }
      const key = ref.primarySmtpAddress.toLowerCase();
      fullAccessTargets.set(key, ref);
      calendarTargets.set(key, ref);
    }
    if (report && report.failures.length > 0) {
      warnings.push(
        `${report.failures.length} mailbox(es) could not be scanned for the inventory (first: ${report.failures[0]?.mailbox ?? ''}); rights there may be missed until the next refresh.`,
      );
    }
    const reads: Promise<FoundPermission[]>[] = [];
    for (const ref of fullAccessTargets.values()) {
      if (needsFullAccess && inScope(ref)) {
        reads.push(tolerateMissing(ref.primarySmtpAddress, () => fullAccessOn(ref)));
      }
    }
    for (const ref of calendarTargets.values()) {
      if (needsCalendar && inScope(ref)) {
        reads.push(tolerateMissing(ref.primarySmtpAddress, () => calendarOn(ref)));
      }
    }
    inventoryReport = report;
    return (await Promise.all(reads)).flat();
  };

  let inventoryReport: RefreshReport | undefined;
  let inventoryStatus: InventoryStatus | undefined;
  const parts = await Promise.all([
    wanted.has('send_as') ? sendAs() : Promise.resolve([]),
    wanted.has('send_on_behalf') ? sendOnBehalf() : Promise.resolve([]),
    perMailbox(),
  ]);
  const unique = new Map<string, FoundPermission>();
  for (const permission of parts.flat()) {
    if (wanted.has(permission.category)) unique.set(permissionKey(permission), permission);
  }
  const order = (category: RevokeCategory): number => revokeCategories.indexOf(category);
  const permissions = [...unique.values()].sort(
    (a, b) => order(a.category) - order(b.category) || a.mailbox.localeCompare(b.mailbox),
  );
  const discovery: Discovery = { user, categories, permissions, warnings };
  if (inventoryReport) discovery.inventory = inventoryReport;
  if (inventoryStatus) discovery.inventoryStatus = inventoryStatus;
  return discovery;
}
