/**
 * A round-robin HTTP load balancer in front of several bot instances (node:http only): each request
 * goes to the next instance in turn; an instance that refuses the connection (dead) is skipped, as a
 * load balancer's health check would. It records which instance served each request.
 */
import { request as httpRequest, createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  path: string;
  /** Index of the instance that answered, or -1 when none could. */
  target: number;
  status: number;
}

export class RoundRobinProxy {
  readonly served: ProxiedRequest[] = [];
  private next = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly targets: readonly string[],
  ) {}

  /** `targets` are base URLs such as `http://127.0.0.1:3978`. */
  static async start(targets: readonly string[]): Promise<RoundRobinProxy> {
    const holder: { proxy?: RoundRobinProxy } = {};
    const server = createServer((req, res) => {
      void (async () => {
        const proxy = holder.proxy;
        if (!proxy) return;
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const answer = await proxy.forward(req, Buffer.concat(chunks));
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.proxy = new RoundRobinProxy(server, `http://127.0.0.1:${port}`, targets);
    return holder.proxy;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  private async forward(
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const path = req.url ?? '/';
    for (let tried = 0; tried < this.targets.length; tried++) {
      const index = this.next;
      this.next = (this.next + 1) % this.targets.length;
      const target = this.targets[index];
      if (target === undefined) continue;
      try {
        const answer = await send(new URL(path, target), req.method ?? 'GET', req.headers, body);
        this.served.push({ path, target: index, status: answer.status });
        return answer;
      } catch (error) {
        // Connection refused or reset before an answer: the instance is down, try the next one.
        if (!isConnectionError(error)) throw error;
      }
    }
    this.served.push({ path, target: -1, status: 502 });
    return {
      status: 502,
      headers: { 'content-type': 'text/plain' },
      body: Buffer.from('No instance answered'),
    };
  }
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE';
}

function send(
  url: URL,
  method: string,
  headers: IncomingMessage['headers'],
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      {
        method,
        headers: {
          ...(headers['content-type'] !== undefined && { 'content-type': headers['content-type'] }),
          ...(headers['authorization'] !== undefined && { authorization: headers['authorization'] }),
          'content-length': String(body.length),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('end', () => {
          resolve({
            status: response.statusCode ?? 502,
            headers: { 'content-type': response.headers['content-type'] ?? 'application/json' },
            body: Buffer.concat(chunks),
          });
        });
        response.once('error', reject);
      },
    );
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}
