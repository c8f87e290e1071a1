/**
 * A real Samba Active Directory domain controller on loopback for system tests.
 *
 * The domain (LIFECYCLE / lifecycle.test, DC=lifecycle,DC=test) is provisioned once into a cache
 * folder and reused by every test file and every later run: a second call finds the running DC and
 * returns in milliseconds. Provisioning (about 10 s) is serialised across Vitest's worker processes
 * with a lock directory. LDAPS answers on 127.0.0.1:636 with the self-signed CA Samba generates; the
 * certificate names the host `DC1.lifecycle.test`, so clients verify TLS with that server name.
 *
 * When Samba is missing it is installed with apt-get (we run as root on CI). When the DC still can't
 * start, `tryStartSambaDc` reports a skip reason, except with CI=true, where it throws.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'ldapts';
import { delegateServiceAccountRights } from './samba-acl.js';
import {
  acquireLock,
  assertPortFree,
  ensureSambaInstalled,
  isAlive,
  launch,
  stopAndWait,
  stopProcessGroup,
} from './samba-process.js';
import { resetSeedUsers, seedDomain, SEED } from './samba-seed.js';

export const SAMBA_REALM = 'lifecycle.test';
export const SAMBA_DOMAIN = 'LIFECYCLE';
export const SAMBA_BASE_DN = 'DC=lifecycle,DC=test';
export const SAMBA_HOST_NAME = 'DC1';
/** The name in the self-signed certificate; clients pass it as the TLS server name. */
export const SAMBA_TLS_SERVER_NAME = `${SAMBA_HOST_NAME}.${SAMBA_REALM}`;
/** Bumped whenever the provisioned content changes, so an outdated cache is rebuilt. */
const HARNESS_VERSION = 7;
const DEFAULT_DIR = '/var/tmp/lifecycle-samba';
const LDAPS_URL = 'ldaps://127.0.0.1:636';

export interface SambaDc {
  url: string;
  /** PEM of the CA that signed the DC's certificate. */
  caPem: string;
  tlsServerName: string;
  baseDn: string;
  /** The least-privileged service account the connector binds as. */
  bindDn: string;
  bindPassword: string;
  adminDn: string;
  adminPassword: string;
  /** A plain domain user without any delegated right. */
  unprivilegedDn: string;
  unprivilegedPassword: string;
  usersOuDn: string;
  disabledOuDn: string;
  groupsOuDn: string;
  /** A group with more than 1500 members (AD's MaxValRange). */
  largeGroupDn: string;
  /**
   * Restores grady.archie, O'Brien, Pat and a\,b to their seeded state. Tests that change seeded users
   * call it first and must not run in parallel with other tests that change the same users.
   */
  resetSeedUsers: () => Promise<void>;
  /** Stops the DC process group. Tests normally leave it running for the next file. */
  stop: () => void;
}

interface SambaState {
  version: number;
  pid: number;
  adminPassword: string;
  bindPassword: string;
  unprivilegedPassword: string;
  isSeeded: boolean;
}

export interface StartSambaOptions {
  /** Cache folder for the provisioned domain. */
  dir?: string;
}

/** Starts (or reuses) the DC. Throws when it can't. */
export async function startSambaDc(options: StartSambaOptions = {}): Promise<SambaDc> {
  const dir = options.dir ?? DEFAULT_DIR;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const release = await acquireLock(`${dir}/.lock`);
  try {
    const state = await ensureRunning(dir);
    return describeDc(dir, state);
  } finally {
    release();
  }
}

/** Like `startSambaDc`, but reports why the DC is unavailable instead of throwing (unless CI=true). */
export async function tryStartSambaDc(
  options: StartSambaOptions = {},
): Promise<{ dc: SambaDc; skipReason?: undefined } | { dc?: undefined; skipReason: string }> {
  try {
    return { dc: await startSambaDc(options) };
  } catch (error) {
    if (process.env['CI'] === 'true') throw error;
    const reason = error instanceof Error ? error.message : String(error);
    return { skipReason: `Samba AD DC unavailable: ${reason}` };
  }
}

function describeDc(dir: string, state: SambaState): SambaDc {
  return {
    url: LDAPS_URL,
    caPem: readFileSync(`${dir}/private/tls/ca.pem`, 'utf8'),
    tlsServerName: SAMBA_TLS_SERVER_NAME,
    baseDn: SAMBA_BASE_DN,
    bindDn: SEED.serviceAccountDn,
    bindPassword: state.bindPassword,
    adminDn: `CN=Administrator,CN=Users,${SAMBA_BASE_DN}`,
    adminPassword: state.adminPassword,
    unprivilegedDn: SEED.unprivilegedDn,
    unprivilegedPassword: state.unprivilegedPassword,
    usersOuDn: SEED.usersOuDn,
    disabledOuDn: SEED.disabledOuDn,
    groupsOuDn: SEED.groupsOuDn,
    largeGroupDn: SEED.largeGroupDn,
    resetSeedUsers: async () => {
      const client = new Client(adminClientOptions(dir));
      try {
        await client.bind(`CN=Administrator,CN=Users,${SAMBA_BASE_DN}`, state.adminPassword);
        await resetSeedUsers(client);
      } finally {
        await client.unbind();
      }
    },
    stop: () => {
      stopProcessGroup(state.pid);
    },
  };
}

