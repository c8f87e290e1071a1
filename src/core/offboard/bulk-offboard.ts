/**
 * Bulk offboarding: many leavers in one request with one blast-radius approval.
 *
 * Design: a parent request (kind `offboard`, `options.bulk`) carries the list, the per-person
 * preview and the approvals; the request service guards it like any request (requester confirms,
 * an approver approves, four eyes, versions, audit). When it is approved, every ready leaver becomes
 * an ordinary child offboarding request (its own run, journal, history and retry), created approved
 * by the batch (see `BulkRunner` in the app layer). The parent's subject is a synthetic "batch"
 * subject: it never matches a real user's id or UPN.
 */
import { randomUUID } from 'node:crypto';
import { InvalidInputError } from '../errors.js';
import type { LifecycleRequest, Principal, Subject } from '../model.js';
import type { Policy } from '../policy/policy.js';
import type { IdentityUser } from '../ports/identity.js';
import type { Ports } from '../ports/index.js';
import type { AuditLog, RequestStore } from '../ports/store.js';
import type { Decision, RequestService } from '../requests/request-service.js';
import type { Plan } from '../step.js';
import { checkEntries, type BulkEntry } from './bulk-input.js';
import { previewRequest } from '../flows/preview-request.js';
import { personOf, subjectOf } from '../flows/subject.js';
import { chooseDelegate } from './delegate-choice.js';
import { withBatchOptions, type BatchOptions } from './batch-options.js';
import type { PersonRef } from './offboard-input.js';
import type { OffboardFlow, StoredOffboardOptions } from './offboard-flow.js';

/** Steps planned on every run; they don't make a leaver "not done". */
const repeatableStepIds = new Set(['entra.revoke-sessions', 'notify.delegate']);

/**
 * A leaver with nothing left to change but the steps planned on every run (revoke sessions, tell the
 * delegate): those are dropped too, so a list run again, or a leaver offboarded elsewhere since the
 * batch was approved, does not notify the delegate a second time. The run then finds nothing to do.
 */
export function withoutRepeatsWhenDone(plan: Plan): Plan {
  // A step planned at its start (the leaver's rights on other mailboxes) finds its changes then: it
  // still runs, but doesn't make the leaver's every-run steps run again.
  const isDone = plan.steps.every(
    (s) =>
      repeatableStepIds.has(s.stepId) ||
      s.isPlannedAtStart === true ||
      (s.changes.length === 0 && s.planError === undefined),
  );
  if (!isDone) return plan;
  return { steps: plan.steps.map((s) => (repeatableStepIds.has(s.stepId) ? { ...s, changes: [] } : s)) };
}

export type BulkItemStatus = 'ready' | 'nothing-to-do' | 'refused' | 'not-found' | 'invalid';

export interface BulkItem {
  line: number;
  userPrincipalName: string;
  status: BulkItemStatus;
  /** Why the leaver is not ready, or the delegate note. */
  message?: string;
  subject?: Subject;
  delegate?: PersonRef | null;
  isProtected: boolean;
  /** Planned changes, repeatable steps excluded. */
  changeCount: number;
  /** Steps with at least one change. */
  stepCount: number;
}

export interface BulkTotals {
  listed: number;
  ready: number;
  nothingToDo: number;
  refused: number;
  notFound: number;
  invalid: number;
  protected: number;
  changes: number;
}

export interface BulkPreview {
  items: BulkItem[];
  /** Plans of the ready leavers by UPN (lower case), for printing; not stored. */
  plans: Map<string, Plan>;
  totals: BulkTotals;
  /** What the batch needs: one approver, two when a protected leaver is in it. */
  approvalsRequired: number;
}

export type BulkPrepareResult =
  | { kind: 'refused'; message: string }
  | { kind: 'too-many'; count: number; max: number }
  | { kind: 'preview'; preview: BulkPreview };

/** What the parent request stores as its options. */
export interface StoredBulkOptions {
  bulk: {
    source: string;
    items: BulkItem[];
    totals: BulkTotals;
    /** Options chosen for every leaver of the batch (absent: the checklist's defaults). */
    options?: BatchOptions;
  };
}

export interface BulkOffboardDeps {
  ports: Ports;
  policy: Policy;
  offboard: OffboardFlow;
  requestService: RequestService;
  requests: RequestStore;
  audit: AuditLog;
  /** Leavers planned at the same time (each plan's calls are bounded per system by the limiter). */
  planConcurrency?: number;
}

export interface PrepareOptions {
  /** The command line runs with the app's own rights and skips the requester-group check. */
  isRequesterChecked?: boolean;
  onItem?: (item: BulkItem, done: number, total: number) => void;
  /**
   * `false`: leavers are resolved and checked (policy, protection, delegate) but not planned. For a
   * batch executed at once (the command line's `--execute`): each child run plans its leaver itself
   * and starts as soon as that plan is made, so planning the list first would read everything twice.
   * Ready items then count no changes.
   */
  isPlanned?: boolean;
  /** Options chosen for every leaver of the batch; the plans are made with them. */
  batchOptions?: BatchOptions;
}

