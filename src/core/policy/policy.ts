/**
 * Who may do what. Roles come from Entra group membership (configured group ids); the actor always
 * comes from the authenticated activity. Every refusal carries a message fit for the requester.
 */
import { NotFoundError } from '../errors.js';
import type { LifecycleRequest, Principal, RequestKind, Subject } from '../model.js';

export interface PolicyConfig {
  requesterGroupIds: readonly string[];
  approverGroupIds: readonly string[];
  /**
   * Break-glass admins, service accounts, executives: by group and by UPN. Besides these, the bot's
   * own accounts, holders of privileged directory roles and members of the approver groups are
   * always protected.
   */
  protectedGroupIds: readonly string[];
  protectedUserPrincipalNames: readonly string[];
  /** Accounts the bot itself uses (the notice sender, configured service accounts). */
  botAccountUserPrincipalNames?: readonly string[];
  /** Directory roles whose holders are protected, by template id; default `privilegedRoleTemplateIds`. */
  privilegedRoleTemplateIds?: readonly string[];
  /** Refuse protected subjects, or require a second approval. */
  protectedAccountPolicy: 'refuse' | 'second-approval';
  /**
   * Whether each kind needs an approver after the requester's confirmation. A containment needs one
   * other incident responder unless `contain` is false. An undo follows `offboard`: the same people ask
   * for it and approve it.
   */
  isApprovalRequired: Readonly<
    Record<Exclude<RequestKind, 'contain' | 'undo'>, boolean> & { contain?: boolean }
  >;
  /**
   * Incident responders: may run `revoke` without approval, and are the only ones who may ask for and
   * approve `contain` (incident mode).
   */
  incidentResponderGroupIds: readonly string[];
  /** Cap on the number of users in one bulk request. */
  maxUsersPerRequest: number;
  /** May read requests, history and exports without asking or approving. */
  auditorGroupIds?: readonly string[];
}

/**
 * What the principal belongs to: the ids of its groups, nested ones included, and the template ids
 * of the directory roles it holds (GUIDs of their own, never a group's object id). `isFresh` asks the
 * directory now instead of a short cache: confirmations and approvals decide on current membership.
 */
export type GroupLookup = (userId: string, options?: { isFresh?: boolean }) => Promise<ReadonlySet<string>>;

export interface LookupOptions {
  /** Read memberships now, not from a cache (confirm and approve). */
  isFresh?: boolean;
}

/**
 * Built-in Entra roles whose holders can take over the tenant or its identities (Microsoft Entra
 * built-in roles reference, template ids, stable across tenants).
 */
export const privilegedRoleTemplateIds: readonly string[] = [
  '62e90394-69f5-4237-9190-012177145e10', // Global Administrator
  'e8611ab8-c189-46e8-94e1-60213ab1f814', // Privileged Role Administrator
  '7be44c8a-adaf-4e2a-84d6-ab2649e08a13', // Privileged Authentication Administrator
  '194ae4cb-b126-40b2-bd5b-6091b380977d', // Security Administrator
  '29232cdf-9323-42fd-ade2-1d097af3e4de', // Exchange Administrator
  'fe930be7-5e62-47db-91af-98c3a49a38b1', // User Administrator
  'f28a1f50-f6e7-4571-818b-6a12f2af6b6c', // SharePoint Administrator
  'c4e39bd9-1100-46d3-8c65-fb160da0071f', // Authentication Administrator
  'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9', // Conditional Access Administrator
  '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', // Application Administrator
  '158c047a-c907-4556-b7ef-446551a6b5f7', // Cloud Application Administrator
  '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2', // Hybrid Identity Administrator
  '729827e3-9c14-49f7-bb1b-9608f156bbb8', // Helpdesk Administrator
  '966707d0-3269-4727-9be2-8c3a10f19b9d', // Password Administrator
  'fdd7a751-b60b-444a-984c-02652fe8fa1c', // Groups Administrator
  '3a2c62db-5318-420d-8d74-23affee5d9d5', // Intune Administrator
  '69091246-20e8-4a56-aa4d-066075b2a7a8', // Teams Administrator
];

export type PolicyDecision = { isAllowed: true } | { isAllowed: false; reason: string };

const allow: PolicyDecision = { isAllowed: true };
const deny = (reason: string): PolicyDecision => ({ isAllowed: false, reason });

const intersects = (groups: ReadonlySet<string>, ids: readonly string[]): boolean =>
  ids.some((id) => groups.has(id));

/** A kind of request as a sentence names it ("ask for an offboarding"). */
const requestNames: Record<RequestKind, string> = {
  offboard: 'an offboarding',
  revoke: 'a mailbox permission removal',
  provision: 'a provisioning',
  contain: 'an incident containment',
  undo: 'the undo of an offboarding',
};

/** What the store recorded about a deleted user's protection (see `Policy.isProtectedByRecord`). */
export interface DeletedRecord {
  wasJudgedUnprotected: boolean;
  recordedGroupIds: readonly string[];
}

