import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../../../src/core/ports/log.js';
import type { WorkQueue } from '../../../../src/core/ports/store.js';
import { jobQueueKind, JobScheduler, type ScheduledJob } from '../../../../src/core/schedule/scheduler.js';
import { openStore, type SqlStore } from '../../../../src/store/index.js';
import { createMemoryStore } from '../../../support/memory-store.js';
import { FakeClock } from '../support/fake-clock.js';

const start = Date.parse('2026-11-23T09:00:00.000Z');
const hour = 3_600_000;

function job(overrides: Partial<ScheduledJob> & { runs: number[] }): ScheduledJob {
  const { runs, ...rest } = overrides;
  return {
    name: 'inventory.refresh',
    description: 'Refresh the permission inventory',
    schedule: '0 * * * *',
    run: () => {
      runs.push(1);
      return Promise.resolve(`run ${runs.length}`);
    },
    ...rest,
  };
}

describe('JobScheduler', () => {
  let store: { queue: WorkQueue };
  let clock: FakeClock;
  beforeEach(() => {
    store = createMemoryStore();
    clock = new FakeClock(start);
  });

  const scheduler = (owner: string): JobScheduler =>
    new JobScheduler({ queue: store.queue, clock, log: silentLog, owner });

  it('runs a job at its cron times and shows its last and next run', async () => {
    const runs: number[] = [];
    const jobs = scheduler('bot-1');
    jobs.register(job({ runs }));
    await jobs.init();
    const [before] = await jobs.list();
    expect(before).toMatchObject({ name: 'inventory.refresh', state: 'scheduled', nextRunAt: start + hour });
    expect(before?.lastRun).toBeUndefined();

    expect(await jobs.runDue()).toEqual([]);
    await clock.sleep(hour - 1);
    expect(await jobs.runDue()).toEqual([]);
    await clock.sleep(1);
    expect(await jobs.runDue()).toEqual(['inventory.refresh']);
    expect(runs).toHaveLength(1);
    expect(await jobs.runDue()).toEqual([]);

    const [after] = await jobs.list();
    expect(after?.lastRun).toMatchObject({ result: 'succeeded', summary: 'run 1', by: 'bot-1' });
    expect(after?.lastRun?.startedAt).toBe(start + hour);
    expect(after?.nextRunAt).toBe(start + 2 * hour);
    const item = await store.queue.get(jobQueueKind, 'inventory.refresh');
    expect(item?.status).toBe('pending');
  });

  it('records a failure with its message and tries again after retryAfterMs', async () => {
    const jobs = scheduler('bot-1');
    let calls = 0;
    jobs.register({
      name: 'inventory.refresh',
      description: 'Refresh',
      schedule: '0 3 * * *',
      retryAfterMs: 10 * 60_000,
      isDueAtStart: () => Promise.resolve(true),
      run: () => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('Exchange is unavailable')) : Promise.resolve('ok');
      },
    });
    await jobs.init();
    expect(await jobs.runDue()).toEqual(['inventory.refresh']);
    const [failed] = await jobs.list();
    expect(failed?.lastRun).toMatchObject({ result: 'failed', summary: 'Exchange is unavailable' });
    expect(failed?.nextRunAt).toBe((failed?.lastRun?.finishedAt ?? 0) + 10 * 60_000);

    await clock.sleep(10 * 60_000);
    expect(await jobs.runDue()).toEqual(['inventory.refresh']);
    const [recovered] = await jobs.list();
    expect(recovered?.lastRun).toMatchObject({ result: 'succeeded', summary: 'ok' });
    expect(recovered?.nextRunAt).toBe(Date.parse('2026-11-24T03:00:00.000Z'));
  });

  it('moves a job to its new next time when its schedule changed, and due at once when asked at start', async () => {
    const runs: number[] = [];
    const first = scheduler('bot-1');
    first.register(job({ runs, schedule: '0 2 * * *' }));
    await first.init();
    expect((await first.list())[0]?.nextRunAt).toBe(Date.parse('2026-11-24T02:00:00.000Z'));

    const second = scheduler('bot-1');
    second.register(job({ runs, schedule: '30 9 * * *' }));
    await second.init();
    expect((await second.list())[0]).toMatchObject({
      schedule: '30 9 * * *',
      nextRunAt: start + 30 * 60_000,
    });

    const third = scheduler('bot-1');
    third.register(job({ runs, schedule: '30 9 * * *', isDueAtStart: () => Promise.resolve(true) }));
    await third.init();
    expect((await third.list())[0]?.nextRunAt).toBe(start);
    expect(await third.runDue()).toEqual(['inventory.refresh']);
  });

  it('makes a job due at start wait its start delay, then runs it', async () => {
    const runs: number[] = [];
    const startedScheduler = async (): Promise<JobScheduler> => {
      const jobs = scheduler('bot-1');
      jobs.register({
        ...job({ runs, schedule: '30 9 * * *', isDueAtStart: () => Promise.resolve(true) }),
        startDelayMs: 15_000,
      });
      await jobs.init();
      return jobs;
    };
    const jobs = await startedScheduler();
    expect((await jobs.list())[0]?.nextRunAt).toBe(start + 15_000);
    expect(await jobs.runDue()).toEqual([]);
    // A restart within the delay keeps the due time.
    const again = await startedScheduler();
    expect((await again.list())[0]?.nextRunAt).toBe(start + 15_000);
    await clock.sleep(15_000);
    expect(await again.runDue()).toEqual(['inventory.refresh']);
  });

  it('refuses bad names, bad schedules and a name registered twice; lists jobs registered elsewhere', async () => {
    const jobs = scheduler('bot-1');
    expect(() => {
      jobs.register(job({ runs: [], name: 'Bad Name' }));
    }).toThrow('Bad job name');
    expect(() => {
      jobs.register(job({ runs: [], schedule: '61 * * * *' }));
    }).toThrow('minute 61');
    jobs.register(job({ runs: [] }));
    expect(() => {
      jobs.register(job({ runs: [] }));
    }).toThrow('registered twice');
    await store.queue.enqueue({
      kind: jobQueueKind,
      key: 'joiners.ad-group',
      payload: { schedule: '*/5 * * * *', description: 'Provision the joiners of the AD group' },
      notBeforeMs: start + 5 * 60_000,
    });
    await jobs.init();
    const listed = await jobs.list();
    expect(listed.map((s) => [s.name, s.state, s.schedule])).toEqual([
      ['inventory.refresh', 'scheduled', '0 * * * *'],
      ['joiners.ad-group', 'scheduled', '*/5 * * * *'],
    ]);
    // Without registrations (the command line) the store still describes every job.
    const bare = await scheduler('cli').list();
    expect(bare.map((s) => s.description)).toEqual([
      'Refresh the permission inventory',
      'Provision the joiners of the AD group',
    ]);
    // A job not registered here is never claimed here.
    await clock.sleep(hour);
    expect(await jobs.runDue()).toEqual(['inventory.refresh']);
    expect((await store.queue.get(jobQueueKind, 'joiners.ad-group'))?.status).toBe('pending');
  });

  it('polls until stopped, aborting the job in progress', async () => {
    const jobs = new JobScheduler({
      queue: store.queue,
      clock,
      log: silentLog,
      owner: 'bot-1',
      pollMs: 60_000,
    });
    let aborted = false;
    let started!: () => void;
    const isStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    jobs.register({
      name: 'inventory.refresh',
      description: 'Refresh',
      schedule: '0 * * * *',
      isDueAtStart: () => Promise.resolve(true),
      run: (signal) =>
        new Promise<string>((_resolve, reject) => {
          started();
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('stopped'));
          });
        }),
    });
    jobs.start();
    await isStarted;
    await jobs.stop();
    expect(aborted).toBe(true);
    expect((await jobs.list())[0]?.lastRun).toMatchObject({ result: 'failed', summary: 'stopped' });
  });
});

