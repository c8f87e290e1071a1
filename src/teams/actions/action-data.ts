/** Card action data is untrusted: validated with a schema, size-capped, and only ids are taken. */
import { z } from 'zod';
import { requestIdPattern } from '../../core/requests/request-id.js';

export const maxActionDataBytes = 16_384;

export const requestActionSchema = z
  .object({
    requestId: z.string().regex(requestIdPattern, 'not a request id'),
    version: z.coerce.number().int().positive().optional(),
  })
  .loose();

export type RequestActionData = z.infer<typeof requestActionSchema>;

export type ParsedAction = { ok: true; data: RequestActionData } | { ok: false; message: string };

export function parseRequestAction(raw: unknown): ParsedAction {
  const size = Buffer.byteLength(JSON.stringify(raw ?? null), 'utf8');
  if (size > maxActionDataBytes)
    return { ok: false, message: 'This card sent too much data; nothing was changed.' };
  const parsed = requestActionSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, message: 'This card is malformed; nothing was changed.' };
  return { ok: true, data: parsed.data };
}

export const chooseUserSchema = z.object({ userPrincipalName: z.string().min(3).max(256) }).loose();
