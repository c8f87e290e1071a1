/**
 * The only composition root: builds the store, the connectors (pointed at Microsoft or the sandbox),
 * the core services, the Teams application and the HTTP server. Sandbox mode is just other base URLs.
 */
import { hostname } from 'node:os';
import type { Server } from 'node:http';
import type { Application, TeamsAdapter } from '../teams/teams-ai.js';
import type { CloudAdapter } from 'botbuilder';
import type { Logger } from 'pino';
import { BulkOffboard, isBulkRequest } from '../core/offboard/bulk-offboard.js';
import { OffboardFlow } from '../core/offboard/offboard-flow.js';
import { ContainFlow } from '../core/contain/contain-flow.js';
import { UndoFlow } from '../core/undo/undo-flow.js';
import { buildRevoke, type RevokeServices } from './revoke-wiring.js';
import { inventoryRefreshJob } from '../core/revoke/inventory-job.js';
import { JobScheduler } from '../core/schedule/scheduler.js';
import { ScheduledOffboarding } from '../core/offboard/scheduled-offboard.js';
import { leaveScheduleOf } from '../core/offboard/leave-time.js';
import { isJoinersBatch } from '../core/provision/joiners-batch.js';
import { OffboardStages } from '../core/offboard/offboard-stages.js';
import { DelegationExtensions } from '../core/offboard/delegation-extension.js';
import { Policy } from '../core/policy/policy.js';
import { errorSummary, systemClock, type Ports } from '../core/ports/index.js';
import type { Clock } from '../core/ports/clock.js';
import type { Store } from '../core/ports/store.js';
import type { SystemId } from '../core/step.js';
import { RequestService } from '../core/requests/request-service.js';
import { Runner, type RunOutcome } from '../core/runner/runner.js';
import type { OffboardInput } from '../core/offboard/offboard-input.js';
import { SystemLimiter } from '../core/runner/system-limits.js';
import { FlowRegistry } from '../core/flows/registry.js';
import { RunService } from '../core/runs/run-service.js';
import { BulkRunService } from '../core/runs/bulk-run-service.js';
import { TeamsRunReporter } from '../teams/run-reporter.js';
import { ApprovalsStatus } from '../teams/approvals-status.js';
import { BackgroundTasks } from '../teams/background-tasks.js';
import type { BotDeps, BulkServices } from '../teams/bot-deps.js';
import { CloudAdapterGateway, type ConversationGateway } from '../teams/conversation-gateway.js';
import { TeamsNotifier } from '../teams/teams-notifier.js';
import { TeamsRevokeNotifier } from '../teams/teams-revoke-notifier.js';
import { requesterConversation } from '../teams/requester-conversation.js';
import { TeamsStageNotifier } from '../teams/teams-stage-notifier.js';
import { ActorRateLimit } from '../teams/rate-limit.js';
import { DevClock } from '../teams/dev-clock.js';
import { TeamsScheduleNotices } from '../teams/schedule-notices.js';
import { openStore } from '../store/index.js';
import { buildProvisioning, loadProvisioningFlow, type ProvisioningServices } from './provisioning-wiring.js';
import { buildAdGroupJoiners } from './ad-joiners-wiring.js';
import type { AdGroupJoiners } from '../core/provision/ad-group-joiners.js';
import type { AppConfig } from './config.js';
import { buildConnectors, type Connectors } from './connectors.js';
import { downloadPolicyOf } from './download-policy.js';
import type { RequestHandler } from 'express';
import { hrLeaversEndpoint, hrLeaversPath } from './hr-leavers-endpoint.js';
import { hrLeaversDropFolderJob } from './hr-leavers-drop-folder.js';
import { HrLeaverIntake } from '../core/triggers/hr-leavers.js';
import { TeamsHrOffboardings } from '../teams/hr-leaver-offboardings.js';
import { createLogger } from './logger.js';
import { membershipCache } from './membership-cache.js';
import { proofPacksOf } from './proof-wiring.js';
import { triggerHousekeepingJob } from './trigger-housekeeping.js';
import { WriteBudgetLedger } from './write-budget-ledger.js';

