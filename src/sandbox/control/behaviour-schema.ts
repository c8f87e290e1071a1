/** Validation of behaviour overrides and fault requests arriving over the control API. */
import { z } from 'zod';
import type { BehaviourOverrides, BehaviourService } from '../behaviours/config.js';
import type { FaultKind } from '../behaviours/faults.js';

const service = z.enum(['login', 'graph', 'exchange', 'sharepoint']);
const ms = z.number().min(0).max(600_000);
const latency = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('off') }),
  z.object({ kind: z.literal('fixed'), ms }),
  z.object({ kind: z.literal('uniform'), minMs: ms, maxMs: ms }),
  z.object({ kind: z.literal('normal'), meanMs: ms, jitterMs: ms }),
]);
const rule = z.object({
  name: z.string().min(1).max(100),
  limit: z.number().positive(),
  windowMs: z.number().positive(),
  appliesTo: z.enum(['all', 'writes']),
});
const fault = z.object({
  errorRate: z.number().min(0).max(1),
  errorStatuses: z.array(z.number().int().min(400).max(599)),
  timeoutRate: z.number().min(0).max(1),
  resetRate: z.number().min(0).max(1),
  timeoutMs: ms,
});
const area = z.enum(['membership', 'mailboxPermission', 'folderPermission', 'sharing', 'teamsApp']);

const overridesSchema = z
  .object({
    latency: z.partialRecord(service, latency),
    throttling: z
      .object({
        enabled: z.boolean(),
        scale: z.number().positive().max(1000),
        rules: z.partialRecord(service, z.array(rule)),
      })
      .partial(),
    faults: z.partialRecord(service, fault.partial()),
    consistency: z.object({ delayMs: ms, areas: z.partialRecord(area, ms) }).partial(),
  })
  .partial()
  .strict();

const failNextSchema = z
  .object({
    service,
    status: z.union([z.number().int().min(400).max(599), z.enum(['timeout', 'reset'])]),
    count: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export function parseOverrides(body: unknown): Parsed<BehaviourOverrides> {
  const r = overridesSchema.safeParse(body ?? {});
  return r.success ? { ok: true, value: r.data } : { ok: false, message: z.prettifyError(r.error) };
}

export function parseFailNext(
  body: unknown,
): Parsed<{ service: BehaviourService; status: FaultKind; count: number }> {
  const r = failNextSchema.safeParse(body);
  return r.success
    ? { ok: true, value: { service: r.data.service, status: r.data.status, count: r.data.count ?? 1 } }
    : { ok: false, message: z.prettifyError(r.error) };
}
