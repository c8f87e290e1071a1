/**
 * A target system kept in a file, for the crash test. Every `apply` call appends one line, so the test
 * can count how many times each change reached the target; planning reads the file back, like a step
 * reading live state.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { JournalEntry, RunStatus } from '../../src/core/ports/store.js';
import type { RunOutcome } from '../../src/core/runner/index.js';
import { fail, ok, type Step, type SystemId } from '../../src/core/step.js';

export const crashRunId = 'run-crash';

/** One crash scenario's files: its own store folder, target file and report. */
export interface CrashScenario {
  dataDir: string;
  targetFile: string;
  reportFile: string;
}

/** What a worker that finished the run reports. */
export interface CrashReport {
  outcome: RunOutcome;
  /** Writes (journal entries and target writes) made by the reporting process. */
  writes: number;
  runStatus: RunStatus | undefined;
  journal: JournalEntry[];
  /** `stepId:changeKey` of every `step.applied` audit event. */
  audited: string[];
  target: TargetLine[];
}

export interface TargetLine {
  stepId: string;
  key: string;
}

export class FileTarget {
  /** `onWrite` runs after each write reached the file (the crash child counts kill points there). */
  constructor(
    readonly path: string,
    private readonly onWrite: () => void = () => undefined,
  ) {}

  lines(): TargetLine[] {
    if (!existsSync(this.path)) return [];
    return readFileSync(this.path, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as TargetLine);
  }

  has(stepId: string, key: string): boolean {
    return this.lines().some((line) => line.stepId === stepId && line.key === key);
  }

  write(stepId: string, key: string): void {
    appendFileSync(this.path, `${JSON.stringify({ stepId, key })}\n`);
    this.onWrite();
  }
}

interface CrashStepShape {
  id: string;
  system: SystemId;
  keys: string[];
  dependsOn?: string[];
}

/** Six steps over five systems: two roots, a fan-out, a join; 15 changes in all. */
export const crashStepShapes: readonly CrashStepShape[] = [
  { id: 'ad.disable-account', system: 'ad', keys: ['disable', 'password', 'description'] },
  { id: 'entra.block-sign-in', system: 'entra', keys: ['block', 'revoke-sessions', 'password'] },
  {
    id: 'exo.grant-delegate',
    system: 'exchange',
    keys: ['full-access:bob', 'send-as:bob', 'calendar:bob'],
    dependsOn: ['ad.disable-account'],
  },
  {
    id: 'exo.convert-shared',
    system: 'exchange',
    keys: ['shared', 'hidden'],
    dependsOn: ['ad.disable-account'],
  },
  {
    id: 'spo.onedrive-admin',
    system: 'sharepoint',
    keys: ['admin:bob', 'link'],
    dependsOn: ['entra.block-sign-in'],
  },
  {
    id: 'entra.remove-licences',
    system: 'entra',
    keys: ['sku:e3', 'sku:ems'],
    dependsOn: ['exo.grant-delegate', 'exo.convert-shared', 'spo.onedrive-admin'],
  },
];

export function crashSteps(target: FileTarget): Step[] {
  return crashStepShapes.map((shape) => ({
    id: shape.id,
    system: shape.system,
    title: shape.id,
    dependsOn: shape.dependsOn,
    plan: async () =>
      shape.keys
        .filter((key) => !target.has(shape.id, key))
        .map((key) => ({ key, description: `${shape.id} ${key}`, data: {}, before: { isMade: false } })),
    apply: async (change) => {
      target.write(shape.id, change.key);
      return { isMade: true };
    },
    verify: async (changes) => {
      const missing = changes.filter((change) => !target.has(shape.id, change.key));
      return missing.length === 0 ? ok() : fail(`${missing.map((c) => c.key).join(', ')} not made`);
    },
  }));
}