export interface RunningBot {
  port: number;
  store: Store;
  coordinator: RunService;
  logger: Logger;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** An already opened store (tests); otherwise opened from the configuration. */
  store?: Store;
  /** How often abandoned runs (a dead instance's) are looked for, in ms. */
  resumeIntervalMs?: number;
  /** Lease owner id; stable across restarts of one instance. Default host name and port. */
  instanceId?: string;
  /** Calls in flight per target system (runs and plan reads); unset systems keep the Runner's defaults. */
  systemLimits?: Partial<Record<SystemId, number>>;
  /**
   * Entra object id → channel account id of the members of new 1:1 chats (the Agents Playground's
   * persona ids); unmapped ids, and every id with Teams, are used as they are.
   */
  chatMemberIds?: ReadonlyMap<string, string>;
  /**
   * The clock that decides when scheduled offboardings are due (tests: a fake clock). In sandbox mode
   * it is wrapped in the dev clock the `clock` command moves forward.
   */
  scheduleClock?: Clock;
}

function botAuthConfig(config: AppConfig): Record<string, string> {
  if (config.bot.isAnonymous) return {};
  const bot = config.bot;
  return {
    MicrosoftAppId: bot.appId ?? '',
    MicrosoftAppType: bot.type,
    MicrosoftAppTenantId: bot.tenantId ?? '',
    ...(bot.password && { MicrosoftAppPassword: bot.password }),
    ...(bot.certificateThumbprint && { CertificateThumbprint: bot.certificateThumbprint }),
    ...(bot.certificatePrivateKey && { CertificatePrivateKey: bot.certificatePrivateKey }),
  };
}

/** The bot's services: the core ones and the Teams application that answers turns. */
export interface Services extends CoreServices {
  app: Application;
  adapter: TeamsAdapter;
}

/**
 * Everything the flows, jobs and notices need, without the Teams application (the command line):
 * proactive messages go through a botbuilder CloudAdapter, and the Teams AI library, which loads
 * about 100 MB of modules the command line never uses, is not loaded.
 */
export interface CoreServices {
  deps: BotDeps;
  store: Store;
  coordinator: RunService;
  logger: Logger;
  /** Joiner provisioning; null when no licence mapping is configured. */
  provisioning: ProvisioningServices | null;
  ports: Ports;
  /** Bulk offboarding (Teams and the command line). */
  bulk: BulkServices;
  runner: Runner;
  flows: FlowRegistry;
  /** Offboardings approved ahead of their leave date (polled by `startBot`). */
  schedule: ScheduledOffboarding;
  /** The offboarding's later stages (delegation expiry and its notice). */
  stages: OffboardStages;
  /** Scheduled jobs (the permission inventory's refresh, …); `startBot` starts them. */
  jobs: JobScheduler;
  /** The revoke flow's parts (its finisher's `idle` waits for the revoke notices). */
  revoke: RevokeServices;
  /** Joiners from an AD group (the `joiners.ad-group` job); null when not configured. */
  adJoiners: AdGroupJoiners | null;
  /** The HR leavers feed's intake, when configured (`HR_LEAVERS_SECRET_FILE`). */
  hrLeavers?: HrLeaverIntake;
  /** The pacers of the binding write budgets (progress ETAs, benchmarks); absent when pacing is off. */
  writePacers: Connectors['writePacers'];
  /** What the pacers spent, kept in the store for the next process; flushed before the store closes. */
  writeBudgets: WriteBudgetLedger;
}

/**
 * Everything but the HTTP server. Tests pass their own gateway (botbuilder's TestAdapter can't send
 * proactive messages) and store.
 */
