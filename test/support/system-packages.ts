/**
 * Every Debian package a real-component test needs, in one place.
 *
 * Each component names the packages its harness installs and what the harness (or the program it
 * starts) actually uses: commands on the PATH and files. `ensureComponent` checks those, and when any
 * is missing installs the component's packages with apt-get (refreshing the package lists when a
 * fresh machine has none) and checks again, so a machine that has Samba without its provisioning
 * files, say, still gets them. Tests run as root on CI; elsewhere the install may fail, and the
 * harness then reports a skip reason (or throws with CI=true).
 *
 * `npm run test:packages` installs all of them ahead of time; the README's "Testing" section points
 * here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Something a harness uses: a command on the PATH, a file, or a file in a multiarch library folder. */
export type Need =
  | { readonly command: string }
  | { readonly file: string }
  /** A path below `/usr/lib/<multiarch triplet>/`, e.g. `samba/vfs/acl_xattr.so`. */
  | { readonly libFile: string }
  /** A server binary of the newest installed PostgreSQL major version. */
  | { readonly postgresBinary: string };

export interface SystemComponent {
  readonly name: string;
  /** Installed together with `apt-get install --no-install-recommends`. */
  readonly packages: readonly string[];
  readonly needs: readonly (Need & { readonly why: string })[];
}

export const SAMBA_COMPONENT: SystemComponent = {
  name: 'Samba AD domain controller',
  packages: ['samba', 'samba-dsdb-modules', 'samba-vfs-modules', 'samba-ad-provision', 'winbind', 'iproute2'],
  needs: [
    { command: 'samba', why: 'runs the domain controller' },
    { command: 'samba-tool', why: 'provisions the domain and sets ACLs' },
    { command: 'winbindd', why: 'started by the DC' },
    {
      file: '/usr/share/samba/setup/ad-schema/AD_DS_Attributes__Windows_Server_2012_R2.ldf',
      why: 'the AD schema `samba-tool domain provision` loads (samba-ad-provision)',
    },
    {
      libFile: 'samba/vfs/acl_xattr.so',
      why: 'the file-share ACL module provisioning loads (samba-vfs-modules)',
    },
    { libFile: 'samba/ldb/samba_dsdb.so', why: 'the directory database modules (samba-dsdb-modules)' },
    { command: 'ss', why: 'checks that port 636 is free (iproute2)' },
  ],
};

export const POSTGRES_COMPONENT: SystemComponent = {
  name: 'PostgreSQL server',
  packages: ['postgresql'],
  needs: [
    { postgresBinary: 'pg_ctl', why: 'starts and stops the throwaway server' },
    { postgresBinary: 'initdb', why: 'creates the throwaway cluster' },
    { postgresBinary: 'postgres', why: 'the server itself' },
    { command: 'runuser', why: 'runs the server as the postgres user when tests run as root' },
  ],
};

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_COMPONENT: SystemComponent = {
  name: 'Chromium and fonts',
  packages: ['chromium', 'fonts-noto-color-emoji', 'fonts-liberation'],
  needs: [
    { file: CHROMIUM_PATH, why: 'the browser playwright-core drives' },
    {
      file: '/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf',
      why: "the cards' step markers (without it they render as boxes)",
    },
    {
      file: '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
      why: 'a sans-serif text font (without one, text renders in a fallback)',
    },
  ],
};

export const SYSTEM_COMPONENTS: readonly SystemComponent[] = [
  SAMBA_COMPONENT,
  POSTGRES_COMPONENT,
  CHROMIUM_COMPONENT,
];

const POSTGRES_ROOT = '/usr/lib/postgresql';

/** The bin folder of the newest installed PostgreSQL major version (Debian: /usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(): string | undefined {
  if (!existsSync(POSTGRES_ROOT)) return undefined;
  const versions = readdirSync(POSTGRES_ROOT)
    .filter((name) => /^\d+$/.test(name) && existsSync(join(POSTGRES_ROOT, name, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(POSTGRES_ROOT, versions[0], 'bin');
}

/** The needs of a component that are not met on this machine, each described for a message. */
export function missingNeeds(component: SystemComponent): string[] {
  return component.needs.filter((need) => !isMet(need)).map((need) => `${describe(need)} (${need.why})`);
}

/**
 * Installs the component's packages when anything it needs is missing; throws, naming what is still
 * missing and the end of apt-get's output, when the install does not bring everything.
 */
export function ensureComponent(component: SystemComponent): void {
  if (missingNeeds(component).length === 0) return;
  const install = aptInstall(component.packages);
  const stillMissing = missingNeeds(component);
  if (stillMissing.length > 0) {
    throw new Error(
      `${component.name}: ${stillMissing.join('; ')} missing after apt-get install ${component.packages.join(' ')}: ${install}`,
    );
  }
}

/** Serialises apt-get runs across the test worker processes. */
const APT_LOCK_FILE = '/tmp/lifecycle-apt.lock';

function aptInstall(packages: readonly string[]): string {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Test files run in parallel worker processes: `flock` makes a second installer wait for the first
  // (whose packages it then finds installed) instead of failing on dpkg's lock.
  const run = (args: string[]) =>
    spawnSync('flock', ['--wait', '900', APT_LOCK_FILE, 'apt-get', ...args], {
      encoding: 'utf8',
      timeout: 1_000_000,
      env,
      cwd: '/',
    });
  const install = () => run(['install', '-y', '--no-install-recommends', ...packages]);
  let result = install();
  if (result.status !== 0) {
    // A fresh machine may have no package lists yet, or outdated ones.
    run(['update']);
    result = install();
  }
  return (
    `${result.error?.message ?? ''}${result.stderr}`.trim().slice(-1500) || `exit ${String(result.status)}`
  );
}

function isMet(need: Need): boolean {
  if ('command' in need) return hasCommand(need.command);
  if ('file' in need) return existsSync(need.file);
  if ('postgresBinary' in need) {
    const bin = postgresBinDir();
    return bin !== undefined && existsSync(join(bin, need.postgresBinary));
  }
  return multiarchLibDirs().some((dir) => existsSync(join(dir, need.libFile)));
}

function describe(need: Need): string {
  if ('command' in need) return `command ${need.command}`;
  if ('file' in need) return need.file;
  if ('postgresBinary' in need) return `${POSTGRES_ROOT}/<major>/bin/${need.postgresBinary}`;
  return `/usr/lib/<arch>/${need.libFile}`;
}

function hasCommand(name: string): boolean {
  // Root's PATH holds the sbin folders; a non-root shell may not, so look there too.
  const path = `${process.env['PATH'] ?? ''}:/usr/local/sbin:/usr/sbin:/sbin`;
  return (
    spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], {
      encoding: 'utf8',
      env: { ...process.env, PATH: path },
    }).status === 0
  );
}

/** Debian's multiarch library folders, e.g. /usr/lib/x86_64-linux-gnu. */
function multiarchLibDirs(): string[] {
  return readdirSync('/usr/lib')
    .filter((name) => /^[a-z0-9_]+-linux-gnu[a-z]*$/.test(name))
    .map((name) => join('/usr/lib', name));
}
