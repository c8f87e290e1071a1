/** The signed ticket webhook: outgoing deliveries and the signature scheme receivers verify. */
export { TicketWebhook, type TicketWebhookOptions, type WebhookDelivery } from './ticket-webhook.js';
export {
  deliveryHeader,
  signPayload,
  signatureHeader,
  timestampHeader,
  verifySignature,
  type SignatureCheck,
} from './webhook-signature.js';
