/** The revoke flow's core: inputs, discovery, the permission inventory, steps, summary and card data. */
export {
  AdaptiveLimiter,
  mapLimited,
  type AdaptiveLimiterOptions,
  type LimiterStats,
} from './adaptive-limiter.js';
export {
  discoverPermissions,
  type Discovery,
  type DiscoveryDeps,
  type DiscoveryOptions,
} from './discovery.js';
export {
  maxTargetMailboxes,
  parseRevokeInput,
  permissionTypes,
  revokeInputOf,
  revokeInputSchema,
  ticketIdPattern,
  type PermissionType,
  type RevokeInput,
} from './input.js';
export type { InventoryRecord, LocalChange } from './inventory-records.js';
export {
  PermissionInventory,
  type PermissionInventoryOptions,
  type InventoryStatus,
  type RefreshReport,
} from './permission-inventory.js';
export { inventoryNote } from './inventory-note.js';
export { inventoryJobName, inventoryRefreshJob } from './inventory-job.js';
export {
  categoriesFor,
  revokeUserFrom,
  revokeCategories,
  type FoundPermission,
  type PermissionName,
  type RevokeCategory,
  type RevokeUser,
} from './permissions.js';
export { describePermission, type RevokeChangeData } from './revoke-change.js';
export {
  buildRevokeStepGroup,
  revokeStepIds,
  revokeSteps,
  toChange,
  type RevokeStepGroupOptions,
} from './revoke-steps.js';
export {
  buildRevokeSummary,
  plannedRevokeChanges,
  verifyRevocation,
  type RemovedMembership,
  type RemovedPermission,
  type RevokeSummary,
  type RevokeSummaryInput,
} from './revoke-summary.js';
export {
  revokeSummaryKey,
  reportRevokeRun,
  type RevokeReport,
  type RevokeReportSource,
  type SummaryDelivery,
  type WebhookDelivery,
} from './revoke-report.js';
export {
  assertValidRevokeSummary,
  loadRevokeSummarySchema,
  revokeSummarySchemaPath,
  validateRevokeSummary,
  type SummaryValidation,
} from './revoke-summary-schema.js';
export { RevokeFlow, type RevokeFlowDeps, type RevokePrepareResult } from './revoke-flow.js';
export { RevokeRunFinisher, type RevokeFinishDeps } from './revoke-finish.js';
export {
  isRevokeSuccess,
  revokeNoticeLine,
  type RevokeNoticeDelivery,
  type RevokeNotifier,
  type RevokeOutcomeNotice,
} from './revoke-notice.js';
export {
  TicketRevokeIntake,
  ticketRevokeBodySchema,
  type TicketRefusalCode,
  type TicketRevokeDeps,
  type TicketRevokeOutcome,
  type TicketSource,
} from './ticket-revoke.js';
