/**
 * A progress bar on stderr: redrawn in place on a terminal, one line per 10 % otherwise (logs, CI),
 * so stdout keeps only the plan and the report.
 */
import type { Plan, Step } from '../core/step.js';
import type { CliIo } from './cli-command.js';

export interface ProgressBar {
  /** `detail` follows the counts (failures, 429s, ETA). */
  update(done: number, total: number, detail?: string): void;
  finish(): void;
}

/**
 * Writes a plan sends to a system: one per change, except a step that applies its changes together
 * (`applyTogether`: one call for all of them). The count the binding budget's ETA is based on.
 */
export function plannedWrites(plan: Plan, steps: readonly Step[], system: Step['system']): number {
  const byId = new Map(steps.map((s) => [s.id, s]));
  let writes = 0;
  for (const planned of plan.steps) {
    if (planned.system !== system || planned.skippedReason !== undefined) continue;
    const n = planned.changes.length;
    writes += n > 1 && byId.get(planned.stepId)?.applyTogether ? 1 : n;
  }
  return writes;
}

export interface BulkProgress {
  failed: number;
  /** 429s answered to the batch's paced writes so far. */
  throttled: number;
  /** Time the remaining writes of the binding budget need at its rate; undefined when not paced. */
  etaMs?: number;
  /** The binding budget's name, shown with the ETA. */
  budget?: string;
}

/** "2 failed · 0 × 429 on writes · ETA 3 min 20 s (exchange destructive cmdlets)". */
export function bulkProgressText(p: BulkProgress): string {
  const parts = [`${p.failed} failed`, `${p.throttled} × 429 on writes`];
  if (p.etaMs !== undefined) {
    const seconds = Math.ceil(p.etaMs / 1000);
    const eta = seconds >= 60 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds} s`;
    parts.push(`ETA ${eta}${p.budget ? ` (${p.budget})` : ''}`);
  }
  return parts.join(' · ');
}

const width = 30;

export function progressBar(
  io: CliIo,
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressBar {
  const isTty = stream.isTTY;
  const startedAt = Date.now();
  let lastDecile = -1;
  let last = '';
  const render = (done: number, total: number, detail?: string): string => {
    const ratio = total === 0 ? 1 : done / total;
    const filled = Math.round(ratio * width);
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    const bar = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${seconds} s`;
    return detail ? `${bar} · ${detail}` : bar;
  };
  return {
    update(done, total, detail) {
      const previous = last;
      last = render(done, total, detail);
      if (isTty) {
        stream.write(`\r${last}${' '.repeat(Math.max(0, previous.length - last.length))}`);
        return;
      }
      const decile = total === 0 ? 10 : Math.floor((done / total) * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        io.err(last);
      }
    },
    finish() {
      if (isTty && last !== '') stream.write('\n');
    },
  };
}
