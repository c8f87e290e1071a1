/**
 * A progress bar on stderr: redrawn in place on a terminal, one line per 10 % otherwise (logs, CI),
 * so stdout keeps only the plan and the report.
 */
import type { CliIo } from './cli-command.js';

export interface ProgressBar {
  update(done: number, total: number): void;
  finish(): void;
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
  const render = (done: number, total: number): string => {
    const ratio = total === 0 ? 1 : done / total;
    const filled = Math.round(ratio * width);
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${seconds} s`;
  };
  return {
    update(done, total) {
      last = render(done, total);
      if (isTty) {
        stream.write(`\r${last}`);
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
