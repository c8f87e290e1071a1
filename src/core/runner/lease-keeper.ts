/**
 * Keeps a run's lease alive while it executes. A heartbeat the store refuses, or no successful
 * heartbeat before the lease runs out, means another owner may take the run: `onLost` is called once.
 */
import { describeError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { RunStore } from '../ports/store.js';
import type { RunnerLogger } from './events.js';
import { sleepUnlessAborted } from './retrying.js';

export interface LeaseKeeperOptions {
  runs: RunStore;
  runId: string;
  owner: string;
  leaseMs: number;
  heartbeatMs: number;
  clock: Clock;
  logger: RunnerLogger;
  onLost: () => void;
}

export interface LeaseKeeper {
  /** Stops heartbeating and waits for a heartbeat in flight. */
  stop(): Promise<void>;
}

export function keepLease(options: LeaseKeeperOptions): LeaseKeeper {
  const { runs, runId, owner, leaseMs, heartbeatMs, clock, logger } = options;
  const controller = new AbortController();
  const loop = async (): Promise<void> => {
    let heldUntilMs = clock.now() + leaseMs;
    while (await sleepUnlessAborted(clock, heartbeatMs, controller.signal)) {
      const nowMs = clock.now();
      let isHeld: boolean;
      try {
        isHeld = await runs.heartbeat(runId, owner, leaseMs, nowMs);
        if (isHeld) heldUntilMs = nowMs + leaseMs;
      } catch (error) {
        // The store is unreachable: the lease stays ours if it outlives the next beat; try again then.
        logger.warn({ err: describeError(error), runId }, 'Run lease heartbeat failed');
        isHeld = clock.now() + heartbeatMs < heldUntilMs;
      }
      if (!isHeld) {
        if (!controller.signal.aborted) options.onLost();
        return;
      }
    }
  };
  const running = loop().catch((error: unknown) => {
    // Without heartbeats the lease will lapse: stop applying rather than race a new owner.
    logger.warn({ err: describeError(error), runId }, 'Run lease keeper stopped');
    if (!controller.signal.aborted) options.onLost();
  });
  return {
    stop: async () => {
      controller.abort();
      await running;
    },
  };
}
