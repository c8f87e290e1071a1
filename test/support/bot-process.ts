/**
 * The bot as a real process (`node --import tsx src/app/main.ts`), configured through its
 * environment like a deployment: sandbox mode, a data folder (PGlite) or DATABASE_URL, a fixed port
 * and instance id so a restart is the same instance. Tests kill it with SIGKILL and start it again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface BotProcessOptions {
  port: number;
  sandboxUrl: string;
  instanceId: string;
  /** PGlite data folder, or a PostgreSQL connection string in `databaseUrl`. */
  dataDir?: string;
  databaseUrl?: string;
  /** Extra environment (RUN_LEASE_MS, RESUME_INTERVAL_MS, LOG_LEVEL…). */
  env?: Record<string, string>;
}

export class BotProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** The last lines the process wrote to stderr and stdout (for failure messages). */
  readonly output: string[] = [];
  starts = 0;

  constructor(readonly options: BotProcessOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.options.port}/api/messages`;
  }

  get isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Start the process and wait until it answers /readyz. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.isRunning) throw new Error(`${this.options.instanceId} is already running`);
    const { port, sandboxUrl, instanceId, dataDir, databaseUrl, env } = this.options;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts'], {
      cwd: repoRoot,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '/tmp',
        NODE_ENV: 'test',
        LIFECYCLE_MODE: 'sandbox',
        SANDBOX_URL: sandboxUrl,
        PORT: String(port),
        INSTANCE_ID: instanceId,
        LOG_LEVEL: 'warn',
        ...(dataDir !== undefined && { DATA_DIR: dataDir }),
        ...(databaseUrl !== undefined && { DATABASE_URL: databaseUrl }),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.starts += 1;
    const keep = (chunk: Buffer): void => {
      this.output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (this.output.length > 200) this.output.splice(0, this.output.length - 200);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        resolve();
      }),
    );
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.isRunning)
        throw new Error(`${instanceId} exited at start:\n${this.output.slice(-20).join('\n')}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${instanceId} did not become ready`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** SIGKILL: no shutdown hook runs, leases stay held until they expire. */
  async kill(): Promise<void> {
    if (!this.isRunning) return;
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM: the bot finishes its runs in flight and closes the store. */
  async stop(): Promise<void> {
    if (!this.isRunning) return;
    this.child?.kill('SIGTERM');
    await this.exited;
  }
}
