/**
 * Typed configuration, parsed once at start-up from the environment. Nothing else reads process.env.
 * Fails fast with every problem listed. Secrets are read here and handed to the components that need
 * them; they are never logged (see `describeConfig`).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { parseCron } from '../core/schedule/cron.js';
import { sandboxEnvDefaults } from './sandbox-defaults.js';
import { defaultStagePolicy, parseStagePolicy, type StagePolicy } from '../core/offboard/stage-policy.js';
import { readRevokeSettings, revokeSettingsSchema, type RevokeSettings } from './revoke-settings.js';
import type { AdGroupJoinersSettings } from '../core/provision/ad-group-joiners.js';
import { joinersAdSettings } from './joiners-ad-config.js';

const csv = z
  .string()
  .optional()
  .transform((v) =>
    v
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
  );
const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v)));
const guid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');

const envSchema = z.object({
  LIFECYCLE_MODE: z.enum(['sandbox', 'production']).default('production'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  // Bot Framework identity of the bot itself.
  BOT_ID: z.string().optional(),
  BOT_PASSWORD: z.string().optional(),
  BOT_TYPE: z.enum(['SingleTenant', 'UserAssignedMsi']).default('SingleTenant'),
  BOT_TENANT_ID: z.string().optional(),
  BOT_CERT_THUMBPRINT: z.string().optional(),
  BOT_CERT_KEY_FILE: z.string().optional(),
  /** Manifest id of the Teams app (used to install it for delegates). */
  TEAMS_APP_ID: z.string().optional(),

  // The Microsoft 365 tenant the bot manages.
  TENANT_ID: guid.optional(),
  TENANT_DOMAIN: z.string().default('contoso.com'),
  /** Organisation name in reports (the revoke summary's `company`). */
  ORGANISATION_NAME: z.string().max(200).default('Contoso'),
  CLIENT_ID: z.string().optional(),
  CLIENT_SECRET: z.string().optional(),
  CLIENT_CERT_FILE: z.string().optional(),
  CLIENT_KEY_FILE: z.string().optional(),
  MANAGED_IDENTITY_CLIENT_ID: z.string().optional(),
  /** Sandbox base URL (e.g. http://127.0.0.1:4010); sets every service URL below. Sandbox mode only. */
  SANDBOX_URL: z.url().optional(),
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
  GRAPH_URL: z.url().default('https://graph.microsoft.com'),
  LOGIN_URL: z.url().default('https://login.microsoftonline.com'),
  EXCHANGE_URL: z.url().default('https://outlook.office365.com'),
  SHAREPOINT_ADMIN_URL: z.url().optional(),

  // On-premises AD (optional).
  AD_URL: z.string().optional(),
  AD_BIND_DN: z.string().optional(),
  AD_BIND_PASSWORD: z.string().optional(),
  AD_BASE_DN: z.string().optional(),
  AD_DISABLED_OU: z.string().optional(),
  AD_CA_FILE: z.string().optional(),
  /** Name to check in the DC's certificate when AD_URL holds an IP address. */
  AD_TLS_SERVER_NAME: z.string().optional(),

  // Store.
  DATABASE_URL: z.string().optional(),
  /** PostgreSQL role that owns the schema and runs migrations; DATABASE_URL's role then gets least privilege. */
  DATABASE_MIGRATION_URL: z.string().optional(),
  DATA_DIR: z.string().default('.data'),

  // Policy.
  REQUESTERS_GROUP_IDS: csv,
  APPROVERS_GROUP_IDS: csv,
  PROTECTED_GROUP_IDS: csv,
  PROTECTED_UPNS: csv,
  /** Accounts the bot uses besides the notice sender (the AD bind account's UPN…): always protected. */
  SERVICE_ACCOUNT_UPNS: csv,
  PROTECTED_ACCOUNT_POLICY: z.enum(['refuse', 'second-approval']).default('second-approval'),
  INCIDENT_RESPONDER_GROUP_IDS: csv,
  /** May read requests, history and exports (auditors). */
  AUDITOR_GROUP_IDS: csv,
  APPROVAL_REQUIRED_OFFBOARD: bool(true),
  APPROVAL_REQUIRED_REVOKE: bool(true),
  APPROVAL_REQUIRED_PROVISION: bool(false),
  /** `contain` needs one approval by another incident responder (protected accounts always need two). */
  CONTAIN_REQUIRES_APPROVAL: bool(true),
  MAX_USERS_PER_REQUEST: z.coerce.number().int().min(1).max(5000).default(50),
  /** Per person: commands and choices that read the tenant (look-ups, plans) in any minute. */
  TENANT_READS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(60),

  // Notices and reports.
  NOTICE_SENDER_UPN: z.string().optional(),
  IT_CHANNEL_CONVERSATION_ID: z.string().optional(),
  TICKET_WEBHOOK_URL: z.url().optional(),
  TICKET_WEBHOOK_SECRET: z.string().optional(),
  PROVISIONING_CONFIG_FILE: z.string().optional(),
  /** JSON policy of the offboarding's later stages (delegation expiry, notice, extensions); defaults when unset. */
  OFFBOARD_STAGES_FILE: z.string().optional(),
  /** Lease owner id of this instance; stable across its restarts. Default: host name and port. */
  INSTANCE_ID: z.string().max(200).optional(),
  /** How long a run's lease lasts without a heartbeat before another instance may take the run over. */
  RUN_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  /** Write budgets the connectors pace to (0: no pacing): Exchange destructive cmdlets, Graph writes. */
  EXCHANGE_WRITES_PER_MINUTE: z.coerce.number().int().min(0).max(100_000).default(120),
  GRAPH_WRITES_PER_150_SECONDS: z.coerce.number().int().min(0).max(1_000_000).default(3000),
  /** How often each instance looks for queued runs and runs abandoned by a dead instance. */
  RESUME_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(15_000),
  /**
   * How long before a scheduled offboarding's leave time its requester and approvers are reminded
   * (0: no reminder). Default 24 hours.
   */
  SCHEDULE_REMINDER_MINUTES: z.coerce.number().int().min(0).max(43_200).default(1440),
  /** Stored conversation key (`conversation:<id>`) where approval cards are also posted. */
  APPROVALS_CONVERSATION_ID: z.string().max(500).optional(),
  /** Ed25519 or RSA private key (PEM) that signs proof packs; enables the summary card's Proof pack button. */
  PROOF_SIGNING_KEY_FILE: z.string().optional(),
  /**
   * The HR leavers feed (`POST /api/hr/leavers`): a file holding its shared HMAC secret (at least 32
   * characters); unset, the endpoint does not exist. Needs HR_LEAVERS_SERVICE_ID.
   */
  HR_LEAVERS_SECRET_FILE: z.string().optional(),
  /** Entra object id of the HR service identity, a member of a requesters group: the feed's requester. */
  HR_LEAVERS_SERVICE_ID: guid.optional(),
  /** How the HR service identity is named on cards and in the audit trail. */
  HR_LEAVERS_SERVICE_NAME: z.string().min(1).max(100).default('HR leavers feed'),
  /** Folder HR drops leavers CSV files in (the same events as the endpoint); unset, no folder is read. */
  HR_LEAVERS_DROP_FOLDER: z.string().min(1).optional(),
  /** When the HR leavers drop folder is read (five-field cron, UTC). */
  HR_LEAVERS_DROP_SCHEDULE: z
    .string()
    .trim()
    .default('*/5 * * * *')
    .refine(isCron, { message: 'must be a five-field cron expression (minute hour day month weekday, UTC)' }),
  /**
   * Approval cards: `per-user` (Universal Actions refresh: approvers see Approve/Reject, the requester
   * Cancel, everyone else a read-only card) or `shared` (everyone sees the buttons; the server refuses
   * whoever may not use them). Default `per-user`; `shared` in sandbox mode, as the Agents Playground
   * does not refresh cards per user.
   */
  CARD_VIEWS: z.enum(['per-user', 'shared']).optional(),
  /**
   * When the permission inventory is refreshed (five-field cron, UTC), or `off`. It is also built at
   * once after start-up while no complete inventory exists.
   */
  INVENTORY_REFRESH_SCHEDULE: z
    .string()
    .trim()
    .default('0 * * * *')
    .refine((value) => value === 'off' || isCron(value), {
      message: 'must be a five-field cron expression (minute hour day month weekday, UTC) or off',
    }),
  /**
   * Seconds after start-up before the first inventory build (only while no complete inventory exists):
   * the turns that arrive right after a restart go first. Default 15.
   */
  INVENTORY_START_DELAY_S: z.coerce.number().int().min(0).max(3600).default(15),
  /**
   * When the triggers' records are cleaned up (job `triggers.housekeeping`: replay records of the
   * signed endpoints, drop-folder row records), five-field cron UTC, or `off`.
   */
  TRIGGER_HOUSEKEEPING_SCHEDULE: z
    .string()
    .trim()
    .default('20 3 * * *')
    .refine((value) => value === 'off' || isCron(value), {
      message: 'must be a five-field cron expression (minute hour day month weekday, UTC) or off',
    }),
  /** How many days a drop folder's row records are kept (the same content dropped again within them is not applied again). */
  DROP_FOLDER_RECORD_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** How often each instance looks for due scheduled jobs. */
  JOBS_POLL_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /**
   * Joiners from a drop folder (an IDM export share): the absolute path of the folder whose CSV files
   * are provisioned by the job `joiners.drop-folder`; unset, the job is off.
   */
  JOINERS_DROP_FOLDER: z
    .string()
    .trim()
    .optional()
    .refine((value) => !value || isAbsolute(value), { message: 'must be an absolute path' }),
  /**
   * A file is taken when its size and time are the same at two looks this far apart (a file still
   * being written waits for the next run); 0 trusts writers to write `*.tmp` and rename.
   */
  JOINERS_DROP_SETTLE_SECONDS: z.coerce.number().min(0).max(600).default(2),
  /** When the joiners drop folder is read (five-field cron, UTC), or `off`. */
  JOINERS_DROP_SCHEDULE: z
    .string()
    .trim()
    .default('*/15 * * * *')
    .refine((value) => value === 'off' || isCron(value), {
      message: 'must be a five-field cron expression (minute hour day month weekday, UTC) or off',
    }),
  // Revoke organisation settings and the ticket trigger (revoke-settings.ts).
  ...revokeSettingsSchema.shape,
});

