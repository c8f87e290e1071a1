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
  revokeInputOf,
  type RevokeNotifier,
} from '../core/revoke/index.js';
import type { Step } from '../core/step.js';
import type { RevokeSettings } from './revoke-settings.js';

export interface RevokeServices {
  flow: RevokeFlow;
  /** The end of every run that removed mailbox rights (its `idle` waits for the notices). */
  finisher: RevokeRunFinisher;
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
  /** The organisation's default scope and whether offboardings' summaries go to the ticket webhook. */
  settings: Pick<RevokeSettings, 'defaultPermissionTypes' | 'isTicketWebhookForOffboarding'>;
  /** Tells the configured recipients when a revoke completes or fails. */
  notifier?: RevokeNotifier;
  logger: Logger;
}): RevokeServices {
  const defaultPermissionTypes = deps.settings.defaultPermissionTypes;
  const limiter = new AdaptiveLimiter({ clock: deps.ports.clock });
  const inventory = new PermissionInventory({
    state: deps.store.state,
    mailbox: deps.ports.mailbox,
    clock: deps.ports.clock,
    limiter,
  });
  const steps = buildRevokeStepGroup<unknown>({
    inventory,
    limiter,
    select: (input) => revokeInputOf(input, defaultPermissionTypes),
  });
  const discovery = { mailbox: deps.ports.mailbox, limiter, inventory };
  const finisher = new RevokeRunFinisher({
    discovery,
    store: deps.store,
    clock: deps.ports.clock,
    company: deps.company,
    defaultPermissionTypes,
    isWebhookForOffboarding: deps.settings.isTicketWebhookForOffboarding,
    log: deps.logger,
    ...(deps.notifier && { notifier: deps.notifier }),
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
    defaultPermissionTypes,
  });
  return { flow, finisher, inventory, forOffboarding: { steps, finisher, inventory } };
}
