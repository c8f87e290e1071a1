/** Domain types of the lifecycle: requests, their state machine, approvals and audit events. */

/** `undo` reverses a finished offboarding (and restores its deleted user first when asked). */
export type RequestKind = 'offboard' | 'revoke' | 'provision' | 'contain' | 'undo';

export type RequestState =
  | 'draft'
  | 'awaiting-confirmation'
  | 'awaiting-approval'
  | 'approved'
  /** Approved ahead of time: waits in the work queue for its due time (`options.schedule`). */
  | 'scheduled'
  | 'running'
  | 'completed'
  | 'completed-with-errors'
  | 'failed'
  | 'cancelled'
  | 'rejected';

export const terminalStates: readonly RequestState[] = [
  'completed',
  'completed-with-errors',
  'failed',
  'cancelled',
  'rejected',
];

/** Allowed transitions. `completed-with-errors` and `failed` may go back to running (retry failed steps). */
const transitions: Record<RequestState, readonly RequestState[]> = {
  draft: ['awaiting-confirmation', 'cancelled'],
  'awaiting-confirmation': ['awaiting-approval', 'approved', 'cancelled'],
  'awaiting-approval': ['approved', 'rejected', 'cancelled'],
  approved: ['running', 'scheduled', 'cancelled'],
  // At the due time: run, or back to approval when the plan grew beyond what was approved.
  scheduled: ['running', 'awaiting-approval', 'cancelled'],
  running: ['completed', 'completed-with-errors', 'failed', 'cancelled'],
  completed: [],
  'completed-with-errors': ['running'],
  failed: ['running'],
  cancelled: [],
  rejected: [],
};

export function canTransition(from: RequestState, to: RequestState): boolean {
  return transitions[from].includes(to);
}

export function isTerminal(state: RequestState): boolean {
  return terminalStates.includes(state);
}

/** Someone acting in Teams, as authenticated by the activity (never from card data). */
export interface Principal {
  /** Entra object id (`from.aadObjectId`). */
  aadObjectId: string;
  tenantId: string;
  displayName?: string;
}

/** The person a request is about. */
export interface Subject {
  /** Entra object id. */
  id: string;
  userPrincipalName: string;
  displayName: string;
  mail?: string;
  /** True when the user is synced from on-premises AD. */
  isSynced: boolean;
  onPremisesSamAccountName?: string;
  employeeId?: string;
}

export interface Approval {
  approver: Principal;
  decision: 'approved' | 'rejected';
  reason?: string;
  at: string;
}

export interface LifecycleRequest {
  /** Human-friendly id, e.g. `REQ-20261123-7K3Q`. */
  id: string;
  kind: RequestKind;
  subject: Subject;
  /** Flow options, validated by the flow's schema (JSON only). */
  options: Record<string, unknown>;
  requester: Principal;
  approvals: Approval[];
  /** How many approvals the policy requires (2 for protected accounts when allowed). */
  approvalsRequired: number;
  state: RequestState;
  /** Increases on every change; cards carry it so stale actions are refused. */
  version: number;
  ticketId?: string;
  runId?: string;
  createdAt: string;
  updatedAt: string;
}

/** An append-only audit record: every decision and every change. */
export interface AuditEvent {
  id?: number;
  at: string;
  /** e.g. `request.created`, `request.approved`, `action.refused`, `step.applied`. */
  type: string;
  requestId?: string;
  runId?: string;
  actor?: Principal | { system: string };
  /** JSON details; never secrets. */
  details: Record<string, unknown>;
}
