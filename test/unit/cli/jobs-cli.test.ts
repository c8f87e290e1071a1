import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jobsCli } from '../../../src/cli/jobs-cli.js';
import { JobScheduler } from '../../../src/core/schedule/scheduler.js';
import { silentLog } from '../../../src/core/ports/log.js';
import { openStore } from '../../../src/store/index.js';
import { FakeClock } from '../core/support/fake-clock.js';

describe('lifecycle jobs', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lifecycle-jobs-'));
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the jobs the bot registered with their last run, result and next run', async () => {
    process.env['DATA_DIR'] = dataDir;
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    expect(await jobsCli.run([], io)).toBe(0);
    expect(out.join('\n')).toContain('No scheduled jobs yet');

    const store = await openStore({ dataDir });
    const clock = new FakeClock(Date.parse('2026-11-23T09:00:00.000Z'));
    const bot = new JobScheduler({ queue: store.queue, clock, log: silentLog, owner: 'bot-1' });
    bot.register({
      name: 'revoke.inventory',
      description: 'Refresh the inventory of rights on other mailboxes',
      schedule: '0 * * * *',
      isDueAtStart: () => Promise.resolve(true),
      run: () => Promise.resolve('442 mailboxes listed, 442 scanned (442 new, 0 gone) in 46 s'),
    });
    await bot.init();
    await bot.runDue();
    await store.close();

    out.length = 0;
    expect(await jobsCli.run([], io)).toBe(0);
    const text = out.join('\n');
    expect(text).toContain(
      'revoke.inventory (0 * * * *) — Refresh the inventory of rights on other mailboxes',
    );
    expect(text).toContain(
      'Last run: 2026-11-23 09:00 UTC, succeeded after 0 s on bot-1: 442 mailboxes listed',
    );
    expect(text).toContain('Next run: 2026-11-23 10:00 UTC');

    out.length = 0;
    expect(await jobsCli.run(['--json'], io)).toBe(0);
    const listed = JSON.parse(out.join('')) as { name: string; lastRun: { result: string } }[];
    expect(listed).toMatchObject([{ name: 'revoke.inventory', lastRun: { result: 'succeeded' } }]);
    await expect(jobsCli.run(['--bogus'], io)).rejects.toThrow();
  }, 180_000);
});
