/**
 * Who may do what. Roles come from Entra group membership (configured group ids); the actor always
 * comes from the authenticated activity. Every refusal carries a message fit for the requester.
 */
import type { LifecycleRequest, Principal, RequestKind, Subject } from '../model.js';

export interface PolicyConfig {
  requesterGroupIds: readonly string[];
  approverGroupIds: readonly string[];
  /** Break-glass admins, service accounts, executives: by group and by UPN. */
  protectedGroupIds: readonly string[];
  protectedUserPrincipalNames: readonly string[];
  /** Refuse protected subjects, or require a second approval. */
  protectedAccountPolicy: 'refuse' | 'second-approval';
  /** Whether each kind needs an approver after the requester's confirmation. */
  isApprovalRequired: Readonly<Record<RequestKind, boolean>>;
  /** Members may run `revoke` without approval (security-incident mode). */
  incidentResponderGroupIds: readonly string[];
  /** Cap on the number of users in one bulk request. */
  maxUsersPerRequest: number;
  /** May read requests, history and exports without asking or approving. */
  auditorGroupIds?: readonly string[];
}

/** Group ids the principal belongs to (direct or transitive, as the adapter can tell). */
export type GroupLookup = (userId: string) => Promise<ReadonlySet<string>>;

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
};

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
    if (intersects(groups, this.config.requesterGroupIds)) return allow;
    if (kind === 'revoke' && intersects(groups, this.config.incidentResponderGroupIds)) return allow;
    return deny(`Only members of the requesters group can ask for ${requestNames[kind]}.`);
  }

  /** Checks on the subject: no self-service, protected accounts. Returns the approvals needed. */
  async checkSubject(
    actor: Principal,
    subject: Pick<Subject, 'id' | 'userPrincipalName'>,
    kind: RequestKind,
  ): Promise<{ decision: PolicyDecision; approvalsRequired: number }> {
    if (kind !== 'provision' && subject.id === actor.aadObjectId) {
      return { decision: deny(`You can't ${kind} yourself.`), approvalsRequired: 0 };
    }
    const base = await this.approvalsRequired(actor, kind);
    if (!(await this.isProtected(subject))) return { decision: allow, approvalsRequired: base };
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

  async isProtected(subject: Pick<Subject, 'id' | 'userPrincipalName'>): Promise<boolean> {
    const upn = subject.userPrincipalName.toLowerCase();
    if (this.config.protectedUserPrincipalNames.some((p) => p.toLowerCase() === upn)) return true;
    const groups = await this.groupsOf(subject.id);
    return intersects(groups, this.config.protectedGroupIds);
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

  /** Member of the approvers group (no four-eyes rule: for cancel and retry, not for approving). */
  async isApprover(actor: Principal): Promise<boolean> {
    return intersects(await this.groupsOf(actor.aadObjectId), this.config.approverGroupIds);
  }

  async canApprove(actor: Principal, request: LifecycleRequest): Promise<PolicyDecision> {
    if (actor.aadObjectId === request.requester.aadObjectId) {
      return deny('Four eyes: you asked for this request, so someone else must approve it.');
    }
    if (actor.aadObjectId === request.subject.id) return deny("You can't approve a request about yourself.");
    if (request.approvals.some((a) => a.approver.aadObjectId === actor.aadObjectId)) {
      return deny('You have already approved this request; a second approver is needed.');
    }
    const groups = await this.groupsOf(actor.aadObjectId);
    if (!intersects(groups, this.config.approverGroupIds))
      return deny('Only members of the approvers group can approve.');
    return allow;
  }

  private async approvalsRequired(actor: Principal, kind: RequestKind): Promise<number> {
    if (!this.config.isApprovalRequired[kind]) {
      return 0;
    }
    if (kind === 'revoke' && this.config.incidentResponderGroupIds.length > 0) {
      const groups = await this.groupsOf(actor.aadObjectId);
      if (intersects(groups, this.config.incidentResponderGroupIds)) return 0;
    }
    return 1;
  }
}
