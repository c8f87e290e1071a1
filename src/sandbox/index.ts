/** Public API of the sandbox (simulated Microsoft 365 tenant). */
export { startSandbox, defaultTenantInfo } from './sandbox.js';
export type { Sandbox, SandboxOptions, SandboxUrls, SandboxCredentials } from './sandbox.js';
export type {
  BehaviourConfig,
  BehaviourOverrides,
  BehaviourService,
  LatencyConfig,
  ThrottleRule,
} from './behaviours/config.js';
export type { FaultKind } from './behaviours/faults.js';
export type { RequestLogEntry, RequestLogFilter } from './behaviours/request-log.js';
export type { Tenant, TenantSnapshot } from './state/tenant.js';
export type { GeneratorOptions, GeneratedOrg } from './seed/generator.js';
export { seeded } from './seed/named-org.js';
export { skuIds } from './seed/skus.js';
export { lifecycleAppId, lifecycleAppSecret, readOnlyAppId, readOnlyAppSecret } from './seed/apps.js';
export { seededAppObjects, seededDevices, seededSignInMethods } from './seed/checklist-seed.js';
