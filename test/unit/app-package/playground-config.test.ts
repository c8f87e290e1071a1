import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../src/sandbox/index.js';

/**
 * Starts the real Microsoft 365 Agents Playground on .m365agentsplayground.yml (it validates the file
 * against its own schema and refuses to start on an error) and reads back the configuration it serves.
 */
const root = resolve(import.meta.dirname, '..', '..', '..');
const cli = join(root, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');

interface PlaygroundUser {
  id: string;
  name: string;
  userPrincipleName: string;
  aadObjectId: string;
  givenName: string;
  surname: string;
  email: string;
}
interface PlaygroundConfig {
  config: {
    tenantId: string;
    bot: { id: string; name: string };
    currentUser: PlaygroundUser;
    users: PlaygroundUser[];
    personalChat: { id: string };
    groupChats: { id: string; name: string; members: string[] }[];
    teams: {
      id: string;
      name: string;
      aadGroupId: string;
      channels: { id: string; name: string }[];
      members: string[];
    }[];
  };
}

const listen = (server: Server): Promise<number> =>
  new Promise((ok) =>
    server.listen(0, '127.0.0.1', () => {
      ok((server.address() as AddressInfo).port);
    }),
  );

const freePort = async (): Promise<number> => {
  const probe = createServer();
  const port = await listen(probe);
  await new Promise((ok) => probe.close(ok));
  return port;
};

interface RunningPlayground {
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
  /** The port it listens on, or undefined when it exited before listening. */
  port: number | undefined;
}

/** Start the real playground CLI on a config file, pointing it at the given bot endpoint. */
async function startPlayground(configPath: string, botPort: number): Promise<RunningPlayground> {
  const logFile = join(tempDir(), 'playground.log');
  const child = spawn(
    process.execPath,
    [
      cli,
      '-e',
      `http://127.0.0.1:${botPort}/api/messages`,
      '-c',
      'msteams',
      '-p',
      String(await freePort()),
      '--disable-telemetry',
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        TEAMSAPPTESTER_BROWSER: 'none',
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
        M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<number | null>((ok) => child.once('exit', ok));
  let output = '';
  // The playground silently moves to another port when the requested one is taken: read the real one.
  const listening = new Promise<number>((ok) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /Listening on (\d+)/.exec(output);
      if (m) ok(Number(m[1]));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
  const port = await Promise.race([listening, exited.then(() => undefined)]);
  return { child, logFile, exited, port };
}

const logOf = (p: RunningPlayground): string =>
  existsSync(p.logFile) ? readFileSync(p.logFile, 'utf8') : '';

async function stop(p: RunningPlayground | undefined): Promise<void> {
  if (p && p.child.exitCode === null && p.child.signalCode === null) {
    p.child.kill('SIGTERM');
    await p.exited;
  }
}

const tempDirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'lifecycle-playground-'));
  tempDirs.push(dir);
  return dir;
};

let bot: Server;
let botPort: number;
let playground: RunningPlayground | undefined;
let served: PlaygroundConfig;

beforeAll(async () => {
  // The playground posts installation activities to the bot; answering them keeps its config endpoint
  // from waiting for a bot that is not there.
  bot = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  botPort = await listen(bot);
  playground = await startPlayground(join(root, '.m365agentsplayground.yml'), botPort);
  const { port } = playground;
  const res = await Promise.race([
    port === undefined
      ? undefined
      : fetch(`http://127.0.0.1:${port}/_internal/v1/config`, { signal: AbortSignal.timeout(20_000) }),
    playground.exited.then(() => undefined),
  ]);
  if (!res || res.status !== 200)
    throw new Error(`the playground refused .m365agentsplayground.yml:\n${logOf(playground)}`);
  served = (await res.json()) as PlaygroundConfig;
}, 60_000);

afterAll(async () => {
  await stop(playground);
  await new Promise((ok) => bot.close(ok));
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('Agents Playground configuration', () => {
  it('is accepted by the playground and places it in the sandbox tenant', () => {
    expect(served.config.tenantId).toBe('11111111-1111-4111-8111-111111111111');
    expect(served.config.bot).toEqual({ id: '28:lifecycle-bot', name: 'Lifecycle' });
  });

  it('uses fixed conversation ids for the personal chat, the group chat, the team and its channel', () => {
    const { personalChat, groupChats, teams } = served.config;
    expect(personalChat.id).toBe('lifecycle-personal-chat');
    expect(groupChats.map((c) => c.id)).toEqual(['lifecycle-group-chat']);
    expect(teams.map((t) => t.id)).toEqual(['lifecycle-it-team']);
    expect(teams[0]!.channels.map((c) => [c.id, c.name])).toEqual([
      ['lifecycle-it-team', 'General'],
      ['lifecycle-approvals-channel', 'Approvals'],
    ]);
  });

  it('has the IT operator as current user and five other personas in the group chat and the team', () => {
    const { currentUser, users, groupChats, teams } = served.config;
    expect(currentUser.name).toBe('Isaiah Langer');
    expect(users.map((u) => u.name)).toEqual([
      'Joni Sherman',
      'Megan Bowen',
      'Diego Siciliani',
      'Irvin Sayers',
      'Miriam Graham',
    ]);
    const ids = users.map((u) => u.id);
    expect(groupChats[0]!.members).toEqual(ids);
    expect(teams[0]!.members).toEqual(ids);
  });

  it('describes every persona as a contoso.com user with a sandbox object id', () => {
    const { currentUser, users } = served.config;
    for (const user of [currentUser, ...users]) {
      const alias = user.name.toLowerCase().replace(' ', '.');
      expect(user.userPrincipleName).toBe(`${alias}@contoso.com`);
      expect(user.email).toBe(user.userPrincipleName);
      expect(`${user.givenName} ${user.surname}`).toBe(user.name);
      expect(user.aadObjectId).toMatch(/^10000000-0000-4000-8000-0000000000\d{2}$/);
    }
    expect(new Set([currentUser, ...users].map((u) => u.aadObjectId)).size).toBe(6);
  });

  it('a configuration that breaks the playground schema is refused (four users instead of five)', async () => {
    const text = readFileSync(join(root, '.m365agentsplayground.yml'), 'utf8');
    const withoutLastUser = text.replace(/\n {2}# Second IT operator[\s\S]*?(?=\n\npersonalChat:)/, '');
    expect(withoutLastUser).not.toBe(text);
    const path = join(tempDir(), 'config.yml');
    writeFileSync(path, withoutLastUser);
    const broken = await startPlayground(path, botPort);
    try {
      expect(await broken.exited).toBe(1);
      expect(logOf(broken)).toContain('YAML path "/users": must NOT have fewer than 5 items');
    } finally {
      await stop(broken);
    }
  });

  it('every persona is a user of the simulated tenant, in the role it plays', async () => {
    const sandbox = await startSandbox({ port: 0 });
    try {
      const { currentUser, users, tenantId } = served.config;
      const { directory } = sandbox.state;
      const { users: ids, groups } = sandbox.seeded;
      expect(tenantId).toBe(sandbox.tenant.tenantId);
      for (const persona of [currentUser, ...users]) {
        const user = directory.getUser(persona.aadObjectId);
        expect(user, persona.name).toBeDefined();
        expect([
          user!.userPrincipalName,
          user!.displayName,
          user!.givenName,
          user!.surname,
          user!.mail,
        ]).toEqual([
          persona.userPrincipleName,
          persona.name,
          persona.givenName,
          persona.surname,
          persona.email,
        ]);
      }
      const byName = (name: string): string =>
        [currentUser, ...users].find((u) => u.name === name)!.aadObjectId;
      const roles = (name: string): string[] =>
        directory
          .memberOf(byName(name))
          .filter((g) => g === groups.lifecycleRequesters || g === groups.lifecycleApprovers);
      expect(roles('Isaiah Langer')).toEqual([groups.lifecycleRequesters]);
      expect(roles('Miriam Graham')).toEqual([groups.lifecycleRequesters]);
      expect(roles('Joni Sherman')).toEqual([groups.lifecycleApprovers]);
      expect(roles('Irvin Sayers')).toEqual([groups.lifecycleApprovers]);
      expect(roles('Diego Siciliani')).toEqual([]);
      expect(roles('Megan Bowen')).toEqual([]);
      expect(directory.getUser(ids.adeleVance)!.managerId).toBe(byName('Megan Bowen'));
    } finally {
      await sandbox.close();
    }
  });
});