export class Policy {
  constructor(
    private readonly config: PolicyConfig,
    private readonly groupsOf: GroupLookup,
  ) {}

  get maxUsersPerRequest(): number {
    return this.config.maxUsersPerRequest;
  }

  async canRequest(actor: Principal, kind: RequestKind): Promise<PolicyDecision> {
    const groups = await this.groupsOf(actor.aadObjectId);
    // Containment is for incident responders only, never for requesters as such.
    if (kind === 'contain') {
      return intersects(groups, this.config.incidentResponderGroupIds)
        ? allow
        : deny('Only members of the incident responders group can contain an account.');
    }
    if (intersects(groups, this.config.requesterGroupIds)) return allow;
    if (kind === 'revoke' && intersects(groups, this.config.incidentResponderGroupIds)) return allow;
    return deny(`Only members of the requesters group can ask for ${requestNames[kind]}.`);
  }

  /** Checks on the subject: no self-service, protected accounts. Returns the approvals needed. */
  async checkSubject(
    actor: Principal,
    subject: Pick<Subject, 'id' | 'userPrincipalName'>,
    kind: RequestKind,
    options: LookupOptions = {},
  ): Promise<{ decision: PolicyDecision; approvalsRequired: number }> {
    if (kind !== 'provision' && subject.id === actor.aadObjectId) {
      return { decision: deny(`You can't ${kind} yourself.`), approvalsRequired: 0 };
    }
    const base = await this.approvalsRequired(actor, kind);
    if (!(await this.isProtected(subject, options))) return { decision: allow, approvalsRequired: base };
    if (this.config.protectedAccountPolicy === 'refuse') {
      return {
        decision: deny(
          `${subject.userPrincipalName} is a protected account: the policy refuses this request.`,
        ),
        approvalsRequired: 0,
      };
    }
    return { decision: allow, approvalsRequired: Math.max(2, base) };
  }

  /**
   * The subject check for a user in deleted items (`restore <upn>`). Its groups and roles can't be
   * read while it is deleted (they come back with it), so protection is judged on the record
   * (`isProtectedByRecord`). Protected: two approvals, or refused under the `refuse` policy.
   */
  async checkDeletedSubject(
    actor: Principal,
    subject: Pick<Subject, 'id' | 'userPrincipalName'>,
    kind: RequestKind,
    record: DeletedRecord,
  ): Promise<{ decision: PolicyDecision; approvalsRequired: number }> {
    if (subject.id === actor.aadObjectId) {
      return { decision: deny(`You can't ${kind} yourself.`), approvalsRequired: 0 };
    }
    const base = await this.approvalsRequired(actor, kind);
    if (!this.isProtectedByRecord(subject, record)) return { decision: allow, approvalsRequired: base };
    if (this.config.protectedAccountPolicy === 'refuse') {
      const why = record.wasJudgedUnprotected
        ? `${subject.userPrincipalName} is a protected account`
        : `${subject.userPrincipalName} was not deleted by the staged deletion, so whether it was protected can't be read while it is deleted`;
      return { decision: deny(`${why}: the policy refuses this request.`), approvalsRequired: 0 };
    }
    return { decision: allow, approvalsRequired: Math.max(2, base) };
  }

  /**
   * A deleted user is protected when listed by UPN now, when the groups its offboarding recorded
   * include a protected, approver or privileged-role id, or when nothing shows it was unprotected at
   * its deletion (`wasJudgedUnprotected`: the staged deletion read it fresh, disabled and not
   * protected, right before deleting it; a deleted user's memberships can't change).
   */
  isProtectedByRecord(subject: Pick<Subject, 'userPrincipalName'>, record: DeletedRecord): boolean {
    const upn = subject.userPrincipalName.toLowerCase();
    const listed = [
      ...this.config.protectedUserPrincipalNames,
      ...(this.config.botAccountUserPrincipalNames ?? []),
    ];
    if (listed.some((p) => p.toLowerCase() === upn)) return true;
    const recorded = new Set(record.recordedGroupIds);
    return (
      !record.wasJudgedUnprotected ||
      intersects(recorded, this.config.protectedGroupIds) ||
      intersects(recorded, this.config.approverGroupIds) ||
      intersects(recorded, this.config.privilegedRoleTemplateIds ?? privilegedRoleTemplateIds)
    );
  }

  /**
   * Protected: listed by UPN, one of the bot's own accounts, in a protected or approver group (nested
   * groups included), or holding a privileged directory role.
   */
  async isProtected(
    subject: Pick<Subject, 'id' | 'userPrincipalName'> & { deletedRecord?: DeletedRecord },
    options: LookupOptions = {},
  ): Promise<boolean> {
    const upn = subject.userPrincipalName.toLowerCase();
    const listed = [
      ...this.config.protectedUserPrincipalNames,
      ...(this.config.botAccountUserPrincipalNames ?? []),
    ];
    if (listed.some((p) => p.toLowerCase() === upn)) return true;
    let groups: ReadonlySet<string>;
    try {
      groups = await this.groupsOf(subject.id, options);
    } catch (error) {
      // A deleted user (a restore) has no readable groups or roles until it is back, and they come back
      // with it: it is judged on the record its restore request carries, else counts as protected.
      if (error instanceof NotFoundError) {
        return subject.deletedRecord ? this.isProtectedByRecord(subject, subject.deletedRecord) : true;
      }
      throw error;
    }
    return (
      intersects(groups, this.config.protectedGroupIds) ||
      intersects(groups, this.config.approverGroupIds) ||
      intersects(groups, this.config.privilegedRoleTemplateIds ?? privilegedRoleTemplateIds)
    );
  }

