/**
 * A bulk offboarding survives the death of its executor: a real worker process executes a batch of
 * six leavers on the embedded store (PGlite in a data folder) and kills itself with SIGKILL after its
 * N-th change on the target; another process, as another instance, resumes the batch once its claim
 * lapsed. Every leaver ends offboarded with each change made exactly once, no child request is created
 * twice, and the batch is completed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bulkCrashLeavers, bulkCrashStepKeys, type BulkCrashReport } from '../support/bulk-crash-child.js';
import { subject } from '../unit/core/runs/runs-fixtures.js';
import { runTsxChild, type ChildExit as Exit } from '../support/tsx-child.js';

const childScript = fileURLToPath(new URL('../support/bulk-crash-child.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'lifecycle-bulk-crash-'));

const child = (args: string[]): Promise<Exit> => runTsxChild(childScript, args);

const expectedTarget = Array.from({ length: bulkCrashLeavers }, (_, i) => subject(i + 1).userPrincipalName)
  .flatMap((user) =>
    Object.entries(bulkCrashStepKeys).flatMap(([stepId, keys]) =>
      keys.map((key) => `${stepId}:${user}:${key}`),
    ),
  )
  .sort();

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('bulk offboarding killed mid-batch', () => {
  // Early (first leaver in flight), in the middle, and with most leavers done.
  it.each([2, 8, 15])(
    'is resumed by another instance after a SIGKILL at change %i: each leaver once, each change once',
    async (killAt) => {
      const dir = join(root, `kill-${killAt}`);
      const dataDir = join(dir, 'data');
      const targetFile = join(dir, 'target.jsonl');
      const reportFile = join(dir, 'report.json');
      expect((await child(['setup', dataDir])).code).toBe(0);

      const killed = await child(['run', dataDir, targetFile, String(killAt)]);
      expect(killed.signal, killed.stderr).toBe('SIGKILL');

      const resumed = await child(['resume', dataDir, targetFile, reportFile]);
      expect(resumed.code, resumed.stderr).toBe(0);
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as BulkCrashReport;
      expect(report.parentState).toBe('completed');
      expect(Object.keys(report.children)).toHaveLength(bulkCrashLeavers);
      expect(report.childStates).toEqual(Array.from({ length: bulkCrashLeavers }, () => 'completed'));
      expect(report.requestsPerLeaver).toEqual(Array.from({ length: bulkCrashLeavers }, () => 1));
      expect([...report.target].sort()).toEqual(expectedTarget);
    },
    120_000,
  );
});
