import { RetryHandlerOptions, type GraphRequest } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { NotFoundError, UnavailableError } from '../../core/errors.js';
import type { GraphConnection } from './graph-client-factory.js';
import { toLifecycleError } from './graph-errors.js';

export interface GraphCallOptions {
  /** What the call does, for error messages ("get user 1234"). */
  what: string;
  headers?: Record<string, string>;
  /** Retry only throttling (429), not 503/504: for calls that must not run twice (sendMail). */
  isRetryOnlyThrottled?: boolean;
}

const pageSchema = z.object({
  value: z.array(z.unknown()),
  '@odata.nextLink': z.string().optional(),
});

/**
 * Typed access to Graph through the SDK client: every response is validated with a zod schema,
 * every failure becomes a core error, and paging follows `@odata.nextLink` only under the configured
 * base URL (a link to another host is refused rather than sent the bearer token).
 */
export class GraphApi {
  constructor(readonly connection: GraphConnection) {}

  async get<T>(path: string, schema: z.ZodType<T>, options: GraphCallOptions): Promise<T> {
    const body: unknown = await this.run(path, options, (request) => request.get() as Promise<unknown>);
    return parse(schema, body, options.what);
  }

  /** Like get, but a 404 is null. */
  async getOrNull<T>(path: string, schema: z.ZodType<T>, options: GraphCallOptions): Promise<T | null> {
    try {
      return await this.get(path, schema, options);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  /** Every item of a collection, across pages, up to `maxItems` (default 10,000). */
  async list<T>(
    path: string,
    itemSchema: z.ZodType<T>,
    options: GraphCallOptions & { maxItems?: number },
  ): Promise<T[]> {
    const items: T[] = [];
    const maxItems = options.maxItems ?? 10_000;
    let next: string | undefined = path;
    const seen = new Set<string>();
    while (next !== undefined && items.length < maxItems) {
      if (seen.has(next)) throw new UnavailableError(`${options.what}: the nextLink did not advance`);
      seen.add(next);
      const page: z.infer<typeof pageSchema> = await this.get(next, pageSchema, options);
      for (const raw of page.value) items.push(parse(itemSchema, raw, options.what));
      next =
        page['@odata.nextLink'] === undefined
          ? undefined
          : this.relativeLink(page['@odata.nextLink'], options.what);
    }
    return items.slice(0, maxItems);
  }

  async post<T>(path: string, body: unknown, schema: z.ZodType<T>, options: GraphCallOptions): Promise<T> {
    const response: unknown = await this.run(
      path,
      options,
      (request) => request.post(body) as Promise<unknown>,
    );
    return parse(schema, response, options.what);
  }

  /** POST whose response body is irrelevant (204, 202, or an echo we do not need). */
  async postNoContent(path: string, body: unknown, options: GraphCallOptions): Promise<void> {
    await this.run(path, options, (request) => request.post(body) as Promise<unknown>);
  }

  async patch(path: string, body: unknown, options: GraphCallOptions): Promise<void> {
    await this.run(path, options, (request) => request.patch(body) as Promise<unknown>);
  }

  /** PUT whose response body is irrelevant (204), e.g. a `$ref` that replaces a reference. */
  async putNoContent(path: string, body: unknown, options: GraphCallOptions): Promise<void> {
    await this.run(path, options, (request) => request.put(body) as Promise<unknown>);
  }

  async delete(path: string, options: GraphCallOptions): Promise<void> {
    await this.run(path, options, (request) => request.delete() as Promise<unknown>);
  }

  /** The path of a nextLink relative to the versioned base URL; refuses links elsewhere. */
  relativeLink(link: string, what: string): string {
    const base = `${this.connection.versionedBaseUrl}/`;
    if (!link.startsWith(base))
      throw new UnavailableError(`${what}: refusing a nextLink outside ${this.connection.versionedBaseUrl}`);
    return `/${link.slice(base.length)}`;
  }

  private async run(
    path: string,
    options: GraphCallOptions,
    send: (request: GraphRequest) => Promise<unknown>,
  ): Promise<unknown> {
    let request = this.connection.client.api(path);
    if (options.headers !== undefined) request = request.headers(options.headers);
    if (options.isRetryOnlyThrottled === true) {
      request = request.middlewareOptions([
        new RetryHandlerOptions(
          3,
          5,
          (_delay, _attempt, _request, _options, response) => response.status === 429,
        ),
      ]);
    }
    try {
      return await send(request);
    } catch (error) {
      throw toLifecycleError(error, options.what);
    }
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue === undefined ? '' : ` at ${issue.path.join('.') || '(root)'}: ${issue.message}`;
    throw new UnavailableError(`${what}: unexpected response shape${where}`, { cause: result.error });
  }
  return result.data;
}
