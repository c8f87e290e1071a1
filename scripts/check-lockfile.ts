/**
 * Fails when package.json and package-lock.json have drifted apart, the way a deploy pipeline's
 * `npm ci` would: runs `npm ci --dry-run --ignore-scripts` in a temporary copy holding only the two
 * files and .npmrc (nothing is downloaded or installed). Part of `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'lifecycle-lockcheck-'));
try {
  for (const file of ['package.json', 'package-lock.json', '.npmrc']) {
    if (existsSync(join(root, file))) copyFileSync(join(root, file), join(dir, file));
  }
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    const lines = result.stderr.split('\n').filter((line) => /Missing|Invalid|sync|ERR/i.test(line));
    console.error('package-lock.json does not match package.json (npm ci would refuse it):');
    console.error(lines.slice(0, 30).join('\n') || result.stderr || result.error?.message);
    console.error('Run `npm install` and commit package-lock.json.');
    process.exit(1);
  }
  console.log('package-lock.json matches package.json');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