async function ensureRunning(dir: string): Promise<SambaState> {
  let state = readState(dir);
  if (state && state.version === HARNESS_VERSION && state.isSeeded) {
    if (isAlive(state.pid) && (await canBind(dir, state))) return state;
    if (!isAlive(state.pid)) {
      state = { ...state, pid: await launch(dir) };
      writeState(dir, state);
      await waitUntilReady(dir, state);
      return state;
    }
  }
  if (state && isAlive(state.pid)) await stopAndWait(state.pid);
  ensureSambaInstalled();
  assertPortFree();
  const fresh: SambaState = {
    version: HARNESS_VERSION,
    pid: 0,
    adminPassword: strongPassword(),
    bindPassword: strongPassword(),
    unprivilegedPassword: strongPassword(),
    isSeeded: false,
  };
  provision(dir, fresh.adminPassword);
  fresh.pid = await launch(dir);
  writeState(dir, fresh);
  await waitUntilReady(dir, fresh);
  const { serviceAccountSid } = await seedDomain(adminClientOptions(dir), {
    adminDn: `CN=Administrator,CN=Users,${SAMBA_BASE_DN}`,
    adminPassword: fresh.adminPassword,
    bindPassword: fresh.bindPassword,
    unprivilegedPassword: fresh.unprivilegedPassword,
  });
  delegateServiceAccountRights(`${dir}/etc/smb.conf`, `${dir}/private/sam.ldb`, serviceAccountSid);
  fresh.isSeeded = true;
  writeState(dir, fresh);
  return fresh;
}

function provision(dir: string, adminPassword: string): void {
  for (const sub of ['etc', 'private', 'state', 'cache', 'bind-dns', 'sam-log']) {
    rmSync(`${dir}/${sub}`, { recursive: true, force: true });
  }
  rmSync(`${dir}/gencache.tdb`, { force: true });
  const result = spawnSync(
    'samba-tool',
    [
      'domain',
      'provision',
      `--targetdir=${dir}`,
      `--realm=${SAMBA_REALM.toUpperCase()}`,
      `--domain=${SAMBA_DOMAIN}`,
      `--host-name=${SAMBA_HOST_NAME}`,
      '--server-role=dc',
      '--dns-backend=NONE',
      '--use-rfc2307',
      `--adminpass=${adminPassword}`,
      '--option=interfaces=lo',
      '--option=bind interfaces only=yes',
      `--option=netbios name=${SAMBA_HOST_NAME}`,
      // Only the services an LDAP test needs: faster start, fewer ports.
      '--option=server services=ldap cldap kdc drepl rpc',
      // Lets the harness add the Exchange attribute msExchHideFromAddressLists to the schema.
      '--option=dsdb:schema update allowed=true',
      // No fsync per LDB transaction (as Samba's own test environment runs): a throw-away test domain
      // doesn't need durability, and the seed's 1600 adds get several times faster.
      '--option=ldb:nosync=true',
      `--option=log file=${dir}/samba.log`,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (result.status !== 0) {
    throw new Error(`samba-tool domain provision failed: ${result.stderr.slice(-2000)}`);
  }
  // samba-tool keeps only some --option values in smb.conf; these go in by hand. Windows AD refuses
  // the previous password on an LDAP bind right after an admin reset; Samba accepts it for an hour
  // unless the period is 0, and the tests check that the old password stops working.
  const conf = `${dir}/etc/smb.conf`;
  const text = readFileSync(conf, 'utf8');
  const extra = ['old password allowed period = 0', 'ldb:nosync = true'].filter(
    (line) => !text.includes(line),
  );
  writeFileSync(conf, text.replace('[global]\n', `[global]\n${extra.map((line) => `\t${line}\n`).join('')}`));
}

async function waitUntilReady(dir: string, state: SambaState): Promise<void> {
  const deadline = Date.now() + 60_000;
  let lastFailure = 'no answer yet';
  while (Date.now() < deadline) {
    if (!isAlive(state.pid)) {
      throw new Error(`samba exited during start-up; see ${dir}/samba.out and ${dir}/samba.log`);
    }
    const failure = await bindFailure(dir, state);
    if (failure === undefined) return;
    lastFailure = failure;
    await sleep(250);
  }
  throw new Error(`samba did not answer on LDAPS within 60 s (${lastFailure})`);
}

function adminClientOptions(dir: string): ConstructorParameters<typeof Client>[0] {
  return {
    url: LDAPS_URL,
    timeout: 30_000,
    connectTimeout: 5_000,
    tlsOptions: {
      ca: [readFileSync(`${dir}/private/tls/ca.pem`, 'utf8')],
      servername: SAMBA_TLS_SERVER_NAME,
      minVersion: 'TLSv1.2',
    },
  };
}

async function canBind(dir: string, state: SambaState): Promise<boolean> {
  return (await bindFailure(dir, state)) === undefined;
}

/** Why an administrator bind over LDAPS fails (refused, TLS keys not generated yet…), or undefined. */
async function bindFailure(dir: string, state: SambaState): Promise<string | undefined> {
  if (!existsSync(`${dir}/private/tls/ca.pem`)) return 'no TLS certificate yet';
  const client = new Client({ ...adminClientOptions(dir), timeout: 3_000, connectTimeout: 1_000 });
  try {
    await client.bind(`Administrator@${SAMBA_REALM}`, state.adminPassword);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.unbind();
  }
}

function readState(dir: string): SambaState | undefined {
  const file = `${dir}/state.json`;
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as SambaState;
}

function writeState(dir: string, state: SambaState): void {
  writeFileSync(`${dir}/state.json`, JSON.stringify(state), { mode: 0o600 });
}

/** 24 random characters from all four classes, which satisfies Samba's default complexity rule. */
function strongPassword(): string {
  return `Aa1!${randomBytes(15).toString('base64url')}`;
}
