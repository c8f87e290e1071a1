/**
 * `lifecycle jobs [--json]`: the scheduled jobs with their schedule, last run and result, and next run,
 * read from the store configured by DATABASE_URL or DATA_DIR (the same store every instance uses).
 */
import { loadStoreConfig } from '../app/config.js';
import { systemClock } from '../core/ports/clock.js';
import { silentLog } from '../core/ports/log.js';
import { jobLines } from '../core/schedule/job-lines.js';
import { JobScheduler } from '../core/schedule/scheduler.js';
import { openStore } from '../store/index.js';
import { parseCliArgs } from './cli-args.js';
import type { CliCommand } from './cli-command.js';

export const jobsCli: CliCommand = {
  summary: 'Scheduled jobs: last run, result and next run',
  usage: 'lifecycle jobs [--json]',
  async run(args, io) {
    const parsed = parseCliArgs({
      args: [...args],
      options: { json: { type: 'boolean', default: false } },
      allowPositionals: false,
      strict: true,
    });
    const config = loadStoreConfig();
    const store = await openStore(
      config.databaseUrl
        ? {
            databaseUrl: config.databaseUrl,
            ...(config.migrationUrl && { migrationUrl: config.migrationUrl }),
          }
        : { dataDir: config.dataDir },
    );
    try {
      const scheduler = new JobScheduler({
        queue: store.queue,
        clock: systemClock,
        log: silentLog,
        owner: 'cli',
      });
      const jobs = await scheduler.list();
      if (parsed.values.json) {
        io.out(JSON.stringify(jobs, null, 2));
        return 0;
      }
      if (jobs.length === 0) {
        io.out('No scheduled jobs yet (the bot registers them when it starts).');
        return 0;
      }
      const now = systemClock.now();
      io.out(
        jobs
          .map((job) => {
            const lines = jobLines(job, now);
            return `${lines.title}\n  ${lines.lastRun}\n  ${lines.nextRun}`;
          })
          .join('\n\n'),
      );
      return 0;
    } finally {
      await store.close();
    }
  },
};
