/**
 * The organisation's revoke settings and the ticket trigger, read from the environment with the rest of
 * the configuration (`config.ts` spreads `revokeSettingsSchema` into its schema and calls
 * `readRevokeSettings` once):
 *
 * - `REVOKE_DEFAULT_PERMISSION_TYPES`: the types a revoke removes when its request names none, and the
 *   types an offboarding's (or containment's) revoke removes (comma-separated `full_access`, `send_as`,
 *   `send_on_behalf`, `calendar`; default all four).
 * - `REVOKE_NOTIFY_CHANNEL_ID` and `REVOKE_NOTIFY_EMAILS`: who is told when a revoke completes or
 *   fails (a Teams channel's conversation id, where the app is installed; e-mail addresses, sent from
 *   `NOTICE_SENDER_UPN`).
 * - `TICKET_WEBHOOK_FOR_OFFBOARDING`: the ticket webhook also receives the revoke summary of
 *   offboardings (default false: revoke requests only).
 * - `TICKET_REVOKE_SECRET_FILE`: turns on `POST /api/tickets/revoke` with the shared secret in that
 *   file (at least 32 characters); its requests are posted to `IT_CHANNEL_CONVERSATION_ID`.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { permissionTypes, type PermissionType } from '../core/revoke/input.js';

const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const emailPattern = /^[^\s@:\\/"'<>()[\],;]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

export const revokeSettingsSchema = z.object({
  REVOKE_DEFAULT_PERMISSION_TYPES: list.pipe(
    z.array(z.enum(permissionTypes, { message: `each must be one of ${permissionTypes.join(', ')}` })),
  ),
  REVOKE_NOTIFY_CHANNEL_ID: z.string().trim().min(1).max(500).optional(),
  REVOKE_NOTIFY_EMAILS: list.pipe(
    z
      .array(z.string().max(256).regex(emailPattern, 'each must be an address like it@contoso.com'))
      .max(50, 'at most 50 addresses'),
  ),
  TICKET_WEBHOOK_FOR_OFFBOARDING: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((v) => v !== undefined && ['true', '1', 'yes'].includes(v)),
  TICKET_REVOKE_SECRET_FILE: z.string().trim().min(1).optional(),
  /** Accepted clock difference of the ticket trigger's signed requests, in seconds. */
  TICKET_REVOKE_TOLERANCE_SECONDS: z.coerce.number().int().min(30).max(900).default(300),
});

export interface RevokeSettings {
  /** The default scope: types a revoke naming none removes, also inside an offboarding. */
  defaultPermissionTypes: PermissionType[];
  notify: {
    /** Stored conversation key of the channel told (`conversation:<id>`). */
    channelKey: string | undefined;
    emails: string[];
  };
  isTicketWebhookForOffboarding: boolean;
  /** `POST /api/tickets/revoke`; undefined: off. */
  ticketTrigger: { secret: string; toleranceSeconds: number } | undefined;
}

type Env = z.infer<typeof revokeSettingsSchema> & {
  NOTICE_SENDER_UPN?: string | undefined;
  TICKET_WEBHOOK_URL?: string | undefined;
  IT_CHANNEL_CONVERSATION_ID?: string | undefined;
};

/** The smallest ticket trigger secret: 32 characters (HMAC-SHA256 keys shorter than that are weak). */
export const minTicketSecretLength = 32;

/** The settings, with every problem appended to `problems` (config.ts throws them all together). */
export function readRevokeSettings(e: Env, problems: string[]): RevokeSettings {
  if (e.REVOKE_NOTIFY_EMAILS.length > 0 && !e.NOTICE_SENDER_UPN) {
    problems.push('REVOKE_NOTIFY_EMAILS needs NOTICE_SENDER_UPN (the mailbox the notices are sent from)');
  }
  if (e.TICKET_WEBHOOK_FOR_OFFBOARDING && !e.TICKET_WEBHOOK_URL) {
    problems.push('TICKET_WEBHOOK_FOR_OFFBOARDING needs TICKET_WEBHOOK_URL and TICKET_WEBHOOK_SECRET');
  }
  let ticketTrigger: RevokeSettings['ticketTrigger'];
  if (e.TICKET_REVOKE_SECRET_FILE) {
    if (!e.IT_CHANNEL_CONVERSATION_ID) {
      problems.push(
        'TICKET_REVOKE_SECRET_FILE needs IT_CHANNEL_CONVERSATION_ID (where its requests are posted)',
      );
    }
    let secret = '';
    try {
      secret = readFileSync(e.TICKET_REVOKE_SECRET_FILE, 'utf8').trim();
    } catch (error) {
      problems.push(
        `TICKET_REVOKE_SECRET_FILE could not be read (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    if (secret !== '' && secret.length < minTicketSecretLength) {
      problems.push(
        `TICKET_REVOKE_SECRET_FILE must hold a secret of at least ${minTicketSecretLength} characters`,
      );
    }
    if (secret.length >= minTicketSecretLength) {
      ticketTrigger = { secret, toleranceSeconds: e.TICKET_REVOKE_TOLERANCE_SECONDS };
    }
  }
  const types = new Set(e.REVOKE_DEFAULT_PERMISSION_TYPES);
  return {
    defaultPermissionTypes:
      types.size === 0 ? [...permissionTypes] : permissionTypes.filter((type) => types.has(type)),
    notify: {
      channelKey: e.REVOKE_NOTIFY_CHANNEL_ID ? `conversation:${e.REVOKE_NOTIFY_CHANNEL_ID}` : undefined,
      emails: [...new Set(e.REVOKE_NOTIFY_EMAILS.map((a) => a.toLowerCase()))],
    },
    isTicketWebhookForOffboarding: e.TICKET_WEBHOOK_FOR_OFFBOARDING,
    ticketTrigger,
  };
}