export function isBulkRequest(request: LifecycleRequest): boolean {
  const bulk = (request.options as Partial<StoredBulkOptions>).bulk;
  return typeof bulk === 'object' && bulk !== null && Array.isArray(bulk.items);
}

export function bulkOf(request: LifecycleRequest): StoredBulkOptions['bulk'] {
  if (!isBulkRequest(request)) throw new InvalidInputError(`Request ${request.id} is not a bulk request.`);
  return (request.options as unknown as StoredBulkOptions).bulk;
}

/**
 * The options of a ready leaver's child request: the checklist's defaults, the batch's choices, the
 * leaver's delegate.
 */
export function childOptions(item: BulkItem, batch?: BatchOptions): StoredOffboardOptions {
  return { ...withBatchOptions(batch), delegate: item.delegate ?? null };
}

export function totalsOf(items: readonly BulkItem[]): BulkTotals {
  const count = (s: BulkItemStatus): number => items.filter((i) => i.status === s).length;
  const ready = items.filter((i) => i.status === 'ready');
  return {
    listed: items.length,
    ready: ready.length,
    nothingToDo: count('nothing-to-do'),
    refused: count('refused'),
    notFound: count('not-found'),
    invalid: count('invalid'),
    protected: ready.filter((i) => i.isProtected).length,
    changes: ready.reduce((n, i) => n + i.changeCount, 0),
  };
}

async function mapPool<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, items.length)) }, worker));
  return results;
}

export class BulkOffboard {
  constructor(private readonly deps: BulkOffboardDeps) {}

  /** Read-only: resolve, check and plan every leaver against live state. */
  async prepare(
    actor: Principal,
    raw: readonly BulkEntry[],
    options: PrepareOptions = {},
  ): Promise<BulkPrepareResult> {
    if (options.isRequesterChecked ?? true) {
      const may = await this.deps.policy.canRequest(actor, 'offboard');
      if (!may.isAllowed) return { kind: 'refused', message: may.reason };
    }
    const max = this.deps.policy.maxUsersPerRequest;
    if (raw.length > max) return { kind: 'too-many', count: raw.length, max };
    const { entries, problems } = checkEntries(raw);
    const invalid: BulkItem[] = problems.map((p) => ({
      line: p.line,
      userPrincipalName: p.value,
      status: 'invalid',
      message: p.message,
      isProtected: false,
      changeCount: 0,
      stepCount: 0,
    }));
    const plans = new Map<string, Plan>();
    // A list names few delegates for many leavers: each is looked up once for the whole list.
    const delegates = new Map<string, Promise<IdentityUser | null>>();
    const lookUpDelegate = (upn: string): Promise<IdentityUser | null> => {
      const key = upn.toLowerCase();
      let found = delegates.get(key);
      if (found === undefined) {
        const lookup = this.deps.ports.users.getUser(upn);
        delegates.set(key, lookup);
        // A failed lookup is not kept: the next leaver naming that delegate asks again.
        lookup.catch(() => {
          if (delegates.get(key) === lookup) delegates.delete(key);
        });
        found = lookup;
      }
      return found;
    };
    let done = 0;
    const planned = await mapPool(entries, this.deps.planConcurrency ?? 16, async (entry) => {
      const { item, plan } = await this.prepareOne(actor, entry, {
        isPlanned: options.isPlanned ?? true,
        batchOptions: options.batchOptions,
        lookUpDelegate,
      });
      if (plan) plans.set(item.userPrincipalName.toLowerCase(), plan);
      options.onItem?.(item, ++done, entries.length);
      return item;
    });
    // A delegate who is leaving in the same batch would receive a mailbox that is about to close.
    const leaving = new Set(planned.filter((i) => i.status === 'ready').map((i) => i.subject?.id));
    const checked = planned.map((i): BulkItem =>
      i.status === 'ready' && i.delegate && leaving.has(i.delegate.id)
        ? {
            ...i,
            status: 'refused',
            message: `the delegate ${i.delegate.displayName} is leaving in this batch: give a delegate in the list`,
          }
        : i,
    );
    const items = [...checked, ...invalid].sort((a, b) => a.line - b.line);
    const ready = items.filter((i) => i.status === 'ready');
    const perLeaver = await Promise.all(
      ready.map(async (i) => {
        if (!i.subject) return 0;
        const check = await this.deps.policy.checkSubject(actor, i.subject, 'offboard');
        return check.approvalsRequired;
      }),
    );
    return {
      kind: 'preview',
      preview: { items, plans, totals: totalsOf(items), approvalsRequired: Math.max(1, ...perLeaver) },
    };
  }

