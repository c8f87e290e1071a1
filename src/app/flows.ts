/** The flows the runner can execute: their steps (looked up by id from stored plans) and run hooks. */
import * as adSteps from '../core/offboard/ad-steps.js';
import * as entraSteps from '../core/offboard/entra-steps.js';
import * as mailboxSteps from '../core/offboard/mailbox-steps.js';
import { notifyDelegate } from '../core/offboard/notice-step.js';
import type { OffboardFlow } from '../core/offboard/offboard-flow.js';
import { spoGrantDelegate } from '../core/offboard/onedrive-steps.js';
import type { LifecycleRequest } from '../core/model.js';
import { provisionStepList, type ProvisionFlow } from '../core/provision/index.js';
import type { RevokeFlow } from '../core/revoke/revoke-flow.js';
import type { Step } from '../core/step.js';
import type { FlowRunner } from './run-coordinator.js';

export function allSteps(extra: readonly Step[] = []): Step[] {
  const offboard = [
    ...Object.values(adSteps),
    ...Object.values(entraSteps),
    ...Object.values(mailboxSteps),
    notifyDelegate,
    spoGrantDelegate,
  ];
  return [...offboard, ...provisionStepList, ...extra];
}

export function flowRunners(flows: {
  offboard: OffboardFlow;
  provision?: ProvisionFlow;
  /** Called when an offboarding run finished (schedules the deletion after N days). */
  onOffboardFinished?: FlowRunner['onFinished'];
  revoke?: { flow: RevokeFlow; onFinished: NonNullable<FlowRunner['onFinished']> };
}): Partial<Record<LifecycleRequest['kind'], FlowRunner>> {
  const provision = flows.provision;
  const revoke = flows.revoke;
  return {
    ...(revoke && {
      revoke: {
        plan: (request) => revoke.flow.plan(request),
        runInput: (request) => revoke.flow.inputFor(request),
        onFinished: revoke.onFinished,
      },
    }),
    ...(provision && {
      provision: {
        plan: (request) => provision.plan(request),
        runInput: (request) => provision.inputFor(request),
      },
    }),
    offboard: {
      plan: (request) => flows.offboard.plan(request),
      runInput: (request) => flows.offboard.inputFor(request),
      links: (run) => {
        const spo = run.plan.steps.find((s) => s.stepId === spoGrantDelegate.id);
        const url = spo?.changes[0]?.data['webUrl'];
        return typeof url === 'string' ? [{ title: 'OneDrive of the leaver', url }] : [];
      },
      ...(flows.onOffboardFinished && { onFinished: flows.onOffboardFinished }),
    },
  };
}
