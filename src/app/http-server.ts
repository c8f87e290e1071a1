/**
 * The bot's HTTP surface: `POST /api/messages` (Bot Framework), `GET /healthz` (process alive),
 * `GET /readyz` (store reachable) and the configured signed endpoints (`POST /api/hr/leavers`). Anonymous (sandbox) mode accepts loopback callers only.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TurnContext } from 'botbuilder';
import type { TeamsAdapter } from '../teams/teams-ai.js';
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';

export interface HttpServerOptions {
  adapter: TeamsAdapter;
  handle: (context: TurnContext) => Promise<void>;
  isReady: () => Promise<boolean>;
  isAnonymous: boolean;
  logger: Logger;
  /** Largest accepted activity body. */
  maxBodyBytes?: number;
  /** Signed machine-to-machine endpoints (`signed-endpoint.ts`), each reading its own raw body. */
  signedEndpoints?: readonly { path: string; handler: RequestHandler }[];
}

const loopback = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function createHttpApp(options: HttpServerOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const isReady = await options.isReady().catch(() => false);
    res.status(isReady ? 200 : 503).json({ status: isReady ? 'ready' : 'not-ready' });
  });
  app.post(
    '/api/messages',
    (req: Request, res: Response, next) => {
      if (options.isAnonymous && !loopback.has(req.socket.remoteAddress ?? '')) {
        options.logger.warn(
          { remote: req.socket.remoteAddress },
          'non-loopback caller refused in sandbox mode',
        );
        res.status(403).json({ error: 'Sandbox mode accepts local callers only' });
        return;
      }
      next();
    },
    express.json({ limit: options.maxBodyBytes ?? 256 * 1024 }),
    async (req: Request, res: Response) => {
      await options.adapter.process(req, res, options.handle);
    },
  );
  for (const endpoint of options.signedEndpoints ?? []) app.post(endpoint.path, endpoint.handler);
  app.use((error: unknown, _req: Request, res: Response, _next: express.NextFunction) => {
    const status =
      typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number'
        ? error.status
        : 500;
    if (status >= 500)
      options.logger.error(
        { err: error instanceof Error ? { name: error.name, message: error.message } : String(error) },
        'request failed',
      );
    if (!res.headersSent)
      res.status(status).json({
        error: status === 413 ? 'Payload too large' : status === 400 ? 'Malformed request' : 'Internal error',
      });
  });
  return app;
}

export async function listen(
  app: express.Express,
  port: number,
  host: string | undefined,
): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = host === undefined ? app.listen(port) : app.listen(port, host);
    server.once('listening', () => {
      resolve({ server, port: (server.address() as AddressInfo).port });
    });
    server.once('error', reject);
  });
}