describe('JobScheduler on PGlite (SKIP LOCKED claims)', () => {
  let store: SqlStore;
  let clock: FakeClock;
  beforeAll(async () => {
    store = await openStore();
  });
  beforeEach(() => {
    clock = new FakeClock(start);
  });
  afterAll(async () => {
    await store.close();
  });

  const scheduler = (owner: string): JobScheduler =>
    new JobScheduler({ queue: store.queue, clock, log: silentLog, owner });

  it('runs a due job once when two instances look for it at the same time', async () => {
    const runs: string[] = [];
    const workers = ['bot-1', 'bot-2'].map((owner) => {
      const jobs = scheduler(owner);
      jobs.register({
        name: 'two.workers',
        description: 'Refresh',
        schedule: '0 * * * *',
        run: async () => {
          runs.push(owner);
          await clock.sleep(60_000);
          return `by ${owner}`;
        },
      });
      return jobs;
    });
    await Promise.all(workers.map((jobs) => jobs.init()));
    await clock.sleep(hour);
    const ran = await Promise.all(workers.map((jobs) => jobs.runDue()));
    expect(ran.flat()).toEqual(['two.workers']);
    expect(runs).toHaveLength(1);
    // The next poll of either instance finds nothing due until the next hour.
    expect((await Promise.all(workers.map((jobs) => jobs.runDue()))).flat()).toEqual([]);
    const status = (await workers[1]!.list()).find((s) => s.name === 'two.workers');
    expect(status?.lastRun?.by).toBe(runs[0]);
  });

  it('lets another instance take over a job whose claim lapsed (the first instance died)', async () => {
    const runs: number[] = [];
    const jobs = scheduler('bot-2');
    jobs.register(job({ runs, name: 'taken.over', claimMs: 60_000 }));
    await jobs.init();
    await clock.sleep(hour);
    // bot-1 claimed the job and died without finishing or renewing.
    const held = await store.queue.claimKey(jobQueueKind, 'taken.over', clock.now(), 60_000);
    expect(held).not.toBeNull();
    expect(await jobs.runDue()).toEqual([]);
    expect((await jobs.list()).find((s) => s.name === 'taken.over')?.state).toBe('running');
    await clock.sleep(60_000);
    expect(await jobs.runDue()).toEqual(['taken.over']);
    expect(runs).toHaveLength(1);
    expect((await jobs.list()).find((s) => s.name === 'taken.over')).toMatchObject({
      state: 'scheduled',
      lastRun: { by: 'bot-2' },
    });
  });
});