  /**
   * Protection read again, now, for the people a request acts on (at confirm and approve): refused
   * under the `refuse` policy, else the approvals protection needs (2), or 0 when nobody is protected.
   */
  async recheckProtection(
    subjects: readonly (Pick<Subject, 'id' | 'userPrincipalName'> & { deletedRecord?: DeletedRecord })[],
  ): Promise<{ decision: PolicyDecision; approvalsRequired: number }> {
    const width = 8;
    for (let i = 0; i < subjects.length; i += width) {
      const slice = subjects.slice(i, i + width);
      const flags = await Promise.all(slice.map((s) => this.isProtected(s, { isFresh: true })));
      const found = slice.find((_, n) => flags[n]);
      if (!found) continue;
      if (this.config.protectedAccountPolicy === 'refuse') {
        return {
          decision: deny(
            `${found.userPrincipalName} is a protected account: the policy refuses this request.`,
          ),
          approvalsRequired: 0,
        };
      }
      return { decision: allow, approvalsRequired: 2 };
    }
    return { decision: allow, approvalsRequired: 0 };
  }

  /**
   * Approvals a request needs once the requester chose its options: wiping devices can't be undone,
   * so an offboarding that wipes corporate devices needs two approvers whatever else applies.
   */
  approvalsForChoices(request: LifecycleRequest, options: Readonly<Record<string, unknown>>): number {
    const isWipe =
      (request.kind === 'offboard' || request.kind === 'contain') && options['wipeCorporateDevices'] === true;
    if (isWipe) {
      return Math.max(2, request.approvalsRequired);
    }
    return request.approvalsRequired;
  }

  /** Requesters, approvers, incident responders and auditors may read requests, history and exports. */
  async canRead(actor: Principal): Promise<PolicyDecision> {
    const groups = await this.groupsOf(actor.aadObjectId);
    const readers = [
      ...this.config.requesterGroupIds,
      ...this.config.approverGroupIds,
      ...this.config.incidentResponderGroupIds,
      ...(this.config.auditorGroupIds ?? []),
    ];
    return intersects(groups, readers)
      ? allow
      : deny('Only requesters, approvers and auditors can read requests.');
  }

  /**
   * Whether the actor may read every request (status, history, exports): approvers and auditors. Anyone
   * else with the `reader` role reads only the requests they asked for.
   */
  async canReadAll(actor: Principal): Promise<boolean> {
    const groups = await this.groupsOf(actor.aadObjectId);
    return intersects(groups, [...this.config.approverGroupIds, ...(this.config.auditorGroupIds ?? [])]);
  }

  /** Member of the approvers group (no four-eyes rule: for cancel and retry, not for approving). */
  async isApprover(actor: Principal): Promise<boolean> {
    return intersects(await this.groupsOf(actor.aadObjectId), this.config.approverGroupIds);
  }

  async canApprove(
    actor: Principal,
    request: LifecycleRequest,
    options: LookupOptions = {},
  ): Promise<PolicyDecision> {
    if (actor.aadObjectId === request.requester.aadObjectId) {
      return deny('Four eyes: you asked for this request, so someone else must approve it.');
    }
    if (actor.aadObjectId === request.subject.id) return deny("You can't approve a request about yourself.");
    if (request.approvals.some((a) => a.approver.aadObjectId === actor.aadObjectId)) {
      return deny('You have already approved this request; a second approver is needed.');
    }
    const groups = await this.groupsOf(actor.aadObjectId, options);
    // A containment is approved by another incident responder, not by the approvers group.
    if (request.kind === 'contain') {
      return intersects(groups, this.config.incidentResponderGroupIds)
        ? allow
        : deny('Only another member of the incident responders group can approve a containment.');
    }
    if (!intersects(groups, this.config.approverGroupIds))
      return deny('Only members of the approvers group can approve.');
    return allow;
  }

  private async approvalsRequired(actor: Principal, kind: RequestKind): Promise<number> {
    if (kind === 'contain') return this.config.isApprovalRequired.contain === false ? 0 : 1;
    if (!this.config.isApprovalRequired[kind === 'undo' ? 'offboard' : kind]) {
      return 0;
    }
    if (kind === 'revoke' && this.config.incidentResponderGroupIds.length > 0) {
      const groups = await this.groupsOf(actor.aadObjectId);
      if (intersects(groups, this.config.incidentResponderGroupIds)) return 0;
    }
    return 1;
  }
}
