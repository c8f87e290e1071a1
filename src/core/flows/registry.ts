/**
 * The flows the runner can execute, and the only list of steps: built from the flows, so the runner,
 * the previews and the cards all see the same steps.
 */
import { ConflictError } from '../errors.js';
import type { LifecycleRequest, RequestKind } from '../model.js';
import type { Plan, Step } from '../step.js';
import type { Flow } from './flow.js';

export class FlowRegistry {
  private readonly byKind = new Map<RequestKind, Flow>();
  private readonly byStepId = new Map<string, Step>();

  constructor(flows: readonly Flow[]) {
    for (const flow of flows) {
      if (this.byKind.has(flow.kind)) throw new Error(`Two flows are registered for ${flow.kind} requests`);
      this.byKind.set(flow.kind, flow);
      for (const step of flow.steps) {
        const known = this.byStepId.get(step.id);
        // Flows may share steps (offboarding runs the revoke steps); two different steps may not share an id.
        if (known && known !== step) throw new Error(`Two different steps have the id ${step.id}`);
        this.byStepId.set(step.id, step);
      }
    }
  }

  /** Every step of every flow, once: the runner's registry. */
  steps(): Step[] {
    return [...this.byStepId.values()];
  }

  has(kind: RequestKind): boolean {
    return this.byKind.has(kind);
  }

  /** The flow of a request; ConflictError when this deployment has none for its kind. */
  flowFor(request: Pick<LifecycleRequest, 'id' | 'kind'>): Flow {
    const flow = this.byKind.get(request.kind);
    if (!flow) throw new ConflictError(`No flow is configured for ${request.kind} requests (${request.id})`);
    return flow;
  }
}

/**
 * Throws when a plan names a step its flow does not declare: such a plan would preview fine and then
 * fail the run as an unknown step.
 */
export function assertPlannable(flow: Pick<Flow, 'kind' | 'steps'>, plan: Plan): Plan {
  const known = new Set(flow.steps.map((s) => s.id));
  const unknown = plan.steps.filter((s) => !known.has(s.stepId)).map((s) => s.stepId);
  if (unknown.length > 0) {
    throw new Error(`The ${flow.kind} flow planned steps it does not declare: ${unknown.join(', ')}`);
  }
  return plan;
}
