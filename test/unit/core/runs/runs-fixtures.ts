/** A request service, a flow over recording steps and a recording reporter, on the in-memory store. */
import type { Flow, FlowResult } from '../../../../src/core/flows/flow.js';
import type { LifecycleRequest, Principal, Subject } from '../../../../src/core/model.js';
import { Policy, type PolicyConfig } from '../../../../src/core/policy/policy.js';
import type { Clock } from '../../../../src/core/ports/clock.js';
import type { RunRecord, Store } from '../../../../src/core/ports/store.js';
import { RequestService } from '../../../../src/core/requests/request-service.js';
import { buildPlan } from '../../../../src/core/runner/build-plan.js';
import type { FinishedRunView, RunReporter, RunView } from '../../../../src/core/runs/run-reporter.js';
import type { Plan, Step } from '../../../../src/core/step.js';
import { unusedPorts } from '../support/unused-ports.js';

export const tenantId = '11111111-1111-4111-8111-111111111111';
export const operator: Principal = { aadObjectId: 'op-1', tenantId, displayName: 'Olga Operator' };

const policyConfig: PolicyConfig = {
  requesterGroupIds: ['requesters'],
  approverGroupIds: ['approvers'],
  protectedGroupIds: [],
  protectedUserPrincipalNames: [],
  protectedAccountPolicy: 'second-approval',
  isApprovalRequired: { offboard: true, revoke: true, provision: false },
  incidentResponderGroupIds: [],
  maxUsersPerRequest: 10,
};

/** `groups`: each principal's group ids (default: nobody is in any group). */
export function requestService(
  store: Store,
  clock: Clock,
  groups: Readonly<Record<string, readonly string[]>> = {},
): RequestService {
  const policy = new Policy(policyConfig, (id) => Promise.resolve(new Set(groups[id] ?? [])));
  return new RequestService({ requests: store.requests, audit: store.audit, policy, clock, tenantId });
}

export function subject(n: number): Subject {
  return {
    id: `user-${n}`,
    userPrincipalName: `user${n}@contoso.com`,
    displayName: `User ${n}`,
    isSynced: false,
  };
}

/** Stores an approved request, as the approval card leaves it. */
export async function approvedRequest(
  store: Store,
  clock: Clock,
  id: string,
  options: Record<string, unknown> = {},
  who: Subject = subject(1),
): Promise<LifecycleRequest> {
  const at = new Date(clock.now()).toISOString();
  const request: LifecycleRequest = {
    id,
    kind: 'offboard',
    subject: who,
    options,
    requester: operator,
    approvals: [],
    approvalsRequired: 0,
    state: 'approved',
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  await store.requests.create(request);
  return request;
}

/** An offboard flow over the given steps; records when it finished and returns `results`. */
export class StepsFlow implements Flow {
  readonly finished: string[] = [];

  constructor(
    readonly steps: readonly Step[],
    private readonly clock: Clock,
    private readonly results: FlowResult[] = [],
    readonly kind: Flow['kind'] = 'offboard',
  ) {}

  plan(request: LifecycleRequest): Promise<Plan> {
    const ctx = {
      input: this.inputFor(request),
      ports: unusedPorts(this.clock),
      signal: new AbortController().signal,
    };
    return buildPlan(this.steps, ctx, { clock: this.clock, random: () => 0.5 });
  }

  inputFor(request: LifecycleRequest): unknown {
    return { requestId: request.id };
  }

  onFinished(request: LifecycleRequest, run: RunRecord): Promise<FlowResult[]> {
    this.finished.push(`${request.id}:${run.id}`);
    return Promise.resolve(this.results);
  }
}

/** Records what a reporter was asked to show. */
export class RecordingReporter implements RunReporter {
  readonly opened: { target: object; view: RunView }[] = [];
  readonly updates: string[] = [];
  readonly finished: { runId: string; location: object; view: FinishedRunView }[] = [];

  open(target: object, view: RunView): Promise<object> {
    this.opened.push({ target, view });
    return Promise.resolve({ messageId: `msg-${this.opened.length}` });
  }

  update(runId: string): void {
    this.updates.push(runId);
  }

  finish(runId: string, location: object, view: FinishedRunView): Promise<void> {
    this.finished.push({ runId, location, view });
    return Promise.resolve();
  }
}
