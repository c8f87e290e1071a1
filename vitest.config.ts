import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Test files run in parallel worker processes. Most of the suite waits on real components (the sandbox
 * at its simulated latencies, a Samba DC, PostgreSQL, Chromium, child processes killed and restarted),
 * not on the CPU, so it runs more files at once than there are cores: by default one more than the
 * cores, at least three. `LIFECYCLE_TEST_WORKERS` overrides it (1 runs the files one after another).
 */
const workers = Number(process.env['LIFECYCLE_TEST_WORKERS'] ?? Math.max(3, availableParallelism() + 1));

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: workers, minForks: 1 } },
    reporters: ['default'],
  },
});
