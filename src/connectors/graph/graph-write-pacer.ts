/**
 * Paces Graph writes (POST, PATCH, PUT, DELETE) under the identity-and-access write budget; a `$batch`
 * takes one slot per write item it carries and none for its read items. Sits after the RetryHandler,
 * so every attempt, retries included, takes a slot, and a 429 pauses the pacer. Reads pass unpaced.
 */
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { WritePacer } from '../http/write-pacer.js';
import { parseRetryAfterMs } from '../http/retry-after.js';

function writesIn(context: Context): number {
  const method = (context.options?.method ?? 'GET').toUpperCase();
  if (method === 'GET' || method === 'HEAD') return 0;
  const request: unknown = context.request;
  const url = typeof request === 'string' ? request : request instanceof Request ? request.url : '';
  if (!/\/\$batch(\?|$)/.test(url)) return 1;
  const body = context.options?.body;
  if (typeof body !== 'string') return 1;
  try {
    const parsed = JSON.parse(body) as { requests?: { method?: unknown }[] };
    const items = Array.isArray(parsed.requests) ? parsed.requests : [];
    return items.filter((r) => typeof r.method === 'string' && r.method.toUpperCase() !== 'GET').length;
  } catch {
    return 1;
  }
}

export class WritePacerMiddleware implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly pacer: WritePacer) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    if (this.next === undefined) throw new Error('WritePacerMiddleware has no next middleware');
    const writes = writesIn(context);
    if (writes > 0) await this.pacer.acquire(writes);
    await this.next.execute(context);
    if (writes > 0 && context.response?.status === 429)
      this.pacer.throttled(parseRetryAfterMs(context.response.headers.get('retry-after')));
  }
}
