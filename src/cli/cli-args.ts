/** Command-line parsing shared by the subcommands: node's `parseArgs`, its errors turned into usage errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliUsageError } from './cli-command.js';

export function parseCliArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
}

/** What the batch subcommands (`offboard`, `provision`) take: a CSV file, a dry run unless `--execute`. */
export interface BatchOptions {
  from: string;
  isExecute: boolean;
  isJson: boolean;
  concurrency?: number;
  /** `--option name=value`, as written (only where `acceptsOptions`). */
  optionPairs: string[];
}

/**
 * `--from <file> [--execute] [--json] [--concurrency N]`, and `--option name=value` (repeatable) where
 * `acceptsOptions`. `file` names the expected CSV in the usage error; `maxConcurrency` caps
 * `--concurrency`.
 */
export function parseBatchOptions(
  args: readonly string[],
  limits: { file: string; maxConcurrency: number; acceptsOptions?: boolean },
): BatchOptions {
  const { values } = parseCliArgs({
    args: [...args],
    options: {
      from: { type: 'string' },
      execute: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      concurrency: { type: 'string' },
      ...(limits.acceptsOptions === true && { option: { type: 'string', multiple: true } }),
    },
    strict: true,
  });
  if (!values.from) throw new CliUsageError(`--from <${limits.file}> is required`);
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  const max = limits.maxConcurrency;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > max)) {
    throw new CliUsageError(`--concurrency must be a whole number from 1 to ${max}`);
  }
  return {
    from: values.from,
    isExecute: values.execute,
    isJson: values.json,
    ...(concurrency && { concurrency }),
    optionPairs: optionPairsOf(values),
  };
}

function optionPairsOf(values: Record<string, unknown>): string[] {
  const pairs = values['option'];
  return Array.isArray(pairs) ? pairs.map(String) : [];
}
