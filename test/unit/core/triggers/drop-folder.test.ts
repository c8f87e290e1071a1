import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../../src/core/ports/clock.js';
import { silentLog } from '../../../../src/core/ports/log.js';
import type { Store } from '../../../../src/core/ports/store.js';
import {
  DropFolderProcessor,
  dropFileQueueKind,
  type DropFileReport,
  type DropFolderOptions,
  type ParsedDropFile,
  type RowOutcome,
} from '../../../../src/core/triggers/drop-folder.js';
import { createMemoryStore } from '../../../support/memory-store.js';
import { FakeClock } from '../support/fake-clock.js';

interface Person {
  upn: string;
  team: string;
}

/** `upn,team` lines under a `upn,team` header; a line without `@` is an invalid row. */
function parsePeople(text: string): ParsedDropFile<Person> {
  const [header, ...lines] = text.split('\n').filter((l) => l.trim() !== '');
  if (header?.trim() !== 'upn,team') return { rejected: 'The header must be upn,team.' };
  return {
    rows: lines.map((l, i) => {
      const [upn = '', team = ''] = l.split(',').map((c) => c.trim());
      const line = i + 2;
      return upn.includes('@')
        ? { line, key: upn.toLowerCase(), value: { upn: upn.toLowerCase(), team } }
        : { line, error: `line ${line}: no UPN` };
    }),
  };
}

/** The "system" rows are applied to: each change written once, looked up before writing again. */
class Target {
  readonly writes: string[] = [];
  readonly state = new Map<string, string>();
  apply(person: Person): RowOutcome {
    if (this.state.get(person.upn) === person.team) return { status: 'nothing-to-do', isFailure: false };
    this.state.set(person.upn, person.team);
    this.writes.push(person.upn);
    return { status: 'applied', isFailure: false };
  }
}

const report = (folder: string, sub: 'Processed' | 'Rejected', file: string): DropFileReport => {
  const name = readdirSync(path.join(folder, sub)).find(
    (n) => n.startsWith(`${file}.`) && n.endsWith('.report.json'),
  );
  if (!name) throw new Error(`no report for ${file} in ${sub}`);
  return JSON.parse(readFileSync(path.join(folder, sub, name), 'utf8')) as DropFileReport;
};

const fates = (r: DropFileReport) => (r.rows ?? []).map((row) => [row.line, row.status]);

