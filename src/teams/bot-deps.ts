/** Everything the Teams surface needs, built once by the composition root. */
import type { Logger } from 'pino';
import type { Clock } from '../core/ports/clock.js';
import type { ContainFlow } from '../core/contain/contain-flow.js';
import type { OffboardFlow } from '../core/offboard/offboard-flow.js';
import type { RevokeFlow } from '../core/revoke/revoke-flow.js';
import type { Policy } from '../core/policy/policy.js';
import type { Store } from '../core/ports/store.js';
import type { RequestService } from '../core/requests/request-service.js';
import type { JobScheduler } from '../core/schedule/scheduler.js';
import type { BulkRunService } from '../core/runs/bulk-run-service.js';
import type { RunService } from '../core/runs/run-service.js';
import type { BulkOffboard } from '../core/offboard/bulk-offboard.js';
import type { BatchReport, ProvisionBatch, ProvisionFlow } from '../core/provision/index.js';
import type { DownloadPolicy } from './actions/file-download.js';
import type { BackgroundTasks } from './background-tasks.js';
import type { ConversationGateway } from './conversation-gateway.js';
import type { ActorRateLimit } from './rate-limit.js';

export interface BotDeps {
  store: Store;
  requestService: RequestService;
  policy: Policy;
  offboard: OffboardFlow;
  /** Mailbox permission removal. */
  revoke?: RevokeFlow;
  /** Incident containment (`contain`). */
  contain?: ContainFlow;
  coordinator: RunService;
  gateway: ConversationGateway;
  /** Work a turn started and answers later (planning behind a command's placeholder card). */
  background: BackgroundTasks;
  logger: Logger;
  /** The time of refusals the Teams surface audits. */
  clock: Clock;
  /** The tenant this bot serves. */
  tenantId: string;
  /** Where attached files may be downloaded from (the tenant's SharePoint hosts). */
  downloads: DownloadPolicy;
  /** Per-actor rate limit of the routes that read the tenant. */
  tenantReads: ActorRateLimit;
  /** Where approval cards also go (an approvals channel), as a stored conversation key. */
  approvalsConversationKey?: string;
  /** Bulk offboarding: preview, approval, execution. */
  bulk?: BulkServices;
  /** Joiner provisioning, when a licence mapping is configured. */
  provision?: ProvisionBotDeps;
  /** Scheduled jobs, for `jobs`. */
  jobs?: Pick<JobScheduler, 'list'>;
}

export interface BulkServices {
  offboard: BulkOffboard;
  runner: BulkRunService;
}

export interface ProvisionBotDeps {
  flow: ProvisionFlow;
  batch: ProvisionBatch;
  reports: { send(report: BatchReport): Promise<unknown> };
  background: BackgroundTasks;
}
