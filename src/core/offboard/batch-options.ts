/**
 * Options chosen once for a whole batch of leavers (`lifecycle offboard --from … --option key=value`):
 * every leaver of the batch is offboarded with the checklist's defaults and these choices. Two options
 * stay per person and are refused here: `forwardTo` (an address for one leaver's mail) and
 * `wipeCorporateDevices` (a wipe needs a second approver, which a batch approved as one can't give).
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors.js';
import { offboardOptionsSchema, type OffboardOptions } from './offboard-input.js';

const perPerson = ['forwardTo', 'wipeCorporateDevices'] as const;

const fields = offboardOptionsSchema.omit({ forwardTo: true, wipeCorporateDevices: true }).shape;

/** The options a batch chose, and only those (the others keep the checklist's defaults). */
export type BatchOptions = Partial<Omit<OffboardOptions, (typeof perPerson)[number]>>;

/** The option names a batch accepts, for messages and the usage text. */
export const batchOptionNames: readonly string[] = Object.keys(fields).sort();

/**
 * A leaver's options in a batch: the checklist's defaults, then the batch's choices. The stored
 * choices are validated again here (the schema is strict), so a stored value never bypasses it.
 */
export function withBatchOptions(batch: BatchOptions | undefined): OffboardOptions {
  for (const name of perPerson) {
    if (batch !== undefined && name in batch)
      throw new InvalidInputError(`${name} can't be chosen for a batch`);
  }
  return offboardOptionsSchema.parse(batch ?? {});
}

/** A value typed as written: `true`, `false`, `null`, a whole number, else text. */
function typedValue(raw: string): unknown {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw === 'null') return null;
  if (/^-?\d{1,9}$/.test(raw)) return Number(raw);
  return raw;
}

/**
 * `key=value` pairs (the command line's `--option`) as batch options. Throws InvalidInputError naming
 * the first pair that is malformed, repeated, unknown, kept per person, or of the wrong type.
 */
export function parseBatchOptionPairs(pairs: readonly string[]): BatchOptions {
  const chosen: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new InvalidInputError(`--option ${pair}: write it as name=value`);
    const name = pair.slice(0, at).trim();
    if ((perPerson as readonly string[]).includes(name)) {
      throw new InvalidInputError(`--option ${name}: chosen per leaver in Teams, not for a whole batch`);
    }
    // Own keys only: `constructor` or `__proto__` must be unknown names, not the prototype's.
    const field = Object.hasOwn(fields, name)
      ? (fields as Record<string, z.ZodType | undefined>)[name]
      : undefined;
    if (field === undefined) {
      throw new InvalidInputError(
        `--option ${name}: no such option; the options are ${batchOptionNames.join(', ')}`,
      );
    }
    if (name in chosen) throw new InvalidInputError(`--option ${name} is given twice`);
    const raw = pair.slice(at + 1).trim();
    // Typed first (true, 30, null); text options take the text as written.
    const parsed = [typedValue(raw), raw].map((value) => field.safeParse(value)).find((r) => r.success);
    if (parsed === undefined) {
      const issue = field.safeParse(typedValue(raw)).error?.issues[0];
      throw new InvalidInputError(`--option ${name}=${raw}: ${issue?.message ?? 'invalid value'}`);
    }
    chosen[name] = parsed.data;
  }
  return chosen;
}

/**
 * `--option name=value` or `--option name="text with spaces"` in a chat command (phone keyboards type
 * “curly” quotes).
 */
const optionArgument = /(?:^|\s)--option\s+([^\s=]+=(?:"[^"]*"|“[^”]*”|\S*))/g;

/**
 * Splits a chat command's argument into its `--option` pairs (quotes around a value removed) and the
 * rest (the list of leavers, `--from`). A `--option` with nothing usable after it stays in the rest,
 * where it makes the list invalid rather than being dropped silently.
 */
export function splitOptionArguments(argument: string): { rest: string; pairs: string[] } {
  const pairs: string[] = [];
  const rest = argument.replace(optionArgument, (_whole, pair: string) => {
    const at = pair.indexOf('=');
    const value = pair.slice(at + 1);
    const isQuoted = /^(?:".*"|“.*”)$/s.test(value);
    pairs.push(isQuoted ? `${pair.slice(0, at + 1)}${value.slice(1, -1)}` : pair);
    return ' ';
  });
  return { rest: rest.trim(), pairs };
}

/** `name=value` for each chosen option, sorted, for the plan and the report. */
export function batchOptionsText(options: BatchOptions): string[] {
  return Object.entries(options)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
}

/** One line: the options chosen, or the checklist's defaults when none was. */
export function batchOptionsSummary(options: BatchOptions): string {
  const chosen = batchOptionsText(options);
  return chosen.length === 0
    ? "the leaver checklist's defaults"
    : `${chosen.join(', ')}; the others the checklist's defaults`;
}
