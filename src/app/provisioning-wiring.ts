/**
 * Builds the provisioning services for the composition root: the mapping (validated against the
 * tenant's SKUs, so a bad mapping stops start-up), the single-user flow, the batch, the report sender
 * and the pending-joiner worker.
 */
import type { Logger } from 'pino';
import type { Policy } from '../core/policy/policy.js';
import type { Ports } from '../core/ports/index.js';
import type { Store } from '../core/ports/store.js';
import { ProvisionBatch, ProvisionFlow, type ResolvedMapping } from '../core/provision/index.js';
import type { RequestService } from '../core/requests/request-service.js';
import type { Runner } from '../core/runner/runner.js';
import type { ConversationGateway } from '../teams/conversation-gateway.js';
import { BackgroundTasks } from '../teams/background-tasks.js';
import type { ProvisionBotDeps } from '../teams/bot-deps.js';
import { loadProvisioningMapping, sandboxMappingPath } from './provisioning-mapping.js';
import { PendingWorker } from '../core/provision/pending-worker.js';
import {
  JoinersDropFolder,
  joinersDropJobName,
  type JoinersDropFolderSettings,
} from '../core/provision/joiners-drop-folder.js';
import { ReportSender } from '../teams/reports/provision-report-sender.js';

export interface ProvisioningSettings {
  /** The mapping file; in sandbox mode the bundled sandbox mapping when unset. */
  configFile: string | undefined;
  isSandbox: boolean;
  tenantId: string;
  itChannelConversationId: string | undefined;
  senderUserPrincipalName: string | undefined;
  /** The joiners drop folder and its schedule; null or absent when off. */
  joinersDropFolder?: JoinersDropFolderSettings | null;
}

export interface ProvisioningServices extends ProvisionBotDeps {
  mapping: ResolvedMapping;
  worker: PendingWorker;
  /** The joiners drop folder (its scheduled job is `joiners.drop-folder`); null when off. */
  joinersDropFolder: JoinersDropFolder | null;
}

export interface ProvisioningDeps {
  ports: Ports;
  store: Store;
  runner: Runner;
  requestService: RequestService;
  policy: Policy;
  gateway: ConversationGateway;
  logger: Logger;
}

/** The provisioning flow and its mapping; null when provisioning is not configured. */
export async function loadProvisioningFlow(
  settings: Pick<ProvisioningSettings, 'configFile' | 'isSandbox'>,
  deps: Pick<ProvisioningDeps, 'ports' | 'store' | 'requestService' | 'policy'>,
): Promise<{ mapping: ResolvedMapping; flow: ProvisionFlow } | null> {
  const path = settings.configFile ?? (settings.isSandbox ? sandboxMappingPath : undefined);
  if (!path) return null;
  const mapping = await loadProvisioningMapping(path, deps.ports.licences);
  const flow = new ProvisionFlow({
    ports: deps.ports,
    requestService: deps.requestService,
    policy: deps.policy,
    mapping,
    queue: deps.store.queue,
  });
  return { mapping, flow };
}

/** The batch, the pending worker and the reports around a loaded provisioning flow. */
export function buildProvisioning(
  loaded: { mapping: ResolvedMapping; flow: ProvisionFlow },
  settings: ProvisioningSettings,
  deps: ProvisioningDeps,
): ProvisioningServices {
  const logger = deps.logger.child({ component: 'provision' });
  const { mapping, flow } = loaded;
  const batch = new ProvisionBatch({
    ports: deps.ports,
    store: deps.store,
    runner: deps.runner,
    requestService: deps.requestService,
    mapping,
  });
  const reports = new ReportSender({
    gateway: deps.gateway,
    conversations: deps.store.conversations,
    messaging: deps.ports.messaging,
    ...(settings.itChannelConversationId && {
      itChannelKey: `conversation:${settings.itChannelConversationId}`,
    }),
    ...(settings.senderUserPrincipalName && {
      mail: { from: settings.senderUserPrincipalName, to: mapping.config.report.mailTo },
    }),
    logger,
  });
  const worker = new PendingWorker({
    queue: deps.store.queue,
    batch,
    config: mapping.config,
    clock: deps.ports.clock,
    requester: {
      aadObjectId: 'provision.pending',
      tenantId: settings.tenantId,
      displayName: 'Pending joiners',
    },
    onReport: async (report) => {
      await reports.send(report);
    },
    logger,
  });
  const background = new BackgroundTasks((error) => {
    logger.error(
      { err: error instanceof Error ? { name: error.name, message: error.message } : String(error) },
      'provisioning batch failed',
    );
  });
  const joinersDropFolder = settings.joinersDropFolder
    ? new JoinersDropFolder(
        {
          store: deps.store,
          clock: deps.ports.clock,
          log: logger,
          batch,
          policy: deps.policy,
          requester: {
            aadObjectId: joinersDropJobName,
            tenantId: settings.tenantId,
            displayName: 'Joiners drop folder',
          },
          onReport: async (report) => {
            await reports.send(report);
          },
        },
        settings.joinersDropFolder,
      )
    : null;
  return { mapping, flow, batch, reports, worker, background, joinersDropFolder };
}