  /** Store the previewed batch as a parent request awaiting the requester's confirmation. */
  async createRequest(
    actor: Principal,
    preview: BulkPreview,
    source: string,
    /** The command line passes 0: its operator holds the app's own rights (audited as such). */
    approvalsRequired = preview.approvalsRequired,
    /** Options chosen for every leaver (the preview was planned with them). */
    batchOptions?: BatchOptions,
  ): Promise<LifecycleRequest> {
    if (preview.totals.ready === 0) throw new InvalidInputError('Nobody in the list can be offboarded.');
    // Validated before it is stored: every child would refuse a batch option the schema refuses.
    if (batchOptions !== undefined) withBatchOptions(batchOptions);
    const batchId = `batch:${randomUUID()}`;
    const options: StoredBulkOptions = {
      bulk: {
        source: source.slice(0, 200),
        items: preview.items,
        totals: preview.totals,
        ...(batchOptions !== undefined && Object.keys(batchOptions).length > 0 && { options: batchOptions }),
      },
    };
    return this.deps.requestService.create({
      kind: 'offboard',
      subject: {
        id: batchId,
        userPrincipalName: batchId,
        displayName: `${preview.totals.ready} leavers`,
        isSynced: false,
      },
      options: { ...options },
      requester: actor,
      approvalsRequired,
    });
  }

  /**
   * Approve the batch. Besides the request service's checks (approver group, four eyes, version,
   * state), an approver who is one of the leavers can't approve it.
   */
  async approve(actor: Principal, id: string, version: number): Promise<Decision> {
    const request = await this.deps.requests.get(id);
    if (request && isBulkRequest(request)) {
      const leaver = bulkOf(request).items.find((i) => i.subject?.id === actor.aadObjectId);
      if (leaver) {
        const message = "You can't approve a batch you are part of.";
        await this.deps.audit.append({
          at: new Date(this.deps.ports.clock.now()).toISOString(),
          type: 'action.refused',
          requestId: id,
          actor,
          details: { action: 'bulk.approve', code: 'forbidden', reason: message, version },
        });
        return { isDone: false, code: 'forbidden', message, request };
      }
    }
    return this.deps.requestService.approve(actor, id, version);
  }

  private async prepareOne(
    actor: Principal,
    entry: BulkEntry,
    {
      isPlanned,
      batchOptions,
      lookUpDelegate,
    }: {
      isPlanned: boolean;
      batchOptions: BatchOptions | undefined;
      lookUpDelegate: (upn: string) => Promise<IdentityUser | null>;
    },
  ): Promise<{ item: BulkItem; plan?: Plan }> {
    const base = {
      line: entry.line,
      userPrincipalName: entry.userPrincipalName,
      isProtected: false,
      changeCount: 0,
      stepCount: 0,
    };
    const user = await this.deps.ports.users.getUser(entry.userPrincipalName);
    if (!user) return { item: { ...base, status: 'not-found', message: 'no such user in the tenant' } };
    const subject = subjectOf(user);
    const withSubject = { ...base, userPrincipalName: user.userPrincipalName, subject };
    const check = await this.deps.policy.checkSubject(actor, subject, 'offboard');
    const isProtected = await this.deps.policy.isProtected(subject);
    if (!check.decision.isAllowed) {
      return { item: { ...withSubject, isProtected, status: 'refused', message: check.decision.reason } };
    }
    const delegate = await this.delegateFor(user, entry.delegate, lookUpDelegate);
    if (typeof delegate === 'string') {
      return { item: { ...withSubject, isProtected, status: 'refused', message: delegate } };
    }
    if (!isPlanned) {
      const item: BulkItem = {
        ...withSubject,
        isProtected,
        delegate: delegate.delegate,
        message: delegate.note,
        status: 'ready',
      };
      return { item };
    }
    const options: StoredOffboardOptions = childOptions(
      { ...withSubject, status: 'ready', delegate: delegate.delegate, isProtected },
      batchOptions,
    );
    const plan = await this.deps.offboard.plan(
      previewRequest(
        {
          kind: 'offboard',
          subject,
          options: { ...options },
          requester: actor,
          approvalsRequired: check.approvalsRequired,
        },
        this.deps.ports.clock.now(),
      ),
      // Enabled accounts are not done: a quick preview (the run reads everything before it changes).
      { isPreview: true, isQuick: user.accountEnabled },
    );
    const changing = plan.steps.filter((s) => !repeatableStepIds.has(s.stepId) && s.changes.length > 0);
    const changeCount = changing.reduce((n, s) => n + s.changes.length, 0);
    const item: BulkItem = {
      ...withSubject,
      isProtected,
      delegate: delegate.delegate,
      message: delegate.note,
      changeCount,
      stepCount: changing.length,
      status: changeCount === 0 && !user.accountEnabled ? 'nothing-to-do' : 'ready',
    };
    return { item, plan };
  }

  /** The CSV's delegate (looked up, never trusted) or the manager chain's choice; a string = refusal. */
  private async delegateFor(
    user: IdentityUser,
    upn: string | undefined,
    lookUp: (upn: string) => Promise<IdentityUser | null>,
  ): Promise<{ delegate: PersonRef | null; note: string } | string> {
    if (upn === undefined) return chooseDelegate(user.id, this.deps.ports.users, this.deps.requests);
    const delegate = await lookUp(upn);
    if (!delegate) return `the delegate ${upn} was not found`;
    if (delegate.id === user.id) return 'the leaver cannot be their own delegate';
    if (!delegate.accountEnabled) return `the delegate ${delegate.displayName} is disabled`;
    return { delegate: personOf(delegate), note: `Delegate from the list: ${delegate.displayName}.` };
  }
}