export async function createServices(
  config: AppConfig,
  options: StartOptions & { gateway?: ConversationGateway } = {},
): Promise<Services> {
  const [{ TeamsAdapter }, { createBotApplication }, { answerBadTokensWith401 }, { preloadCardTemplating }] =
    await Promise.all([
      import('../teams/teams-ai.js'),
      import('../teams/bot-app.js'),
      import('./bot-token-errors.js'),
      import('../teams/cards/render-card.js'),
    ]);
  // The bot renders cards from its first turn: their templating is loaded before it is ready.
  preloadCardTemplating();
  const adapter = new TeamsAdapter(botAuthConfig(config));
  if (!config.bot.isAnonymous) answerBadTokensWith401(adapter);
  const core = await createCoreServices(config, { ...options, adapter });
  const botAppId = config.bot.appId ?? '';
  const app = createBotApplication(core.deps, { adapter, ...(botAppId && { botAppId }) });
  adapter.onTurnError = async (context, error) => {
    core.logger.error({ err: { name: error.name, message: error.message } }, 'unhandled turn error');
    if (context.activity.type === 'message')
      await context.sendActivity('Something went wrong; nothing further was changed.');
  };
  return { ...core, app, adapter };
}

/** The services without the Teams application: the command line's (see `CoreServices`). */
export async function createCoreServices(
  config: AppConfig,
  options: StartOptions & { gateway?: ConversationGateway; adapter?: CloudAdapter } = {},
): Promise<CoreServices> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const store =
    options.store ??
    (await openStore({
      ...(config.store.databaseUrl
        ? {
            databaseUrl: config.store.databaseUrl,
            ...(config.store.migrationUrl && { migrationUrl: config.store.migrationUrl }),
          }
        : { dataDir: config.store.dataDir }),
      logger,
    }));
  const proof = await proofPacksOf(config, store);
  const connectors = buildConnectors(config, logger);
  const writeBudgets = new WriteBudgetLedger(store.state, { logger });
  await trackWriteBudgets(writeBudgets, connectors.writePacers, config);
  // The command line sends through the gateway only for a notice in Teams: botbuilder is loaded then.
  const adapter =
    options.adapter ??
    (async (): Promise<CloudAdapter> => {
      const { CloudAdapter, ConfigurationBotFrameworkAuthentication } = await import('botbuilder');
      return new CloudAdapter(new ConfigurationBotFrameworkAuthentication(botAuthConfig(config)));
    });
  const botAppId = config.bot.appId ?? '';
  const memberIds = options.chatMemberIds;
  const gateway =
    options.gateway ??
    new CloudAdapterGateway(adapter, botAppId, (id) => memberIds?.get(id.toLowerCase()) ?? id);
  const notifier = new TeamsNotifier({
    gateway,
    conversations: store.conversations,
    messaging: connectors.messaging,
    tenantId: config.tenant.id,
    teamsAppId: config.bot.teamsAppId,
    senderUserPrincipalName: config.notices.senderUserPrincipalName,
    logger,
  });
  const ports: Ports = { ...connectors, notifier, clock: systemClock };
  const policy = new Policy(config.policy, membershipCache(connectors.groups, 60_000));
  const requestService = new RequestService({
    requests: store.requests,
    audit: store.audit,
    policy,
    clock: systemClock,
    tenantId: config.tenant.id,
  });
  const revokeNotify = config.revoke.notify;
  const noticeSender = config.notices.senderUserPrincipalName;
  const revoke = buildRevoke({
    ports,
    store,
    requestService,
    policy,
    company: config.tenant.organisationName,
    ticketWebhook: config.ticketWebhook,
    settings: config.revoke,
    ...((revokeNotify.channelKey !== undefined || revokeNotify.emails.length > 0) && {
      notifier: new TeamsRevokeNotifier({
        gateway,
        conversations: store.conversations,
        messaging: connectors.messaging,
        ...(revokeNotify.channelKey !== undefined && { channelKey: revokeNotify.channelKey }),
        ...(noticeSender &&
          revokeNotify.emails.length > 0 && {
            mail: { from: noticeSender, to: revokeNotify.emails },
          }),
        logger,
      }),
    }),
    logger,
  });
  // Plan reads and runs share one per-system limiter, so many plans at once stay within the budgets.
  const limiter = new SystemLimiter(options.systemLimits, {
    ...(connectors.writePacers.exchange && { exchange: connectors.writePacers.exchange }),
    ...(connectors.writePacers.graph && { entra: connectors.writePacers.graph }),
  });
  const approvalsConversationKey = config.approvalsConversationId
    ? `conversation:${config.approvalsConversationId}`
    : undefined;
  const stageNotifier = new TeamsStageNotifier({
    notifier,
    gateway,
    conversations: store.conversations,
    approvalsConversationKey,
    logger,
  });
  // Sandbox mode only: the schedule's and the stages' clock can be moved forward for demos (`clock +2h`).
  const devClock = config.mode === 'sandbox' ? new DevClock(options.scheduleClock ?? systemClock) : undefined;
  // The stages use the offboarding's input and the shared Runner, both built below (called later only).
  const stages: OffboardStages = new OffboardStages({
    store,
    runner: { execute: (runId, opts): Promise<RunOutcome> => runner.execute(runId, opts) },
    inputFor: (request): OffboardInput => offboard.inputFor(request),
    ports,
    notifier: stageNotifier,
    policy: config.offboardStages,
    protection: policy,
    clock: devClock ?? systemClock,
    log: logger,
  });
  const extensions = new DelegationExtensions({
    store,
    inputFor: (request): OffboardInput => offboard.inputFor(request),
    policy,
    stagePolicy: config.offboardStages,
    notifier: stageNotifier,
    clock: devClock ?? systemClock,
    tenantId: config.tenant.id,
  });
  const offboard: OffboardFlow = new OffboardFlow({
    ports,
    requests: store.requests,
    requestService,
    policy,
    limiter,
    revoke: revoke.forOffboarding,
    stages,
    ...(config.ad?.disabledOuDn && { disabledOuDn: config.ad.disabledOuDn }),
  });
  const contain = new ContainFlow({
    ports,
    requests: store.requests,
    journal: store.journal,
    audit: store.audit,
    state: store.state,
    requestService,
    policy,
    limiter,
    revoke: revoke.forOffboarding,
  });
  const undo = new UndoFlow({
    ports,
    requests: store.requests,
    runs: store.runs,
    journal: store.journal,
    requestService,
    policy,
    offboardSteps: offboard.steps,
    limiter,
    audit: store.audit,
  });
  const provisionSettings = {
    configFile: config.provisioningConfigFile,
    isSandbox: config.mode === 'sandbox',
    tenantId: config.tenant.id,
    itChannelConversationId: config.notices.itChannelConversationId,
    senderUserPrincipalName: config.notices.senderUserPrincipalName,
    joinersDropFolder: config.joinersDropFolder,
  };
  const provisionFlow = await loadProvisioningFlow(provisionSettings, {
    ports,
    store,
    requestService,
    policy,
  });
  const flows = new FlowRegistry([
    offboard,
    revoke.flow,
    contain,
    undo,
    ...(provisionFlow ? [provisionFlow.flow] : []),
  ]);
  const owner = options.instanceId ?? config.instanceId ?? `${hostname()}:${config.port}`;
  const jobs = new JobScheduler({
    queue: store.queue,
    clock: systemClock,
    log: logger,
    owner,
    pollMs: config.schedules.pollMs,
  });
  if (config.schedules.inventoryRefresh) {
    jobs.register(
      inventoryRefreshJob(revoke.inventory, config.schedules.inventoryRefresh, {
        startDelayMs: config.schedules.inventoryStartDelayMs,
      }),
    );
  }
  const runner = new Runner({
    store,
    steps: flows.steps(),
    ports,
    owner,
    leaseMs: config.runner.leaseMs,
    limiter,
    logger,
  });
  const provisioning =
    provisionFlow &&
    buildProvisioning(provisionFlow, provisionSettings, {
      ports,
      store,
      runner,
      requestService,
      policy,
      gateway,
      logger,
    });
  const adJoiners =
    config.joinersAdGroup && config.ad && provisioning
      ? buildAdGroupJoiners(config.joinersAdGroup, config.ad, {
          ports,
          store,
          policy,
          provisioning,
          tenantId: config.tenant.id,
          logger,
        })
      : null;
  if (config.joinersAdGroup && !adJoiners) {
    throw new Error('JOINERS_AD_GROUP_DN needs the AD connection and the licence mapping');
  }
  if (config.schedules.triggerHousekeeping) {
    jobs.register(
      triggerHousekeepingJob(
        { store, clock: systemClock },
        {
          schedule: config.schedules.triggerHousekeeping,
          dropFolderRecordDays: config.schedules.dropFolderRecordDays,
        },
      ),
    );
  }
  if (adJoiners) jobs.register(adJoiners.job());
  if (provisioning?.joinersDropFolder) jobs.register(provisioning.joinersDropFolder.job);
  const approvalsStatus = new ApprovalsStatus({
    store,
    gateway,
    logger,
    ...(config.approvalsConversationId && {
      conversationKey: `conversation:${config.approvalsConversationId}`,
    }),
  });
  const coordinator = new RunService({
    store,
    runner,
    requestService,
    flows,
    reporter: new TeamsRunReporter(gateway, logger, { hasProofPacks: proof !== undefined }, approvalsStatus),
    clock: systemClock,
    log: logger,
    strandedAfterMs: config.runner.leaseMs,
    // A batch, a joiners file and an offboarding at its leave date are started by their own services.
    isStartedElsewhere: (request) =>
      isBulkRequest(request) || isJoinersBatch(request) || leaveScheduleOf(request.options) !== undefined,
    requesterTarget: (requestId) => requesterConversation({ store }, requestId, {}),
  });
  const bulk: BulkServices = {
    offboard: new BulkOffboard({
      ports,
      policy,
      offboard,
      requestService,
      requests: store.requests,
      audit: store.audit,
    }),
    runner: new BulkRunService({
      store,
      runner,
      requestService,
      offboard,
      clock: systemClock,
      log: logger,
      claimMs: Math.max(config.runner.leaseMs, 6_000),
    }),
  };
  const schedule = new ScheduledOffboarding({
    store,
    requestService,
    flow: offboard,
    starter: coordinator,
    users: ports.users,
    policy,
    notices: new TeamsScheduleNotices(() => deps),
    clock: devClock ?? options.scheduleClock ?? systemClock,
    log: logger,
    reminderBeforeMs: config.schedule.reminderBeforeMs,
    claimMs: Math.max(2 * config.runner.leaseMs, 10_000),
  });
  const deps: BotDeps = {
    store,
    requestService,
    policy,
    offboard,
    revoke: revoke.flow,
    contain,
    undo,
    coordinator,
    schedule,
    ...(devClock && { devClock }),
    gateway,
    background: new BackgroundTasks((error) => {
      logger.error({ err: errorSummary(error) }, 'background answer failed');
    }),
    logger,
    clock: systemClock,
    tenantId: config.tenant.id,
    downloads: downloadPolicyOf(config),
    tenantReads: new ActorRateLimit(config.policy.tenantReadsPerMinute, 60_000, systemClock),
    bulk,
    ...(approvalsConversationKey && { approvalsConversationKey }),
    approvalsStatus,
    cardViews: config.cardViews,
    stages: { view: stages, extensions },
    jobs,
    ...(config.approvalsConversationId && {
      approvalsConversationKey: `conversation:${config.approvalsConversationId}`,
    }),
    ...(provisioning && { provision: provisioning }),
    ...(proof && { proof }),
  };
  const hrLeavers = config.hrLeavers
    ? new HrLeaverIntake({
        serviceIdentity: {
          aadObjectId: config.hrLeavers.serviceId,
          tenantId: config.tenant.id,
          displayName: config.hrLeavers.serviceName,
        },
        users: ports.users,
        store,
        offboardings: new TeamsHrOffboardings(deps, config.notices.itChannelConversationId),
        clock: devClock ?? options.scheduleClock ?? systemClock,
        auditClock: systemClock,
      })
    : undefined;
  if (hrLeavers && config.hrLeavers?.dropFolder) {
    jobs.register(hrLeaversDropFolderJob(hrLeavers, config.hrLeavers.dropFolder, { store, logger }));
  }
  return {
    deps,
    store,
    coordinator,
    logger,
    provisioning,
    ports,
    bulk,
    runner,
    flows,
    schedule,
    stages,
    jobs,
    revoke,
    adJoiners,
    ...(hrLeavers && { hrLeavers }),
    writePacers: connectors.writePacers,
    writeBudgets,
  };
}

