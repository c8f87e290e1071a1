/**
 * `POST /_sandbox/users/mastering {userId, source}`: makes a user cloud-mastered, mastered on-premises
 * (directory sync on) or mastered by another cloud service, so tests and demos can reproduce Graph's
 * refusals of writes to mastered attributes.
 */
import { z } from 'zod';
import type { UserRecord } from '../state/directory-types.js';
import type { Parsed } from './behaviour-schema.js';

export type MasteringSource = 'cloud' | 'onPremises' | 'externalService';

const masteringSchema = z.strictObject({
  userId: z.string().min(1).max(200),
  source: z.enum(['cloud', 'onPremises', 'externalService']),
});

export function parseMastering(body: unknown): Parsed<{ userId: string; source: MasteringSource }> {
  const r = masteringSchema.safeParse(body);
  return r.success ? { ok: true, value: r.data } : { ok: false, message: z.prettifyError(r.error) };
}

export function masteringPatch(source: MasteringSource): Partial<Omit<UserRecord, 'id'>> {
  switch (source) {
    case 'cloud':
      return { onPremisesSyncEnabled: null, masteredByExternalService: false };
    case 'onPremises':
      return { onPremisesSyncEnabled: true, masteredByExternalService: false };
    case 'externalService':
      return { onPremisesSyncEnabled: null, masteredByExternalService: true };
  }
}
