/**
 * Process plumbing of the Samba harness: installing Samba, starting the DC as its own detached process
 * group (so it outlives the Vitest worker that started it), stopping exactly that group, and a lock
 * directory that serialises provisioning across worker processes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureComponent, SAMBA_COMPONENT } from './system-packages.js';

export async function launch(dir: string): Promise<number> {
  const log = openSync(`${dir}/samba.out`, 'a');
  try {
    // A detached process group outlives this worker, so the next test file reuses the DC.
    const child = spawn('samba', ['-s', `${dir}/etc/smb.conf`, '-F', '--debug-stdout'], {
      detached: true,
      stdio: ['ignore', log, log],
    });
    const pid = child.pid;
    if (pid === undefined) throw new Error('samba did not start');
    child.unref();
    return pid;
  } finally {
    closeSync(log);
  }
}

/** Installs Samba's packages when anything the harness uses is missing (see system-packages.ts). */
export function ensureSambaInstalled(): void {
  ensureComponent(SAMBA_COMPONENT);
}

export function assertPortFree(): void {
  const ss = spawnSync('ss', ['-Htln', 'sport = :636'], { encoding: 'utf8' });
  if (ss.status === 0 && ss.stdout.trim() !== '') {
    throw new Error('port 636 is taken by another process');
  }
}

export function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function stopProcessGroup(pid: number): void {
  if (!isAlive(pid)) return;
  // The DC runs as the leader of its own process group (detached spawn): end exactly that group.
  process.kill(-pid, 'SIGTERM');
}

export async function stopAndWait(pid: number): Promise<void> {
  stopProcessGroup(pid);
  const deadline = Date.now() + 15_000;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) process.kill(-pid, 'SIGKILL');
  await sleep(200);
}

/** A lock directory shared by Vitest's worker processes; a lock left by a dead process is taken over. */
export async function acquireLock(path: string): Promise<() => void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(path);
      writeFileSync(`${path}/pid`, String(process.pid));
      return () => {
        rmSync(path, { recursive: true, force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (isStaleLock(path)) {
        rmSync(path, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${path}`);
      await sleep(200);
    }
  }
}

function isStaleLock(path: string): boolean {
  const pidFile = `${path}/pid`;
  if (!existsSync(pidFile)) return false;
  const owner = Number(readFileSync(pidFile, 'utf8'));
  return Number.isInteger(owner) && owner > 0 && !isAlive(owner);
}
