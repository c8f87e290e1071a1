import { z } from 'zod';
import { InvalidInputError, type LifecycleError } from '../../core/errors.js';
import { backoffDelayMs, sleepMs } from '../http/retrying-fetch.js';
import { parseRetryAfterMs } from '../http/retry-after.js';
import type { GraphApi } from './graph-api.js';
import { fromFacts } from './graph-errors.js';

/** Graph's limit: at most 20 requests per `$batch` body. */
export const MAX_BATCH_SIZE = 20;

export interface BatchRequest {
  id: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Relative to the version root: `/users/{id}?$select=…` (no host, no version). */
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Ids of requests that must succeed first (a failed dependency yields 424 for this one). */
  dependsOn?: string[];
}

export interface BatchResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const batchResponseSchema = z.object({
  responses: z.array(
    z.object({
      id: z.string(),
      status: z.number(),
      headers: z.record(z.string(), z.string()).nullish(),
      body: z.unknown().optional(),
    }),
  ),
});

export interface GraphBatchOptions {
  /** Rounds of re-submission for throttled items (429/503/504), first round included. */
  maxAttempts?: number;
  /** Upper bound for one wait, in milliseconds. */
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

type SendBatch = (body: { requests: BatchRequest[] }) => Promise<z.infer<typeof batchResponseSchema>>;

const RETRYABLE = new Set([429, 503, 504]);

/**
 * Validates and splits requests into `$batch` bodies of at most 20. Requests linked by `dependsOn`
 * stay in the same body (a dependency must be in the same batch); a linked group over 20 is refused.
 */
export function planBatches(requests: BatchRequest[]): BatchRequest[][] {
  const byId = new Map<string, BatchRequest>();
  for (const request of requests) {
    if (request.id === '' || byId.has(request.id))
      throw new InvalidInputError(`Batch request ids must be unique and non-empty: ${request.id}`);
    if (!request.url.startsWith('/') || request.url.startsWith('//'))
      throw new InvalidInputError(`Batch URLs are relative paths: ${request.url}`);
    byId.set(request.id, request);
  }
  const parent = new Map<string, string>(requests.map((r) => [r.id, r.id]));
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root) ?? root;
    parent.set(id, root);
    return root;
  };
  for (const request of requests) {
    for (const dependency of request.dependsOn ?? []) {
      if (!byId.has(dependency))
        throw new InvalidInputError(`Batch request ${request.id} depends on unknown ${dependency}`);
      parent.set(find(request.id), find(dependency));
    }
  }
  const groups = new Map<string, BatchRequest[]>();
  for (const request of requests) {
    const root = find(request.id);
    const group = groups.get(root) ?? [];
    group.push(request);
    groups.set(root, group);
  }
  const batches: BatchRequest[][] = [];
  let current: BatchRequest[] = [];
  for (const group of groups.values()) {
    if (group.length > MAX_BATCH_SIZE)
      throw new InvalidInputError(
        `A dependsOn chain of ${group.length} requests does not fit in one batch of ${MAX_BATCH_SIZE}`,
      );
    if (current.length + group.length > MAX_BATCH_SIZE) {
      batches.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) batches.push(current);
  return batches.map((batch) => batch.map(withContentType));
}

function withContentType(request: BatchRequest): BatchRequest {
  if (request.body === undefined) return request;
  const headers = { ...(request.headers ?? {}) };
  if (!Object.keys(headers).some((key) => key.toLowerCase() === 'content-type'))
    headers['Content-Type'] = 'application/json';
  return { ...request, headers };
}

/**
 * Runs requests through `$batch`. The SDK's RetryHandler only sees the outer request, so throttled
 * items (429/503/504 inside a 200 batch) are re-submitted here after the largest Retry-After among
 * them, with the items that failed only because they depended on them (424).
 */
export class GraphBatch {
  private readonly maxAttempts: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly send: SendBatch,
    options: GraphBatchOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.sleep = options.sleep ?? sleepMs;
  }

  static forApi(api: GraphApi, options?: GraphBatchOptions): GraphBatch {
    return new GraphBatch(
      (body) => api.post('/$batch', body, batchResponseSchema, { what: 'Graph batch' }),
      options,
    );
  }

  async run(requests: BatchRequest[]): Promise<Map<string, BatchResponse>> {
    planBatches(requests); // validate everything before sending anything
    const results = new Map<string, BatchResponse>();
    let pending = requests;
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      for (const batch of planBatches(pending)) {
        const body = await this.send({ requests: batch });
        for (const item of body.responses) {
          results.set(item.id, {
            id: item.id,
            status: item.status,
            headers: item.headers ?? {},
            body: item.body,
          });
        }
      }
      const retry = this.toRetry(pending, results);
      if (retry.length === 0 || attempt >= this.maxAttempts) break;
      await this.sleep(this.waitMs(retry, results, attempt));
      const retryIds = new Set(retry.map((r) => r.id));
      pending = retry.map((r) => ({ ...r, dependsOn: r.dependsOn?.filter((d) => retryIds.has(d)) }));
    }
    return results;
  }

  /** Throttled items, plus items that got 424 because something they depend on is being retried. */
  private toRetry(pending: BatchRequest[], results: Map<string, BatchResponse>): BatchRequest[] {
    const retryIds = new Set(
      pending.filter((r) => RETRYABLE.has(results.get(r.id)?.status ?? 0)).map((r) => r.id),
    );
    let grew = true;
    while (grew) {
      grew = false;
      for (const request of pending) {
        if (retryIds.has(request.id) || results.get(request.id)?.status !== 424) continue;
        if ((request.dependsOn ?? []).some((d) => retryIds.has(d))) {
          retryIds.add(request.id);
          grew = true;
        }
      }
    }
    return pending.filter((r) => retryIds.has(r.id));
  }

  private waitMs(retry: BatchRequest[], results: Map<string, BatchResponse>, attempt: number): number {
    let wait = 0;
    for (const request of retry) {
      const headers = results.get(request.id)?.headers ?? {};
      const value = Object.entries(headers).find(([key]) => key.toLowerCase() === 'retry-after')?.[1];
      wait = Math.max(
        wait,
        parseRetryAfterMs(value) ??
          backoffDelayMs(attempt, { maxRetries: 0, baseDelayMs: 1_000, maxDelayMs: this.maxDelayMs }),
      );
    }
    return Math.min(wait, this.maxDelayMs);
  }
}

const itemErrorSchema = z.object({
  error: z.object({ code: z.string().optional(), message: z.string().optional() }),
});

/** A failed batch item as a core error (same mapping as a direct call); null for 2xx. */
export function batchItemError(response: BatchResponse, what: string): LifecycleError | null {
  if (response.status >= 200 && response.status < 300) return null;
  const parsed = itemErrorSchema.safeParse(response.body);
  const header = (name: string): string | undefined =>
    Object.entries(response.headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return fromFacts(
    {
      status: response.status,
      code: parsed.success ? parsed.data.error.code : undefined,
      message: parsed.success ? (parsed.data.error.message ?? '') : '',
      requestId: header('request-id'),
      retryAfterMs: parseRetryAfterMs(header('retry-after')),
    },
    what,
    response,
  );
}
