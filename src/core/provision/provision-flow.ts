/**
 * The single-joiner flow up to the run: check the policy, decide (rehire, licences, usage location),
 * check seat stock, create the request with the decision as its options, and build the plan preview.
 */
import { ConflictError } from '../errors.js';
import type { LifecycleRequest, Principal } from '../model.js';
import type { Policy } from '../policy/policy.js';
import type { Ports } from '../ports/index.js';
import type { WorkQueue } from '../ports/store.js';
import type { NewRequest, RequestService } from '../requests/request-service.js';
import { buildPlan } from '../runner/build-plan.js';
import type { Plan, Step } from '../step.js';
import { decideProvisioning, type ProvisionDraft } from './provision-decision.js';
import type { JoinerRow, ProvisionInput } from './provision-input.js';
import type { ResolvedMapping } from './provision-mapping.js';
import { enqueuePending } from './provision-pending.js';
import { provisionStepList } from './provision-steps.js';
import type { Flow } from '../flows/flow.js';
import { previewRequest } from '../flows/preview-request.js';
import { assertPlannable } from '../flows/registry.js';
import { subjectOf } from '../flows/subject.js';
import { stockWarnings } from './seat-stock.js';

export type ProvisionPrepareResult =
  | { kind: 'refused'; message: string }
  | { kind: 'queued'; message: string }
  | { kind: 'nothing-to-do'; message: string }
  | { kind: 'ready'; request: LifecycleRequest; plan: Plan; draft: ProvisionDraft; stockNotes: string[] };

export interface ProvisionFlowDeps {
  ports: Ports;
  requestService: RequestService;
  policy: Policy;
  mapping: ResolvedMapping;
  queue: WorkQueue;
}

/** What a provisioning request stores as its options (JSON). */
export interface StoredProvisionOptions {
  input: Omit<ProvisionInput, 'requestId'>;
  notes: string[];
  inheritedSkus: string[];
}

export class ProvisionFlow implements Flow<ProvisionInput> {
  readonly kind = 'provision';
  readonly steps: readonly Step<ProvisionInput>[] = provisionStepList;

  constructor(private readonly deps: ProvisionFlowDeps) {}

  get mapping(): ResolvedMapping {
    return this.deps.mapping;
  }

  async prepare(actor: Principal, row: JoinerRow): Promise<ProvisionPrepareResult> {
    const mayRequest = await this.deps.policy.canRequest(actor, 'provision');
    if (!mayRequest.isAllowed) return { kind: 'refused', message: mayRequest.reason };
    const decision = await decideProvisioning({ ports: this.deps.ports, mapping: this.deps.mapping }, row, {
      mailboxPollMs: this.deps.mapping.config.mailbox.pollSeconds * 1000,
    });
    if (decision.kind === 'refused') return decision;
    if (decision.kind === 'not-synced') {
      await enqueuePending(this.deps.queue, this.deps.mapping.config, this.deps.ports.clock.now(), {
        row,
        requestedBy: actor.displayName ?? actor.aadObjectId,
      });
      return { kind: 'queued', message: decision.message };
    }
    const draft = decision.draft;
    const check = await this.deps.policy.checkSubject(
      actor,
      { id: draft.target.id, userPrincipalName: draft.target.userPrincipalName },
      'provision',
    );
    if (!check.decision.isAllowed) return { kind: 'refused', message: check.decision.reason };
    const skus = await this.deps.ports.licences.listSubscribedSkus();
    const empty = skus.filter(
      (s) => draft.newSkuIds.includes(s.skuId) && s.enabledUnits - s.consumedUnits <= 0,
    );
    if (empty.length > 0) {
      return {
        kind: 'refused',
        message:
          `No free seats of ${empty.map((s) => `${s.skuPartNumber} (${s.consumedUnits} of ${s.enabledUnits} used)`).join(', ')}: ` +
          `${draft.target.userPrincipalName} was not provisioned. Free or buy seats, then try again.`,
      };
    }
    const options: StoredProvisionOptions = {
      input: draft.input,
      notes: draft.notes,
      inheritedSkus: draft.inheritedSkus,
    };
    const newRequest: NewRequest = {
      kind: 'provision',
      subject: subjectOf(draft.target),
      options: { ...options },
      requester: actor,
      approvalsRequired: check.approvalsRequired,
    };
    const preview = await this.plan(previewRequest(newRequest, this.deps.ports.clock.now()));
    const changeCount = preview.steps.reduce((n, s) => n + s.changes.length, 0);
    if (changeCount === 0) {
      return {
        kind: 'nothing-to-do',
        message: `${draft.target.displayName} already has ${draft.input.licences.map((l) => l.skuPartNumber).join(', ')} and a ready mailbox: nothing to do.`,
      };
    }
    const request = await this.deps.requestService.create(newRequest);
    const stockNotes = stockWarnings(skus, draft.newSkuIds, this.deps.mapping.config.seats.warnBelow);
    return { kind: 'ready', request, plan: preview, draft, stockNotes };
  }

  inputFor(request: LifecycleRequest): ProvisionInput {
    const stored = request.options as unknown as StoredProvisionOptions;
    if (typeof stored.input !== 'object')
      throw new ConflictError(`Request ${request.id} carries no provisioning decision`);
    return { ...stored.input, requestId: request.id };
  }

  /** Read-only dry run against live state; inherited licences are shown as warnings. */
  async plan(request: LifecycleRequest): Promise<Plan> {
    const input = this.inputFor(request);
    const ctx = { input, ports: this.deps.ports, signal: new AbortController().signal };
    const plan = await buildPlan(this.steps, ctx, { clock: this.deps.ports.clock });
    const inherited = (request.options as unknown as StoredProvisionOptions).inheritedSkus;
    return assertPlannable(this, {
      steps: plan.steps.map((s) =>
        s.stepId === 'entra.assign-licences' && inherited.length > 0
          ? {
              ...s,
              warnings: [
                ...(s.warnings ?? []),
                ...inherited.map((sku) => `${sku} is inherited from a group: kept, not assigned again`),
              ],
            }
          : s,
      ),
    });
  }
}