/** Each pacer resumes from what this app registration spent of its budget before this process started. */
async function trackWriteBudgets(
  ledger: WriteBudgetLedger,
  pacers: Connectors['writePacers'],
  config: AppConfig,
): Promise<void> {
  for (const pacer of [pacers.exchange, pacers.graph]) {
    if (pacer) await ledger.track(pacer, WriteBudgetLedger.key(config.tenant, pacer.budget.name));
  }
}

/** The signed endpoints configured (each off until its secret is set). */
export function signedEndpointsOf(
  config: AppConfig,
  services: Pick<Services, 'store' | 'logger' | 'hrLeavers'>,
): { path: string; handler: RequestHandler }[] {
  const endpoints: { path: string; handler: RequestHandler }[] = [];
  if (config.hrLeavers?.secret && services.hrLeavers) {
    endpoints.push({
      path: hrLeaversPath,
      handler: hrLeaversEndpoint({
        secret: config.hrLeavers.secret,
        intake: services.hrLeavers,
        store: services.store,
        clock: systemClock,
        logger: services.logger,
      }),
    });
  }
  return endpoints;
}

export async function startBot(config: AppConfig, options: StartOptions = {}): Promise<RunningBot> {
  // The HTTP server and the ticket endpoint (express, the Teams actions) are the bot's alone.
  const [services, { createHttpApp, listen }, { ticketRevokeEndpoint }] = await Promise.all([
    createServices(config, options),
    import('./http-server.js'),
    import('./ticket-revoke-endpoint.js'),
  ]);
  const {
    app,
    adapter,
    store,
    coordinator,
    logger,
    provisioning,
    deps,
    ports,
    bulk,
    schedule,
    stages,
    jobs,
    revoke,
  } = services;
  const ticketRevoke = ticketRevokeEndpoint({
    settings: config.revoke,
    itChannelConversationId: config.notices.itChannelConversationId,
    deps,
    users: ports.users,
    logger,
  });
  const http = createHttpApp({
    adapter,
    handle: async (context) => {
      await app.run(context);
    },
    isReady: async () => (await store.requests.get('REQ-00000000-READY')) === null,
    isAnonymous: config.bot.isAnonymous,
    logger,
    signedEndpoints: [...signedEndpointsOf(config, services), ...(ticketRevoke ? [ticketRevoke] : [])],
  });
  const { server, port } = await listen(http, config.port, config.host);
  logger.info({ port, mode: config.mode, anonymous: config.bot.isAnonymous }, 'bot listening');

  const resume = (): void => {
    void coordinator.resumeAbandoned().catch((error: unknown) => {
      logger.error({ err: errorSummary(error) }, 'resuming runs failed');
    });
    void bulk.runner.resumeAbandoned().catch((error: unknown) => {
      logger.error({ err: errorSummary(error) }, 'resuming bulk offboardings failed');
    });
  };
  const pollSchedule = (): void => {
    void schedule.poll();
  };
  resume();
  pollSchedule();
  const scheduled = setInterval(pollSchedule, options.resumeIntervalMs ?? config.runner.resumeIntervalMs);
  scheduled.unref();
  const timer = setInterval(resume, options.resumeIntervalMs ?? config.runner.resumeIntervalMs);
  const dueStages = setInterval(() => {
    void stages.processDue().catch((error: unknown) => {
      logger.error({ err: errorSummary(error) }, 'offboarding stages failed');
    });
  }, 60_000);
  dueStages.unref();
  timer.unref();
  provisioning?.worker.start();
  // After the server listens: the first inventory is built in the background, never inside a turn.
  jobs.start();

  return {
    port,
    store,
    coordinator,
    logger,
    async close() {
      clearInterval(timer);
      clearInterval(scheduled);
      await schedule.idle();
      clearInterval(dueStages);
      await jobs.stop();
      await provisioning?.worker.stop();
      await provisioning?.background.idle();
      await closeServer(server);
      await deps.background.idle();
      await bulk.runner.idle();
      await coordinator.idle();
      await revoke.finisher.idle();
      await services.writeBudgets.flush();
      if (!options.store) await store.close();
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
    server.closeAllConnections();
  });
}
