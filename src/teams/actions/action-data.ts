/**
 * Card action data is untrusted: size-capped, validated with a schema, and only ids are taken. Each
 * card verb declares one of these contracts in the route table; the guard checks it before the handler.
 */
import { z } from 'zod';
import { requestIdPattern } from '../../core/requests/request-id.js';

export const maxActionDataBytes = 16_384;

/** Whether the card sent more than any of our cards carries (checked before anything reads it). */
export function isOversizedActionData(raw: unknown): boolean {
  return Buffer.byteLength(JSON.stringify(raw ?? null), 'utf8') > maxActionDataBytes;
}

export const requestActionSchema = z
  .object({
    requestId: z.string().regex(requestIdPattern, 'not a request id'),
    version: z.coerce.number().int().positive().optional(),
  })
  .loose();

export type RequestActionData = z.infer<typeof requestActionSchema>;
export type VersionedActionData = RequestActionData & { version: number };

/** The checked data, or why the card is refused (with the request id when the card names one). */
export type ReadActionData<T> =
  { isValid: true; data: T } | { isValid: false; reason: string; requestId?: string };

/** A card data contract: what a verb's `Action.Execute` must carry. */
export interface CardDataContract<T> {
  /** For the route table's readers and tests. */
  readonly name: string;
  read(raw: unknown): ReadActionData<T>;
}

const malformed = 'This card is malformed; nothing was changed.';

function schemaContract<T>(name: string, schema: z.ZodType<T>, reason = malformed): CardDataContract<T> {
  return {
    name,
    read(raw) {
      const parsed = schema.safeParse(raw);
      return parsed.success ? { isValid: true, data: parsed.data } : { isValid: false, reason };
    },
  };
}

/** A request id and, for cancel and retry, an optional version. */
export const requestData = schemaContract('request id', requestActionSchema);

/** A request id and the version the card was drawn from: transitions that a stale card must not make. */
export const versionedRequestData: CardDataContract<VersionedActionData> = {
  name: 'request id and version',
  read(raw) {
    const parsed = requestData.read(raw);
    if (!parsed.isValid) return parsed;
    const { version } = parsed.data;
    if (version === undefined) {
      return {
        isValid: false,
        reason: 'This card has no version; nothing was changed.',
        requestId: parsed.data.requestId,
      };
    }
    return { isValid: true, data: { ...parsed.data, version } };
  },
};

/** A person picked on a choices card (looked up again, like a typed command). */
export const userChoiceData = schemaContract(
  'user principal name',
  z.object({ userPrincipalName: z.string().min(3).max(256) }).loose(),
);
