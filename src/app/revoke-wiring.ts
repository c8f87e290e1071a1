/**
 * The revoke flow's parts: one permission inventory and one step group per process (the Runner
 * registers a step id once, and the same group serves stand-alone revoke runs and offboarding), the
 * flow behind `revoke <upn>`, and the end of a run (summary JSON, ticket webhook).
 */
import type { Logger } from 'pino';
import type { OffboardInput } from '../core/offboard/offboard-input.js';
import type { Ports } from '../core/ports/index.js';
import type { RunRecord, RunStatus, Store } from '../core/ports/store.js';
import type { Policy } from '../core/policy/policy.js';
import type { RequestService } from '../core/requests/request-service.js';
import { RevokeFlow } from '../core/revoke/revoke-flow.js';
import {
  AdaptiveLimiter,
  buildRevokeStepGroup,
  PermissionInventory,
  revokeInputOf,
  revokeStepIds,
  type RevokeSummary,
} from '../core/revoke/index.js';
import type { LifecycleRequest } from '../core/model.js';
import type { Step } from '../core/step.js';
import { reportRevokeRun, revokeSummaryKey } from '../core/revoke/index.js';
import { TicketWebhook } from '../connectors/webhook/index.js';

export interface RevokeServices {
  /** Registered with the Runner; also the offboarding plan's revoke steps. */
  steps: Step[];
  flow: RevokeFlow;
  inventory: PermissionInventory;
  /** Builds, validates, stores and sends (webhook) the summary JSON of a finished run. */
  finish(request: LifecycleRequest, run: RunRecord, status: RunStatus): Promise<RevokeSummary | null>;
}

export function buildRevoke(deps: {
  ports: Ports;
  store: Store;
  requestService: RequestService;
  policy: Policy;
  company: string;
  ticketWebhook: { url: string; secret: string } | undefined;
  logger: Logger;
}): RevokeServices {
  const limiter = new AdaptiveLimiter({ clock: deps.ports.clock });
  const inventory = new PermissionInventory({
    state: deps.store.state,
    mailbox: deps.ports.mailbox,
    clock: deps.ports.clock,
    limiter,
  });
  const group = buildRevokeStepGroup<unknown>({ inventory, limiter });
  const flow = new RevokeFlow({
    ports: deps.ports,
    discovery: { mailbox: deps.ports.mailbox, limiter, inventory },
    requestService: deps.requestService,
    policy: deps.policy,
    steps: group,
  });
  const webhook = deps.ticketWebhook
    ? new TicketWebhook({
        url: deps.ticketWebhook.url,
        secret: deps.ticketWebhook.secret,
        logger: deps.logger,
      })
    : undefined;
  const revokeIds = new Set<string>(Object.values(revokeStepIds));

  const finish = async (
    request: LifecycleRequest,
    run: RunRecord,
    status: RunStatus,
  ): Promise<RevokeSummary | null> => {
    if (status === 'cancelled') return null;
    const hasRevokeSteps = run.plan.steps.some((s) => revokeIds.has(s.stepId));
    if (!hasRevokeSteps) return null;
    const input = revokeInputOf(run.input);
    const plan = { steps: run.plan.steps.filter((s) => revokeIds.has(s.stepId)) };
    const report = await reportRevokeRun({
      input,
      deps: { mailbox: deps.ports.mailbox, limiter, inventory },
      plan,
      journal: await deps.store.journal.list(run.id),
      user: {
        email: request.subject.mail ?? request.subject.userPrincipalName,
        displayName: request.subject.displayName,
      },
      company: deps.company,
      ...(webhook && request.kind === 'revoke' && { webhook }),
    });
    await deps.store.state.set(revokeSummaryKey(request.id), report.summary);
    if (report.ticket) {
      void report.ticket.then((delivery) =>
        deps.store.audit.append({
          at: new Date().toISOString(),
          type: delivery.isDelivered ? 'ticket.updated' : 'ticket.failed',
          requestId: request.id,
          actor: { system: 'ticket-webhook' },
          details: {
            attempts: delivery.attempts,
            ...(delivery.status !== undefined && { status: delivery.status }),
          },
        }),
      );
    }
    return report.summary;
  };

  return { steps: group, flow, inventory, finish };
}

/** The offboarding plan's revoke steps: the same objects the Runner holds. */
export function revokeStepsForOffboarding(services: RevokeServices): () => Step<OffboardInput>[] {
  return () => services.steps;
}