describe('DropFolderProcessor', () => {
  let folder: string;
  let store: Store;
  let clock: FakeClock;
  let target: Target;

  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'drop-folder-'));
    store = createMemoryStore();
    clock = new FakeClock();
    target = new Target();
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  const processor = (
    overrides: Partial<DropFolderOptions<Person>> = {},
    useClock: Clock = clock,
  ): DropFolderProcessor<Person> =>
    new DropFolderProcessor<Person>(
      { store, clock: useClock, log: silentLog },
      {
        name: 'people',
        folder,
        parse: parsePeople,
        apply: (person) => Promise.resolve(target.apply(person)),
        ...overrides,
      },
    );
  /** Writes a file with a modification time `ageS` seconds in the past (older files go first). */
  const drop = async (name: string, text: string | Buffer, ageS = 60): Promise<void> => {
    const full = path.join(folder, name);
    await writeFile(full, text);
    const at = new Date(Date.now() - ageS * 1000);
    await utimes(full, at, at);
  };
  const csvNames = (sub = ''): string[] =>
    readdirSync(path.join(folder, sub)).filter((n) => n.endsWith('.csv'));

  it('applies every row of the oldest file first and moves each file to Processed with its report', async () => {
    await drop('b.csv', 'upn,team\nBen@contoso.com,Sales\n', 30);
    await drop('a.csv', 'upn,team\nada@contoso.com,IT\nnot-a-upn,IT\nCy@contoso.com,HR\n', 90);
    await drop('c.csv.tmp', 'upn,team\nhalf@contoso.com,IT\n');
    await drop('notes.txt', 'not a list');

    const result = await processor().run();

    expect(target.writes).toEqual(['ada@contoso.com', 'cy@contoso.com', 'ben@contoso.com']);
    expect(result.files.map((f) => [f.name, f.outcome])).toEqual([
      ['a.csv', 'processed'],
      ['b.csv', 'processed'],
    ]);
    expect(result.summary).toBe('Files: 2 processed. Rows: 3 applied, 1 invalid.');
    expect(csvNames()).toEqual([]);
    expect(csvNames('Processed').sort()).toEqual(['a.csv', 'b.csv']);
    expect(readdirSync(folder).sort()).toEqual(['Processed', 'Rejected', 'c.csv.tmp', 'notes.txt']);
    const a = report(folder, 'Processed', 'a.csv');
    expect(a).toMatchObject({ file: 'a.csv', outcome: 'processed', run: '20261123T090000Z' });
    expect(fates(a)).toEqual([
      [2, 'applied'],
      [3, 'invalid'],
      [4, 'applied'],
    ]);
    expect(a.rows?.[1]?.detail).toBe('line 3: no UPN');
    expect(a.counts).toEqual({ applied: 2, invalid: 1 });
    expect(readdirSync(path.join(folder, 'Processed'))).toContain('a.csv.20261123T090000Z.report.json');
    // Nothing left: a second run finds nothing and applies nothing.
    expect((await processor().run()).summary).toBe('No files.');
    expect(target.writes).toHaveLength(3);
  });

  it('moves a bad file to Rejected with the reason and applies none of its rows', async () => {
    await drop('header.csv', 'name,dept\nada@contoso.com,IT\n');
    await drop('latin1.csv', Buffer.from('upn,team\nzo\xe9@contoso.com,IT\n', 'latin1'));
    await drop('big.csv', `upn,team\n${'x@contoso.com,IT\n'.repeat(100)}`);

    const result = await processor({ maxFileBytes: 1000 }).run();

    expect(target.writes).toEqual([]);
    expect(result.files.every((f) => f.outcome === 'rejected')).toBe(true);
    expect(csvNames('Rejected').sort()).toEqual(['big.csv', 'header.csv', 'latin1.csv']);
    expect(report(folder, 'Rejected', 'header.csv').reason).toBe('The header must be upn,team.');
    expect(report(folder, 'Rejected', 'latin1.csv').reason).toBe('The file is not UTF-8 text.');
    expect(report(folder, 'Rejected', 'big.csv').reason).toBe('The file is larger than 1000 bytes.');
    expect(csvNames('Processed')).toEqual([]);
  });

  it('reads UTF-16 with its byte-order mark and refuses UTF-16 without one', async () => {
    const utf16 = (text: string, bom: boolean): Buffer =>
      Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(text, 'utf16le')]);
    await drop('marked.csv', utf16('upn,team\r\nzoë@contoso.com,IT\r\n', true), 90);
    await drop('unmarked.csv', utf16('upn,team\nann@contoso.com,IT\n', false), 30);

    await processor().run();

    expect(target.writes).toEqual(['zoë@contoso.com']);
    expect(csvNames('Processed')).toEqual(['marked.csv']);
    expect(report(folder, 'Rejected', 'unmarked.csv').reason).toBe(
      'The file is not UTF-8 text (it holds NUL characters).',
    );
  });

  it('applies a row found in several files once and reports conflicting duplicates without applying them', async () => {
    await drop('one.csv', 'upn,team\nada@contoso.com,IT\nben@contoso.com,Sales\nada@contoso.com,IT\n', 90);
    await drop('two.csv', 'upn,team\nADA@contoso.com,IT\nben@contoso.com,Legal\ncy@contoso.com,HR\n', 30);

    const result = await processor().run();

    expect(target.writes).toEqual(['ada@contoso.com', 'cy@contoso.com']);
    const one = report(folder, 'Processed', 'one.csv');
    const two = report(folder, 'Processed', 'two.csv');
    expect(fates(one)).toEqual([
      [2, 'applied'],
      [3, 'conflict'],
      [4, 'duplicate'],
    ]);
    expect(fates(two)).toEqual([
      [2, 'duplicate'],
      [3, 'conflict'],
      [4, 'applied'],
    ]);
    expect(two.rows?.[0]?.detail).toBe('Same row as one.csv line 2 (applied); applied once.');
    expect(one.rows?.[1]?.detail).toBe(
      'ben@contoso.com has different values in one.csv line 3, two.csv line 3; none applied.',
    );
    expect(one.rows?.[1]?.isFailure).toBe(true);
    expect(result.summary).toBe('Files: 2 processed. Rows: 2 applied, 2 conflict, 2 duplicate.');
  });

  it("reports a failing row's fate and still processes the file", async () => {
    await drop('mixed.csv', 'upn,team\nada@contoso.com,IT\nbad@contoso.com,IT\ncy@contoso.com,HR\n');
    const apply = (person: Person): Promise<RowOutcome> =>
      person.upn === 'bad@contoso.com'
        ? Promise.reject(new Error('The account is protected'))
        : Promise.resolve(target.apply(person));

    await processor({ apply }).run();

    const mixed = report(folder, 'Processed', 'mixed.csv');
    expect(mixed.rows?.map((r) => [r.status, r.isFailure, r.detail])).toEqual([
      ['applied', false, undefined],
      ['failed', true, 'The account is protected'],
      ['applied', false, undefined],
    ]);
    expect(target.writes).toEqual(['ada@contoso.com', 'cy@contoso.com']);
  });

  it('after a crash in the middle of a file, finishes it without applying any row twice', async () => {
    await drop(
      'joiners.csv',
      'upn,team\na@contoso.com,IT\nb@contoso.com,IT\nc@contoso.com,IT\nd@contoso.com,IT\n',
    );
    const retries: string[] = [];
    let reachedC = (): void => undefined;
    const dies = new Promise<void>((resolve) => {
      reachedC = resolve;
    });
    // The first instance makes the change for c, then dies before recording it (the call never returns).
    const crashing = processor({
      claimMs: 60_000,
      apply: (person) => {
        const outcome = target.apply(person);
        if (person.upn !== 'c@contoso.com') return Promise.resolve(outcome);
        reachedC();
        return new Promise<RowOutcome>(() => undefined);
      },
    });
    void crashing.run();
    await dies;
    expect(target.writes).toEqual(['a@contoso.com', 'b@contoso.com', 'c@contoso.com']);

    // Another instance while the claim is live leaves the file alone.
    const early = await processor().run();
    expect(early.files).toEqual([{ name: 'joiners.csv', outcome: 'claimed-elsewhere' }]);

    await clock.sleep(60_001); // the dead instance's claim lapses
    const restart = await processor({
      apply: (person, { isRetry }) => {
        if (isRetry) retries.push(person.upn);
        return Promise.resolve(target.apply(person));
      },
    }).run();

    expect(target.writes).toEqual(['a@contoso.com', 'b@contoso.com', 'c@contoso.com', 'd@contoso.com']);
    expect(retries).toEqual(['c@contoso.com']);
    expect(restart.files.map((f) => f.outcome)).toEqual(['processed']);
    expect(fates(report(folder, 'Processed', 'joiners.csv'))).toEqual([
      [2, 'applied'],
      [3, 'applied'],
      [4, 'nothing-to-do'],
      [5, 'applied'],
    ]);
    expect(csvNames('Processed')).toEqual(['joiners.csv']);
    expect(
      readdirSync(path.join(folder, 'Processed')).filter((n) => n.endsWith('.report.json')),
    ).toHaveLength(1);
    const item = await store.queue.get(dropFileQueueKind, 'people/joiners.csv');
    expect(item?.status).toBe('done');
  });

  it('hands the files back when stopped and resumes after the rows already applied', async () => {
    await drop('joiners.csv', 'upn,team\na@contoso.com,IT\nb@contoso.com,IT\nc@contoso.com,IT\n');
    const stop = new AbortController();
    const calls: string[] = [];
    const apply = (person: Person): Promise<RowOutcome> => {
      calls.push(person.upn);
      if (calls.length === 2) stop.abort(new Error('stopping'));
      return Promise.resolve(target.apply(person));
    };

    await expect(processor({ apply }).run(stop.signal)).rejects.toThrow('stopping');
    expect(csvNames()).toEqual(['joiners.csv']);
    await processor({ apply }).run(); // at once: the claim was released, not left to lapse

    expect(calls).toEqual(['a@contoso.com', 'b@contoso.com', 'c@contoso.com']);
    expect(fates(report(folder, 'Processed', 'joiners.csv'))).toEqual([
      [2, 'applied'],
      [3, 'applied'],
      [4, 'applied'],
    ]);
  });

  it('refuses symbolic links without following them and never reads outside the folder', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'drop-outside-'));
    try {
      await writeFile(path.join(outside, 'secret.csv'), 'upn,team\nceo@contoso.com,Board\n');
      await symlink(path.join(outside, 'secret.csv'), path.join(folder, 'evil.csv'));

      const result = await processor().run();

      expect(result.files).toMatchObject([{ name: 'evil.csv', outcome: 'rejected', movedTo: 'evil.csv' }]);
      expect(report(folder, 'Rejected', 'evil.csv').reason).toBe(
        'The file is a symbolic link; links are refused.',
      );
      expect(target.writes).toEqual([]);
      expect(readFileSync(path.join(outside, 'secret.csv'), 'utf8')).toContain('ceo@contoso.com');
      expect(existsSync(path.join(folder, 'evil.csv'))).toBe(false);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('never writes a report through a link planted under its temporary name', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'drop-outside-'));
    try {
      const victim = path.join(outside, 'keep.txt');
      await writeFile(victim, 'untouched');
      await mkdir(path.join(folder, 'Processed'));
      await symlink(victim, path.join(folder, 'Processed', 'a.csv.20261123T090000Z.report.json.tmp'));
      await drop('a.csv', 'upn,team\nada@contoso.com,IT\n', 90);

      const result = await processor().run();

      expect(result.files.map((f) => [f.name, f.outcome])).toEqual([['a.csv', 'processed']]);
      expect(readFileSync(victim, 'utf8')).toBe('untouched');
      expect(fates(report(folder, 'Processed', 'a.csv'))).toEqual([[2, 'applied']]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('refuses a missing folder and an output folder that is a link', async () => {
    await expect(processor({ folder: path.join(folder, 'absent') }).run()).rejects.toThrow(
      /does not exist or can't be read/,
    );
    const elsewhere = await mkdtemp(path.join(tmpdir(), 'drop-elsewhere-'));
    try {
      await symlink(elsewhere, path.join(folder, 'Processed'));
      await drop('a.csv', 'upn,team\na@contoso.com,IT\n');
      await expect(processor().run()).rejects.toThrow('Processed in the drop folder must be a folder');
      expect(target.writes).toEqual([]);
      expect(readdirSync(elsewhere)).toEqual([]);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('waits for a file that changes between its two looks', async () => {
    await drop('growing.csv', 'upn,team\na@contoso.com,IT\n');
    let isWriting = true;
    // The writer appends while the processor waits between its two looks.
    const writingClock: Clock = {
      now: () => clock.now(),
      sleep: async (ms, signal) => {
        if (isWriting) await appendFile(path.join(folder, 'growing.csv'), 'b@contoso.com,IT\n');
        return clock.sleep(ms, signal);
      },
    };

    const first = await processor({}, writingClock).run();
    expect(first.files).toEqual([
      { name: 'growing.csv', outcome: 'waiting', reason: 'The file is still being written.' },
    ]);
    expect(target.writes).toEqual([]);

    isWriting = false;
    await processor({}, writingClock).run();
    expect(target.writes).toEqual(['a@contoso.com', 'b@contoso.com']);
  });

  it('gives the same content dropped again its own report without applying its rows again', async () => {
    await drop('x.csv', 'upn,team\na@contoso.com,IT\n');
    await processor().run();
    await clock.sleep(3_600_000);
    await drop('x.csv', 'upn,team\na@contoso.com,IT\n');
    let calls = 0;

    const again = await processor({
      apply: (person) => {
        calls += 1;
        return Promise.resolve(target.apply(person));
      },
    }).run();

    expect(calls).toBe(0);
    expect(again.files).toMatchObject([{ outcome: 'processed', movedTo: 'x.20261123T100002Z.csv' }]);
    const reports = readdirSync(path.join(folder, 'Processed')).filter((n) => n.endsWith('.report.json'));
    expect(reports.sort()).toEqual([
      'x.csv.20261123T090000Z.report.json',
      'x.csv.20261123T100002Z.report.json',
    ]);
    expect(fates(report(folder, 'Processed', 'x.csv.20261123T100002Z'))).toEqual([[2, 'applied']]);
  });
});
