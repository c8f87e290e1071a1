/**
 * The triggers' retention job on the scheduler and a fake clock, against the real store (PGlite): the
 * signed endpoints' replay records go once the signature window has passed, the drop folders' row
 * records after the configured days, and within those days the same content dropped again is still
 * not applied again.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rememberDelivery, signedDeliveryKind } from '../../../src/app/signed-endpoint.js';
import { triggerHousekeepingJob, triggerHousekeepingJobName } from '../../../src/app/trigger-housekeeping.js';
import { silentLog } from '../../../src/core/ports/log.js';
import { JobScheduler } from '../../../src/core/schedule/scheduler.js';
import { DropFolderProcessor, type ParsedDropFile } from '../../../src/core/triggers/drop-folder.js';
import { keyLockKind, withKeyLock } from '../../../src/core/triggers/key-lock.js';
import { openStore, type SqlStore } from '../../../src/store/index.js';
import { FakeClock } from '../core/support/fake-clock.js';

const day = 86_400_000;
const content = 'upn\nada@contoso.com\n';

function parseUpns(text: string): ParsedDropFile<string> {
  const [, ...lines] = text.split('\n').filter((l) => l.trim() !== '');
  return { rows: lines.map((upn, i) => ({ line: i + 2, key: upn.trim(), value: upn.trim() })) };
}

describe('triggers housekeeping (scheduled retention)', () => {
  let store: SqlStore;
  let clock: FakeClock;
  let folder: string;
  const applied: string[] = [];

  beforeEach(async () => {
    store = await openStore();
    clock = new FakeClock();
    folder = await mkdtemp(path.join(tmpdir(), 'housekeeping-'));
    applied.length = 0;
  });
  afterEach(async () => {
    await store.close();
    await rm(folder, { recursive: true, force: true });
  });

  const dropAndRun = async (): Promise<void> => {
    const file = path.join(folder, 'joiners.csv');
    await writeFile(file, content);
    const at = new Date(Date.now() - 60_000);
    await utimes(file, at, at);
    await new DropFolderProcessor<string>(
      { store, clock, log: silentLog },
      {
        name: 'joiners',
        folder,
        parse: parseUpns,
        apply: (upn) => {
          applied.push(upn);
          return Promise.resolve({ status: 'applied', isFailure: false });
        },
      },
    ).run();
  };

  /** The row record the drop folder keeps for the file's one row (under the content's SHA-256). */
  const rowRecords = async (): Promise<number> => {
    const sha256 = createHash('sha256').update(content).digest('hex');
    return (await store.state.get(`drop-folder:joiners:row:${sha256}:ada@contoso.com`)) === undefined ? 0 : 1;
  };

  it('deletes replay records after the window and row records after the configured days', async () => {
    const endpoint = { name: 'POST /api/hr/leavers', store };
    const nowSeconds = (): number => Math.floor(clock.now() / 1000);
    expect(await rememberDelivery(endpoint, 'sha256=aa', nowSeconds(), 300)).toBe(true);
    await withKeyLock(store.queue, 'hr-leavers:person:ada@contoso.com', clock.now(), () => Promise.resolve());
    await dropAndRun();
    expect(applied).toEqual(['ada@contoso.com']);
    expect(await rowRecords()).toBe(1);

    const jobs = new JobScheduler({ queue: store.queue, clock, log: silentLog, owner: 'bot-1' });
    jobs.register(
      triggerHousekeepingJob({ store, clock }, { schedule: '0 3 * * *', dropFolderRecordDays: 90 }),
    );
    await jobs.init();

    // Inside the signature window the replay record stays, and a replay is still refused.
    await clock.sleep(60_000);
    expect(await rememberDelivery(endpoint, 'sha256=aa', nowSeconds(), 300)).toBe(false);
    expect(await jobs.runDue()).toEqual([]);

    // The next night: the window has long passed; the record goes, the row record stays.
    await clock.sleep(day);
    expect(await jobs.runDue()).toEqual([triggerHousekeepingJobName]);
    expect(await store.queue.list(signedDeliveryKind)).toEqual([]);
    expect(await store.queue.list(keyLockKind)).toEqual([]);
    expect(await rowRecords()).toBe(1);
    const [status] = await jobs.list();
    expect(status?.lastRun?.summary).toBe(
      'Deleted 1 replay records, 1 released holds and 0 drop-folder row records older than 90 days',
    );

    // Within the 90 days the same content dropped again is not applied again.
    await clock.sleep(80 * day);
    await dropAndRun();
    expect(applied).toEqual(['ada@contoso.com']);
    expect(await jobs.runDue()).toEqual([triggerHousekeepingJobName]);
    expect(await rowRecords()).toBe(1);

    // Past them the record goes: the same content dropped again is applied again (the documented limit).
    await clock.sleep(11 * day);
    expect(await jobs.runDue()).toEqual([triggerHousekeepingJobName]);
    expect(await rowRecords()).toBe(0);
    await dropAndRun();
    expect(applied).toEqual(['ada@contoso.com', 'ada@contoso.com']);
  });
});