function isCron(value: string): boolean {
  try {
    parseCron(value);
    return true;
  } catch {
    return false;
  }
}

export type Env = z.infer<typeof envSchema>;

export interface AppConfig {
  mode: 'sandbox' | 'production';
  port: number;
  host: string | undefined;
  logLevel: Env['LOG_LEVEL'];
  bot: {
    appId: string | undefined;
    password: string | undefined;
    type: Env['BOT_TYPE'];
    tenantId: string | undefined;
    certificateThumbprint: string | undefined;
    certificatePrivateKey: string | undefined;
    teamsAppId: string | undefined;
    /** Anonymous Bot Framework auth: sandbox mode on loopback only. */
    isAnonymous: boolean;
  };
  tenant: {
    id: string;
    domain: string;
    organisationName: string;
    clientId: string | undefined;
    clientSecret: string | undefined;
    certificatePem: string | undefined;
    privateKeyPem: string | undefined;
    managedIdentityClientId: string | undefined;
  };
  urls: {
    sandbox: string | undefined;
    graph: string;
    login: string;
    exchange: string;
    sharePointAdmin: string;
  };
  sandboxPort: number;
  ad:
    | {
        url: string;
        bindDn: string;
        bindPassword: string;
        baseDn: string;
        disabledOuDn: string | undefined;
        caPem: string | undefined;
        tlsServerName: string | undefined;
      }
    | undefined;
  store: { databaseUrl: string | undefined; migrationUrl: string | undefined; dataDir: string };
  policy: {
    requesterGroupIds: string[];
    approverGroupIds: string[];
    protectedGroupIds: string[];
    protectedUserPrincipalNames: string[];
    /** The notice sender and the configured service accounts. */
    botAccountUserPrincipalNames: string[];
    protectedAccountPolicy: 'refuse' | 'second-approval';
    incidentResponderGroupIds: string[];
    auditorGroupIds: string[];
    isApprovalRequired: { offboard: boolean; revoke: boolean; provision: boolean; contain: boolean };
    maxUsersPerRequest: number;
    tenantReadsPerMinute: number;
  };
  notices: { senderUserPrincipalName: string | undefined; itChannelConversationId: string | undefined };
  ticketWebhook: { url: string; secret: string } | undefined;
  provisioningConfigFile: string | undefined;
  /** The offboarding's later stages (`OFFBOARD_STAGES_FILE`, else the defaults). */
  offboardStages: StagePolicy;
  instanceId: string | undefined;
  approvalsConversationId: string | undefined;
  cardViews: 'per-user' | 'shared';
  runner: { leaseMs: number; resumeIntervalMs: number };
  /** Writes per window the connectors pace to; 0 turns pacing off for that service. */
  writeBudgets: { exchangePerMinute: number; graphPer150Seconds: number };
  schedule: { reminderBeforeMs: number };
  /** The proof signing key file (docs/proof.md); unset, the bot offers no proof packs. */
  proofSigningKeyFile: string | undefined;
  /**
   * The HR leavers feed: the service identity it asks as, the endpoint's secret (unset: no endpoint)
   * and the drop folder with its schedule (unset: no folder); undefined when neither is configured.
   */
  hrLeavers:
    | {
        serviceId: string;
        serviceName: string;
        secret: string | undefined;
        dropFolder: { path: string; schedule: string } | undefined;
      }
    | undefined;
  /**
   * Scheduled jobs: the inventory's cron expression (null: off), how long after start-up a first build
   * waits, and the poll interval.
   */
  schedules: {
    inventoryRefresh: string | null;
    inventoryStartDelayMs: number;
    pollMs: number;
    /** The triggers' retention job (`off`: null) and how long drop-folder row records are kept. */
    triggerHousekeeping: string | null;
    dropFolderRecordDays: number;
  };
  /** Revoke organisation settings (default scope, notifications, offboarding tickets) and the ticket trigger. */
  revoke: RevokeSettings;
  /** Joiners from an AD group (`JOINERS_AD_*`, `joiners-ad-config.ts`); undefined: off. */
  joinersAdGroup: AdGroupJoinersSettings | undefined;
  /** The joiners drop folder and its schedule; null when off. */
  joinersDropFolder: { folder: string; schedule: string; settleMs: number } | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Sandbox defaults fill only what the environment leaves unset (a secret set explicitly keeps the secret). */
function withSandboxDefaults(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const defaults = sandboxEnvDefaults();
  if (env['CLIENT_SECRET']) {
    delete defaults['CLIENT_CERT_FILE'];
    delete defaults['CLIENT_KEY_FILE'];
  }
  const merged: NodeJS.ProcessEnv = { ...env };
  for (const [key, value] of Object.entries(defaults)) {
    if (merged[key] === undefined || merged[key] === '') merged[key] = value;
  }
  return merged;
}

const readText = (path: string | undefined): string | undefined =>
  path ? readFileSync(path, 'utf8') : undefined;

/** Only the store's settings, for tools that read the store and nothing else (`lifecycle export`). */
export function loadStoreConfig(env: NodeJS.ProcessEnv = process.env): AppConfig['store'] {
  const parsed = envSchema
    .pick({ DATABASE_URL: true, DATABASE_MIGRATION_URL: true, DATA_DIR: true })
    .safeParse(env);
  if (!parsed.success)
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const problem = storeProblem(parsed.data);
  if (problem) throw new ConfigError([problem]);
  return {
    databaseUrl: parsed.data.DATABASE_URL,
    migrationUrl: parsed.data.DATABASE_MIGRATION_URL,
    dataDir: parsed.data.DATA_DIR,
  };
}

/** A migration role only makes sense next to the runtime role of PostgreSQL. */
function storeProblem(e: {
  DATABASE_URL?: string | undefined;
  DATABASE_MIGRATION_URL?: string | undefined;
}): string | undefined {
  return e.DATABASE_MIGRATION_URL && !e.DATABASE_URL
    ? 'DATABASE_MIGRATION_URL needs DATABASE_URL (the runtime role of the same PostgreSQL database)'
    : undefined;
}

/** Parse and cross-check the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const isSandboxMode = env['LIFECYCLE_MODE'] === 'sandbox';
  const withDefaults = isSandboxMode ? withSandboxDefaults(env) : env;
  const parsed = envSchema.safeParse(withDefaults);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const isSandbox = e.LIFECYCLE_MODE === 'sandbox';
  const sandbox = e.SANDBOX_URL ?? (isSandbox ? `http://127.0.0.1:${e.SANDBOX_PORT}` : undefined);
  const via = (real: string): string => (sandbox ? `${sandbox}/${real.replace(/^https:\/\//, '')}` : real);
  const domainLabel = e.TENANT_DOMAIN.split('.')[0] ?? 'contoso';
  const storeMisconfigured = storeProblem(e);
  if (storeMisconfigured) problems.push(storeMisconfigured);

  if (!isSandbox) {
    if (!e.BOT_ID) problems.push('BOT_ID is required outside sandbox mode');
    if (!e.BOT_TENANT_ID && !e.TENANT_ID)
      problems.push('BOT_TENANT_ID (or TENANT_ID) is required outside sandbox mode');
    if (e.BOT_TYPE === 'SingleTenant' && !e.BOT_PASSWORD && !(e.BOT_CERT_THUMBPRINT && e.BOT_CERT_KEY_FILE)) {
      problems.push('SingleTenant bots need BOT_PASSWORD or BOT_CERT_THUMBPRINT + BOT_CERT_KEY_FILE');
    }
    if (!e.TENANT_ID) problems.push('TENANT_ID is required');
    if (!e.CLIENT_ID && !e.MANAGED_IDENTITY_CLIENT_ID)
      problems.push('CLIENT_ID or MANAGED_IDENTITY_CLIENT_ID is required');
    if (e.REQUESTERS_GROUP_IDS.length === 0)
      problems.push('REQUESTERS_GROUP_IDS is required (Entra group ids)');
    if (e.APPROVERS_GROUP_IDS.length === 0)
      problems.push('APPROVERS_GROUP_IDS is required (Entra group ids)');
  }
  if (!isSandbox && e.SANDBOX_URL) {
    // Production must never be pointed at a sandbox (or anything posing as one) by one variable.
    problems.push('SANDBOX_URL is honoured in sandbox mode only: unset it, or set LIFECYCLE_MODE=sandbox');
  }
  if (isSandbox && e.HOST && !['127.0.0.1', 'localhost', '::1'].includes(e.HOST)) {
    problems.push('sandbox mode accepts unauthenticated requests and listens on loopback only: unset HOST');
  }
  const adKeys = [e.AD_URL, e.AD_BIND_DN, e.AD_BIND_PASSWORD, e.AD_BASE_DN];
  if (adKeys.some(Boolean) && !adKeys.every(Boolean)) {
    problems.push('AD_URL, AD_BIND_DN, AD_BIND_PASSWORD and AD_BASE_DN go together');
  }
  if (e.AD_URL && !e.AD_URL.startsWith('ldaps://'))
    problems.push('AD_URL must use ldaps:// (passwords travel over it)');
  if (
    (e.TICKET_WEBHOOK_URL && !e.TICKET_WEBHOOK_SECRET) ||
    (!e.TICKET_WEBHOOK_URL && e.TICKET_WEBHOOK_SECRET)
  ) {
    problems.push('TICKET_WEBHOOK_URL and TICKET_WEBHOOK_SECRET go together');
  }
  if (e.JOINERS_DROP_FOLDER && e.JOINERS_DROP_SCHEDULE !== 'off') {
    if (!e.PROVISIONING_CONFIG_FILE && !isSandbox) {
      problems.push('JOINERS_DROP_FOLDER needs provisioning: set PROVISIONING_CONFIG_FILE');
    }
    if (e.APPROVAL_REQUIRED_PROVISION) {
      // Nobody approves a drop folder's rows: every row would stop at `needs-approval`.
      problems.push('JOINERS_DROP_FOLDER provisions without an approval: unset APPROVAL_REQUIRED_PROVISION');
    }
  }
  const revoke = readRevokeSettings(e, problems);
  let offboardStages = defaultStagePolicy;
  if (e.OFFBOARD_STAGES_FILE) {
    try {
      offboardStages = parseStagePolicy(readFileSync(e.OFFBOARD_STAGES_FILE, 'utf8'), 'OFFBOARD_STAGES_FILE');
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  const joinersAd = joinersAdSettings(withDefaults, {
    hasDirectory: Boolean(e.AD_URL && e.AD_BIND_DN && e.AD_BIND_PASSWORD && e.AD_BASE_DN),
    hasMapping: Boolean(e.PROVISIONING_CONFIG_FILE) || isSandbox,
  });
  problems.push(...joinersAd.problems);
  if (joinersAd.settings && e.APPROVAL_REQUIRED_PROVISION) {
    // Nobody approves the group's members: the trigger would provision around the approval rule.
    problems.push('JOINERS_AD_GROUP_DN provisions without an approval: unset APPROVAL_REQUIRED_PROVISION');
  }
  const hrLeavers = hrLeaversOf(e, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    mode: e.LIFECYCLE_MODE,
    port: e.PORT,
    host: isSandbox ? (e.HOST ?? '127.0.0.1') : e.HOST,
    logLevel: e.LOG_LEVEL,
    bot: {
      appId: e.BOT_ID,
      password: e.BOT_PASSWORD,
      type: e.BOT_TYPE,
      tenantId: e.BOT_TENANT_ID ?? e.TENANT_ID,
      certificateThumbprint: e.BOT_CERT_THUMBPRINT,
      certificatePrivateKey: readText(e.BOT_CERT_KEY_FILE),
      teamsAppId: e.TEAMS_APP_ID,
      isAnonymous: isSandbox && !e.BOT_ID,
    },
    tenant: {
      id: e.TENANT_ID ?? '11111111-1111-4111-8111-111111111111',
      domain: e.TENANT_DOMAIN,
      organisationName: e.ORGANISATION_NAME,
      clientId: e.CLIENT_ID ?? (isSandbox ? '22222222-2222-4222-8222-222222222222' : undefined),
      clientSecret:
        e.CLIENT_SECRET ?? (isSandbox && !e.CLIENT_CERT_FILE ? 'lifecycle-sandbox-secret' : undefined),
      certificatePem: readText(e.CLIENT_CERT_FILE),
      privateKeyPem: readText(e.CLIENT_KEY_FILE),
      managedIdentityClientId: e.MANAGED_IDENTITY_CLIENT_ID,
    },
    urls: {
      sandbox,
      graph: via(e.GRAPH_URL),
      login: via(e.LOGIN_URL),
      exchange: via(e.EXCHANGE_URL),
      /** The real https URL: SharePoint scopes are per host; the connector adds the sandbox base itself. */
      sharePointAdmin: e.SHAREPOINT_ADMIN_URL ?? `https://${domainLabel}-admin.sharepoint.com`,
    },
    sandboxPort: e.SANDBOX_PORT,
    ad:
      e.AD_URL && e.AD_BIND_DN && e.AD_BIND_PASSWORD && e.AD_BASE_DN
        ? {
            url: e.AD_URL,
            bindDn: e.AD_BIND_DN,
            bindPassword: e.AD_BIND_PASSWORD,
            baseDn: e.AD_BASE_DN,
            disabledOuDn: e.AD_DISABLED_OU,
            caPem: readText(e.AD_CA_FILE),
            tlsServerName: e.AD_TLS_SERVER_NAME,
          }
        : undefined,
    store: { databaseUrl: e.DATABASE_URL, migrationUrl: e.DATABASE_MIGRATION_URL, dataDir: e.DATA_DIR },
    policy: {
      requesterGroupIds: e.REQUESTERS_GROUP_IDS,
      approverGroupIds: e.APPROVERS_GROUP_IDS,
      protectedGroupIds: e.PROTECTED_GROUP_IDS,
      protectedUserPrincipalNames: e.PROTECTED_UPNS,
      botAccountUserPrincipalNames: [
        ...(e.NOTICE_SENDER_UPN ? [e.NOTICE_SENDER_UPN] : []),
        ...e.SERVICE_ACCOUNT_UPNS,
      ],
      protectedAccountPolicy: e.PROTECTED_ACCOUNT_POLICY,
      incidentResponderGroupIds: e.INCIDENT_RESPONDER_GROUP_IDS,
      auditorGroupIds: e.AUDITOR_GROUP_IDS,
      isApprovalRequired: {
        offboard: e.APPROVAL_REQUIRED_OFFBOARD,
        revoke: e.APPROVAL_REQUIRED_REVOKE,
        provision: e.APPROVAL_REQUIRED_PROVISION,
        contain: e.CONTAIN_REQUIRES_APPROVAL,
      },
      maxUsersPerRequest: e.MAX_USERS_PER_REQUEST,
      tenantReadsPerMinute: e.TENANT_READS_PER_MINUTE,
    },
    notices: {
      senderUserPrincipalName: e.NOTICE_SENDER_UPN,
      itChannelConversationId: e.IT_CHANNEL_CONVERSATION_ID,
    },
    ticketWebhook:
      e.TICKET_WEBHOOK_URL && e.TICKET_WEBHOOK_SECRET
        ? { url: e.TICKET_WEBHOOK_URL, secret: e.TICKET_WEBHOOK_SECRET }
        : undefined,
    provisioningConfigFile: e.PROVISIONING_CONFIG_FILE,
    offboardStages,
    instanceId: e.INSTANCE_ID,
    approvalsConversationId: e.APPROVALS_CONVERSATION_ID,
    cardViews: e.CARD_VIEWS ?? (isSandbox ? 'shared' : 'per-user'),
    runner: { leaseMs: e.RUN_LEASE_MS, resumeIntervalMs: e.RESUME_INTERVAL_MS },
    writeBudgets: {
      exchangePerMinute: e.EXCHANGE_WRITES_PER_MINUTE,
      graphPer150Seconds: e.GRAPH_WRITES_PER_150_SECONDS,
    },
    schedule: { reminderBeforeMs: e.SCHEDULE_REMINDER_MINUTES * 60_000 },
    proofSigningKeyFile: e.PROOF_SIGNING_KEY_FILE || undefined,
    hrLeavers,
    schedules: {
      inventoryRefresh: e.INVENTORY_REFRESH_SCHEDULE === 'off' ? null : e.INVENTORY_REFRESH_SCHEDULE,
      inventoryStartDelayMs: e.INVENTORY_START_DELAY_S * 1000,
      pollMs: e.JOBS_POLL_MS,
      triggerHousekeeping: e.TRIGGER_HOUSEKEEPING_SCHEDULE === 'off' ? null : e.TRIGGER_HOUSEKEEPING_SCHEDULE,
      dropFolderRecordDays: e.DROP_FOLDER_RECORD_DAYS,
    },
    revoke,
    joinersAdGroup: joinersAd.settings,
    joinersDropFolder:
      e.JOINERS_DROP_FOLDER && e.JOINERS_DROP_SCHEDULE !== 'off'
        ? {
            folder: e.JOINERS_DROP_FOLDER,
            schedule: e.JOINERS_DROP_SCHEDULE,
            settleMs: e.JOINERS_DROP_SETTLE_SECONDS * 1000,
          }
        : null,
  };
}

