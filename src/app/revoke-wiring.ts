/**
 * The revoke flow's parts: one permission inventory and one step group per process (the same group
 * serves stand-alone revoke runs and offboarding), the end-of-run finisher with the ticket webhook,
 * and the flow behind `revoke <upn>`.
 */
import type { Logger } from 'pino';
import { TicketWebhook } from '../connectors/webhook/index.js';
import type { OffboardInput } from '../core/offboard/offboard-input.js';
import type { Policy } from '../core/policy/policy.js';
import type { Ports } from '../core/ports/index.js';
import type { Store } from '../core/ports/store.js';
import type { RequestService } from '../core/requests/request-service.js';
import {
  AdaptiveLimiter,
  buildRevokeStepGroup,
  PermissionInventory,
  RevokeFlow,
  RevokeRunFinisher,
} from '../core/revoke/index.js';
import type { Step } from '../core/step.js';

export interface RevokeServices {
  flow: RevokeFlow;
  inventory: PermissionInventory;
  /** What an offboarding with "remove the leaver's rights on other mailboxes" borrows. */
  forOffboarding: {
    steps: readonly Step<OffboardInput>[];
    finisher: RevokeRunFinisher;
    inventory: PermissionInventory;
  };
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
  const steps = buildRevokeStepGroup<unknown>({ inventory, limiter });
  const discovery = { mailbox: deps.ports.mailbox, limiter, inventory };
  const finisher = new RevokeRunFinisher({
    discovery,
    store: deps.store,
    clock: deps.ports.clock,
    company: deps.company,
    ...(deps.ticketWebhook && {
      webhook: new TicketWebhook({
        url: deps.ticketWebhook.url,
        secret: deps.ticketWebhook.secret,
        logger: deps.logger,
      }),
    }),
  });
  const flow = new RevokeFlow({
    ports: deps.ports,
    discovery,
    requestService: deps.requestService,
    policy: deps.policy,
    steps,
    finisher,
  });
  return { flow, inventory, forOffboarding: { steps, finisher, inventory } };
}
