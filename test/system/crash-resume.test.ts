/**
 * Crash and resume with real processes and the real embedded store (PGlite in a data folder).
 * A worker executes a six-step run against a file-backed target and kills itself with SIGKILL right
 * after its N-th write, for every N from the first journal entry to the last: between `applying` and
 * the target write, between the target write and `applied`, between `applied` and `verified`, and
 * after the last `verified` but before the run status. A fresh process then resumes the run from the
 * journal. Every run must complete with each change made on the target exactly once.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cp, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashStepShapes, type CrashReport, type CrashScenario } from '../support/crash-target.js';
import { runTsxChild, type ChildExit as Exit } from '../support/tsx-child.js';

const childScript = fileURLToPath(new URL('../support/crash-child.ts', import.meta.url));
const concurrency = Math.min(4, Math.max(2, availableParallelism()));

const expectedChanges = crashStepShapes
  .flatMap((shape) => shape.keys.map((key) => `${shape.id}:${key}`))
  .sort();
/** A clean run writes `applying`, the target and `applied` per change, and `verified` per step. */
const writesPerRun = expectedChanges.length * 3 + crashStepShapes.length;
/**
 * Every second write by default (26 kill points over every kind of position: the writes cycle through
 * applying / target / applied); CRASH_KILL_STRIDE=1 kills after every single write.
 */
const stride = Math.max(1, Number(process.env['CRASH_KILL_STRIDE'] ?? 2));
const singleKills = Array.from({ length: writesPerRun }, (_, i) => i + 1).filter(
  (n) => (n - 1) % stride === 0,
);
/** Killed again while resuming: during reconciliation of an in-doubt change, or just after it. */
const doubleKills: [number, number][] = [
  [2, 1],
  [3, 1],
  [3, 2],
  [12, 1],
  [27, 2],
];

const child = (args: string[]): Promise<Exit> => runTsxChild(childScript, args);

async function inPool<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

interface Scenario extends CrashScenario {
  name: string;
  kills: number[];
  exits: Exit[];
}

const root = mkdtempSync(join(tmpdir(), 'lifecycle-crash-'));
const template = join(root, 'template');

function scenario(name: string, kills: number[]): Scenario {
  const dir = join(root, name);
  return {
    name,
    kills,
    exits: [],
    dataDir: join(dir, 'data'),
    targetFile: join(dir, 'target.jsonl'),
    reportFile: join(dir, 'report.json'),
  };
}

/** Copies the template store (asynchronously: a long synchronous copy would stall the test worker). */
async function prepare(s: Scenario): Promise<void> {
  await cp(template, s.dataDir, { recursive: true });
  await writeFile(s.targetFile, '');
}

const report = (s: Scenario): CrashReport => JSON.parse(readFileSync(s.reportFile, 'utf8')) as CrashReport;

function expectCompletedExactlyOnce(result: CrashReport): void {
  expect(result.outcome).toMatchObject({ kind: 'finished', status: 'completed' });
  expect(result.runStatus).toBe('completed');
  expect(result.target.map((line) => `${line.stepId}:${line.key}`).sort()).toEqual(expectedChanges);
  const applied = result.journal
    .filter((e) => e.phase === 'applied')
    .map((e) => `${e.stepId}:${e.changeKey ?? ''}`);
  expect(applied.sort()).toEqual(expectedChanges);
  const verified = result.journal.filter((e) => e.phase === 'verified' && e.changeKey === undefined);
  expect(verified.map((e) => e.stepId).sort()).toEqual(crashStepShapes.map((shape) => shape.id).sort());
  expect(result.journal.filter((e) => e.phase === 'failed' || e.phase === 'skipped')).toEqual([]);
  expect(new Set(result.audited)).toEqual(new Set(expectedChanges));
}

let baseline: Scenario;
const crashed: Scenario[] = [];

beforeAll(async () => {
  const setup = await child(['setup', template, join(root, 'setup-target.jsonl')]);
  expect(setup, setup.stderr).toMatchObject({ code: 0 });

  baseline = scenario('baseline', []);
  await prepare(baseline);
  baseline.exits.push(await child(['run', baseline.dataDir, baseline.targetFile, '0', baseline.reportFile]));

  for (const n of singleKills) crashed.push(scenario(`kill-${n}`, [n]));
  for (const kills of doubleKills) crashed.push(scenario(`kill-${kills.join('-')}`, kills));
  await inPool(crashed, async (s) => {
    await prepare(s);
    for (const killAt of s.kills) {
      s.exits.push(await child(['run', s.dataDir, s.targetFile, String(killAt), s.reportFile]));
    }
  });

  // Each scenario is resumed by a fresh process: one store and Runner per scenario, processes in parallel.
  const batches = Array.from({ length: concurrency }, (_, i) =>
    crashed.filter((_s, j) => j % concurrency === i),
  );
  await inPool(batches, async (batch) => {
    const list = join(root, `resume-${crashed.indexOf(batch[0]!)}.json`);
    await writeFile(
      list,
      JSON.stringify(
        batch.map(({ dataDir, targetFile, reportFile }) => ({ dataDir, targetFile, reportFile })),
      ),
    );
    const exit = await child(['resume', list]);
    expect(exit, exit.stderr).toMatchObject({ code: 0 });
  });
}, 900_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('a run killed with SIGKILL at any write', () => {
  it(`writes ${writesPerRun} times when nobody kills it`, () => {
    expect(baseline.exits[0], baseline.exits[0]?.stderr).toMatchObject({ code: 0 });
    const result = report(baseline);
    expect(result.writes).toBe(writesPerRun);
    expectCompletedExactlyOnce(result);
  });

  it.each(singleKills.map((n) => [n]))(
    'completes after a kill at write %i, with every change applied exactly once',
    (n) => {
      const s = crashed.find((c) => c.name === `kill-${n}`)!;
      expect(
        s.exits.map((e) => e.signal),
        s.exits[0]?.stderr,
      ).toEqual(['SIGKILL']);
      expectCompletedExactlyOnce(report(s));
    },
  );

  it.each(doubleKills)(
    'completes after a kill at write %i and another at write %i of the resumed run',
    (a, b) => {
      const s = crashed.find((c) => c.name === `kill-${a}-${b}`)!;
      expect(s.exits.map((e) => e.signal)).toEqual(['SIGKILL', 'SIGKILL']);
      expectCompletedExactlyOnce(report(s));
    },
  );

  it('reconciles changes left in doubt between the target write and the journal', () => {
    const reconciled = crashed.filter((s) =>
      report(s).journal.some(
        (e) => e.phase === 'applied' && JSON.stringify(e.after) === '{"isReconciled":true}',
      ),
    );
    // One kill point per change falls between its target write and its `applied` entry; the stride
    // keeps about one in `stride` of them.
    expect(reconciled.length).toBeGreaterThanOrEqual(Math.floor(expectedChanges.length / stride));
  });
});
