/** node:http transport: maps `/{host}/{path}` to the pipeline, `/_sandbox/...` to the control API. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Outcome, Pipeline } from './pipeline.js';
import type { HttpMethod, SandboxResponse } from './service.js';

const methods: readonly HttpMethod[] = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];
const maxBodyBytes = 10 * 1024 * 1024;

/** Control requests (`/_sandbox/...`): path after `/_sandbox`, parsed JSON body. */
export type ControlHandler = (
  method: string,
  path: string,
  query: URLSearchParams,
  body: unknown,
) => SandboxResponse | Promise<SandboxResponse>;

export interface HttpServerHandle {
  server: Server;
  port: number;
  baseUrl: string;
  close(): Promise<void>;
}

export async function startHttpServer(
  pipeline: Pipeline,
  control: ControlHandler,
  options: { host: string; port: number },
): Promise<HttpServerHandle> {
  const hangs = new Set<NodeJS.Timeout>();
  let baseUrl = '';
  const server = createServer((req, res) => {
    void serve(req, res).catch((e: unknown) => {
      if (!res.headersSent)
        write(res, { status: 500, body: { error: { code: 'InternalServerError', message: String(e) } } });
      else res.destroy();
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    if (rawBody === null) {
      write(res, {
        status: 413,
        body: { error: { code: 'RequestEntityTooLarge', message: 'Request body too large.' } },
      });
      return;
    }
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    const slash = pathname.indexOf('/', 1);
    const host = decodeURIComponent(slash < 0 ? pathname.slice(1) : pathname.slice(1, slash)).toLowerCase();
    const path = slash < 0 ? '/' : pathname.slice(slash);
    if (host === '_sandbox') {
      let body: unknown;
      try {
        body = rawBody.length > 0 ? (JSON.parse(rawBody) as unknown) : undefined;
      } catch {
        write(res, { status: 400, body: { error: 'invalid JSON body' } });
        return;
      }
      write(res, await control(req.method ?? 'GET', path, new URLSearchParams(rawQuery), body));
      return;
    }
    const method = (req.method ?? 'GET').toUpperCase() as HttpMethod;
    if (!methods.includes(method) || !pipeline.hasHost(host)) {
      write(res, {
        status: 404,
        body: { error: { code: 'UnknownHost', message: `The sandbox does not serve ${host}${path}.` } },
      });
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    }
    const outcome: Outcome = await pipeline.handle({
      method,
      host,
      path,
      rawQuery,
      headers,
      rawBody,
      baseUrl,
    });
    if (outcome.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (outcome.kind === 'timeout') {
      const timer = setTimeout(() => {
        hangs.delete(timer);
        req.socket.destroy();
      }, outcome.afterMs);
      hangs.add(timer);
      return;
    }
    write(res, outcome.response);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${options.host}:${port}`;
  return {
    server,
    port,
    baseUrl,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const t of hangs) clearTimeout(t);
        hangs.clear();
        server.close((e) => {
          if (e) reject(e);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let isTooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) isTooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      resolve(isTooLarge ? null : Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function write(res: ServerResponse, response: SandboxResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
  let payload: Buffer | null = null;
  if (response.body === undefined || response.body === null) {
    payload = null;
  } else if (Buffer.isBuffer(response.body)) {
    payload = response.body;
  } else if (typeof response.body === 'string') {
    payload = Buffer.from(response.body, 'utf8');
    if (!hasType) headers['Content-Type'] = 'text/plain; charset=utf-8';
  } else {
    payload = Buffer.from(JSON.stringify(response.body), 'utf8');
    if (!hasType) headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  if (payload !== null) headers['Content-Length'] = String(payload.length);
  else if (response.status !== 204 && response.status !== 304) headers['Content-Length'] = '0';
  res.writeHead(response.status, headers);
  res.end(payload ?? undefined);
}