/**
 * A signed endpoint's shared secret from its file (trimmed). Adds a problem, naming the variable but
 * never the content, when the file can't be read or the secret is shorter than 32 characters.
 */
export function readEndpointSecret(path: string, variable: string, problems: string[]): string | undefined {
  let secret: string;
  try {
    secret = readFileSync(path, 'utf8').trim();
  } catch {
    problems.push(`${variable}: the file can't be read`);
    return undefined;
  }
  if (secret.length < 32) {
    problems.push(`${variable}: the secret must have at least 32 characters`);
    return undefined;
  }
  return secret;
}

function hrLeaversOf(e: Env, problems: string[]): AppConfig['hrLeavers'] {
  if (!e.HR_LEAVERS_SECRET_FILE && !e.HR_LEAVERS_DROP_FOLDER) {
    if (e.HR_LEAVERS_SERVICE_ID)
      problems.push('HR_LEAVERS_SERVICE_ID needs HR_LEAVERS_SECRET_FILE or HR_LEAVERS_DROP_FOLDER');
    return undefined;
  }
  if (!e.HR_LEAVERS_SERVICE_ID) {
    problems.push('the HR leavers feed needs HR_LEAVERS_SERVICE_ID (the HR service identity)');
  }
  if (!e.APPROVAL_REQUIRED_OFFBOARD) {
    problems.push(
      'the HR leavers feed needs APPROVAL_REQUIRED_OFFBOARD=true: its requests always wait for an approver',
    );
  }
  if (!e.APPROVALS_CONVERSATION_ID) {
    problems.push(
      'the HR leavers feed needs APPROVALS_CONVERSATION_ID: its requests are posted there for approval',
    );
  }
  const secret = e.HR_LEAVERS_SECRET_FILE
    ? readEndpointSecret(e.HR_LEAVERS_SECRET_FILE, 'HR_LEAVERS_SECRET_FILE', problems)
    : undefined;
  if (!e.HR_LEAVERS_SERVICE_ID || (e.HR_LEAVERS_SECRET_FILE && !secret)) return undefined;
  return {
    serviceId: e.HR_LEAVERS_SERVICE_ID,
    serviceName: e.HR_LEAVERS_SERVICE_NAME,
    secret,
    dropFolder: e.HR_LEAVERS_DROP_FOLDER
      ? { path: e.HR_LEAVERS_DROP_FOLDER, schedule: e.HR_LEAVERS_DROP_SCHEDULE }
      : undefined,
  };
}
