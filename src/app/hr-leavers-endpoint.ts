/**
 * `POST /api/hr/leavers`: the HR leavers feed over a signed endpoint (`signed-endpoint.ts`). The body
 * is `{ "events": [ … ] }` (1 to 500 events, see `hrLeaverEventSchema`); each event is checked and
 * handled on its own and the answer lists every row's fate:
 * `{ accepted, refused, rows: [{ row, eventId, accepted, outcome, requestId?, message }] }`, with
 * status 200 when at least one row was accepted and 422 when none was. A body of another shape is
 * refused whole (400, audited) and changes nothing.
 */
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../core/ports/clock.js';
import type { Store } from '../core/ports/store.js';
import { maxLeaverEvents, type HrLeaverIntake } from '../core/triggers/hr-leavers.js';
import { signedEndpoint } from './signed-endpoint.js';

export const hrLeaversPath = '/api/hr/leavers';
const endpointName = `POST ${hrLeaversPath}`;

const batchSchema = z.object({ events: z.array(z.unknown()).min(1).max(maxLeaverEvents) }).strict();

export interface HrLeaversEndpointOptions {
  secret: string;
  intake: HrLeaverIntake;
  store: Pick<Store, 'audit' | 'queue'>;
  clock: Clock;
  logger: Logger;
  maxBodyBytes?: number;
}

export function hrLeaversEndpoint(options: HrLeaversEndpointOptions): RequestHandler {
  return signedEndpoint({
    name: endpointName,
    secret: options.secret,
    store: options.store,
    clock: options.clock,
    logger: options.logger,
    ...(options.maxBodyBytes !== undefined && { maxBodyBytes: options.maxBodyBytes }),
    handle: async (delivery) => {
      const batch = batchSchema.safeParse(delivery.body);
      if (!batch.success) {
        const message = `The body must be { "events": [ … ] } with 1 to ${maxLeaverEvents} events: ${batch.error.issues
          .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
          .join('; ')}`;
        await options.store.audit.append({
          at: new Date(options.clock.now()).toISOString(),
          type: 'action.refused',
          actor: { system: endpointName },
          details: {
            action: endpointName,
            code: 'malformed',
            reason: message,
            remoteAddress: delivery.remoteAddress,
          },
        });
        return { status: 400, body: { error: 'malformed', message } };
      }
      const result = await options.intake.handleBatch(batch.data.events, endpointName);
      options.logger.info(
        { endpoint: endpointName, accepted: result.accepted, refused: result.refused },
        'HR leavers delivery handled',
      );
      return { status: result.accepted > 0 ? 200 : 422, body: { ...result } };
    },
  });
}
