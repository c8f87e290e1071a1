/** Everything the Teams surface needs, built once by the composition root. */
import type { Logger } from 'pino';
import type { Clock } from '../core/ports/clock.js';
import type { ContainFlow } from '../core/contain/contain-flow.js';
import type { UndoFlow } from '../core/undo/undo-flow.js';
import type { OffboardFlow } from '../core/offboard/offboard-flow.js';
import type { ScheduledOffboarding } from '../core/offboard/scheduled-offboard.js';
import type { OffboardStages } from '../core/offboard/offboard-stages.js';
import type { DelegationExtensions } from '../core/offboard/delegation-extension.js';
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
import type { ProofPacks } from './actions/proof-pack-action.js';
import type { ApprovalsStatus } from './approvals-status.js';
import type { BackgroundTasks } from './background-tasks.js';
import type { ConversationGateway } from './conversation-gateway.js';
import type { ActorRateLimit } from './rate-limit.js';
import type { DevClock } from './dev-clock.js';

export interface BotDeps {
  store: Store;
  requestService: RequestService;
  policy: Policy;
  offboard: OffboardFlow;
  /** Mailbox permission removal. */
  revoke?: RevokeFlow;
  /** Incident containment (`contain`). */
  contain?: ContainFlow;
  /** Undo of a finished offboarding (`undo`, `restore`, the summary's Undo button). */
  undo?: UndoFlow;
  coordinator: RunService;
  /** Offboardings approved ahead of their leave date. */
  schedule?: ScheduledOffboarding;
  /** Sandbox mode only: the clock offset that lets a demo move time forward (`clock` command). */
  devClock?: DevClock;
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
  /** The approvals channel's message per request: the approval card, then its status line. */
  approvalsStatus?: ApprovalsStatus;
  /** Approval cards per viewer (Universal Actions refresh, the default) or one card for all. */
  cardViews?: 'per-user' | 'shared';
  /** Bulk offboarding: preview, approval, execution. */
  bulk?: BulkServices;
  /** Joiner provisioning, when a licence mapping is configured. */
  provision?: ProvisionBotDeps;
  /** Signed proof packs (the summary card's Proof pack button), when a signing key is configured. */
  proof?: ProofPacks;
  /**
   * The offboarding's later stages (`status`, the summary; `processDue` for the sandbox's `clock`
   * command) and delegation extensions (Extend).
   */
  stages?: {
    view: Pick<OffboardStages, 'stagesOf' | 'policy' | 'processDue'>;
    extensions: DelegationExtensions;
  };
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
