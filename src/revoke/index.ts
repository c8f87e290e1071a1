/** The revoke flow's non-core parts: schema validation, the signed ticket webhook, the end-of-run report. */
export { reportRevokeRun, type RevokeReport, type RevokeReportSource } from './revoke-report.js';
export {
  assertValidRevokeSummary,
  loadRevokeSummarySchema,
  revokeSummarySchemaPath,
  validateRevokeSummary,
  type SummaryValidation,
} from './revoke-summary-validator.js';
export { TicketWebhook, type TicketWebhookOptions, type WebhookDelivery } from './ticket-webhook.js';
export {
  deliveryHeader,
  signPayload,
  signatureHeader,
  timestampHeader,
  verifySignature,
  type SignatureCheck,
} from './webhook-signature.js';
