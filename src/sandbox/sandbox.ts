/** Assembles a running sandbox: tenant state, seed, behaviours, services, pipeline, HTTP server. */
import type { Logger } from 'pino';
import { createSigningKey } from './auth/signing-key.js';
import { createLoginService } from './auth/token-endpoint.js';
import { Behaviours } from './behaviours/behaviours.js';
import {
  applyOverrides,
  defaultBehaviours,
  realisticBehaviours,
  type BehaviourOverrides,
  type BehaviourService,
} from './behaviours/config.js';
import type { FaultKind } from './behaviours/faults.js';
import { RequestLog } from './behaviours/request-log.js';
import { createControlApi } from './control/control-api.js';
import { createGraphService } from './graph/service.js';
import { Pipeline } from './http/pipeline.js';
import { startHttpServer } from './http/server.js';
import { additionalServices } from './services.js';
import {
  lifecycleAppId,
  lifecycleAppSecret,
  readOnlyAppId,
  readOnlyAppSecret,
  seededApps,
} from './seed/apps.js';
import { loadSandboxCertificate } from './seed/certificate.js';
import { generateOrg, type GeneratedOrg, type GeneratorOptions } from './seed/generator.js';
import { seeded, seedNamedOrg } from './seed/named-org.js';
import { seededSkus } from './seed/skus.js';
import { createTenantData, type TenantInfo } from './state/tenant-data.js';
import { Tenant, type TenantSnapshot } from './state/tenant.js';

export const defaultTenantInfo: TenantInfo = {
  tenantId: '11111111-1111-4111-8111-111111111111',
  domain: 'contoso.com',
  initialDomain: 'contoso.onmicrosoft.com',
  sharePointTenantName: 'contoso',
  displayName: 'Contoso',
  syncedAccountEnabledWrites: 'accept',
};

export interface SandboxOptions {
  /** 0 = a random free port. Default 4010. */
  port?: number;
  /** Listen address. Default 127.0.0.1. */
  host?: string;
  /** Seed of every PRNG (latency, faults, generated org, run-time ids). Default 1. */
  seed?: number;
  /** 'off' (default), 'realistic', or overrides on top of 'off'. */
  behaviours?: 'off' | 'realistic' | BehaviourOverrides;
  /** Generated users on top of the named seed organisation. */
  tenant?: Partial<GeneratorOptions> & { syncedAccountEnabledWrites?: 'accept' | 'reject' };
  /** Clock (epoch ms) for tokens, throttling and consistency; default Date.now. */
  now?: () => number;
  logger?: Logger;
}

export interface SandboxUrls {
  graph: string;
  authorityHost: string;
  authority: string;
  tokenEndpoint: string;
  exchange: string;
  sharePointAdmin: string;
  sharePointMy: string;
  control: string;
}

export interface SandboxCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  certificatePem: string;
  privateKeyPem: string;
  thumbprintSha1: string;
  thumbprintSha256: string;
  readOnlyClientId: string;
  readOnlyClientSecret: string;
}

export interface Sandbox {
  baseUrl: string;
  port: number;
  tenant: TenantInfo;
  /** Live tenant state for assertions (mutate only through its stores). */
  state: Tenant;
  urls: SandboxUrls;
  credentials: SandboxCredentials;
  seeded: typeof seeded;
  generated: GeneratedOrg | null;
  behaviours: Behaviours;
  requestLog: RequestLog;
  snapshot(): TenantSnapshot;
  restore(snapshot: TenantSnapshot): void;
  /** Back to the seeded state; request log cleared; behaviours back to the start configuration. */
  reset(): void;
  failNext(service: BehaviourService, fault: FaultKind, count?: number): void;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const seed = options.seed ?? 1;
  const b = options.behaviours ?? 'off';
  const config =
    b === 'off'
      ? defaultBehaviours()
      : b === 'realistic'
        ? realisticBehaviours()
        : applyOverrides(defaultBehaviours(), b);
  const behaviours = new Behaviours(config, seed);
  const info: TenantInfo = {
    ...defaultTenantInfo,
    syncedAccountEnabledWrites: options.tenant?.syncedAccountEnabledWrites ?? 'accept',
  };
  const state = new Tenant(createTenantData(info, seed), {
    now: options.now,
    delayMs: (area) => behaviours.consistencyDelayMs(area),
  });
  let generated: GeneratedOrg | null = null;
  state.seed((t) => {
    for (const app of seededApps()) t.addApp(app);
    for (const sku of seededSkus()) t.addSku(sku);
    seedNamedOrg(t);
    const users = options.tenant?.users ?? 0;
    if (users > 0)
      generated = generateOrg(t, { ...options.tenant, users, seed: options.tenant?.seed ?? seed });
  });
  const initial = state.snapshot();
  const requestLog = new RequestLog();
  const signingKey = createSigningKey();
  const services = [
    createLoginService(signingKey),
    createGraphService(),
    ...additionalServices.map((f) => f({ tenant: state })),
  ];
  const pipeline = new Pipeline(
    {
      tenant: state,
      behaviours,
      log: requestLog,
      signingKey,
      onError: (error, req) =>
        options.logger?.error({ err: error, host: req.host, path: req.path }, 'sandbox handler failed'),
    },
    services,
  );
  const reset = (): void => {
    state.restore(initial);
    requestLog.clear();
    behaviours.reset();
  };
  const cert = loadSandboxCertificate();
  const credentials: SandboxCredentials = {
    tenantId: info.tenantId,
    clientId: lifecycleAppId,
    clientSecret: lifecycleAppSecret,
    certificatePem: cert.certificatePem,
    privateKeyPem: cert.privateKeyPem,
    thumbprintSha1: cert.thumbprintSha1Hex,
    thumbprintSha256: cert.thumbprintSha256Hex,
    readOnlyClientId: readOnlyAppId,
    readOnlyClientSecret: readOnlyAppSecret,
  };
  const published: { urls?: SandboxUrls } = {};
  const control = createControlApi({
    state,
    behaviours,
    requestLog,
    reset,
    info: () => ({
      tenant: info,
      urls: published.urls,
      seeded,
      clientId: lifecycleAppId,
      readOnlyClientId: readOnlyAppId,
    }),
  });
  const server = await startHttpServer(pipeline, control, {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 4010,
  });
  const base = server.baseUrl;
  const spo = info.sharePointTenantName;
  const urls: SandboxUrls = {
    graph: `${base}/graph.microsoft.com/v1.0`,
    authorityHost: `${base}/login.microsoftonline.com`,
    authority: `${base}/login.microsoftonline.com/${info.tenantId}`,
    tokenEndpoint: `${base}/login.microsoftonline.com/${info.tenantId}/oauth2/v2.0/token`,
    exchange: `${base}/outlook.office365.com`,
    sharePointAdmin: `${base}/${spo}-admin.sharepoint.com`,
    sharePointMy: `${base}/${spo}-my.sharepoint.com`,
    control: `${base}/_sandbox`,
  };
  published.urls = urls;
  options.logger?.info({ baseUrl: base, tenantId: info.tenantId }, 'sandbox listening');
  return {
    baseUrl: base,
    port: server.port,
    tenant: info,
    state,
    urls,
    credentials,
    seeded,
    generated,
    behaviours,
    requestLog,
    snapshot: () => state.snapshot(),
    restore: (s) => {
      state.restore(s);
    },
    reset,
    failNext: (service, fault, count = 1) => {
      behaviours.failNext(service, fault, count);
    },
    close: () => server.close(),
  };
}
