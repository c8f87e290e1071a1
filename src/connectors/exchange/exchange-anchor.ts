import { InvalidInputError } from '../../core/errors.js';

/** The system mailbox every tenant has; the routing hint for org-wide app-only calls. */
export const SYSTEM_MAILBOX = 'SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}';

/** `mailbox`: calls bound to one mailbox (`UPN:<smtp>`); `app`: org-wide calls. */
export type Anchor = { kind: 'mailbox'; smtp: string } | { kind: 'app' };

const SMTP =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isSmtpAddress(value: string): boolean {
  return value.length <= 254 && SMTP.test(value);
}

/**
 * The `X-AnchorMailbox` value. Only address characters reach the header (no CR/LF, spaces or `;`),
 * so a crafted identity can not inject headers.
 */
export function anchorHeader(anchor: Anchor, tenantId: string): string {
  if (anchor.kind === 'app') return `APP:${SYSTEM_MAILBOX}@${tenantId}`;
  if (!isSmtpAddress(anchor.smtp))
    throw new InvalidInputError(
      `Not a mailbox address for routing: ${JSON.stringify(anchor.smtp.slice(0, 80))}`,
    );
  return `UPN:${anchor.smtp}`;
}
