/**
 * The bot's command metadata (`appPackage/commands.json`), the single source for the manifest's
 * command lists. Each entry is `{ name, usage, description }`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CommandInfo {
  /** The first word the user types, lower case. */
  name: string;
  /** The full syntax, for example `offboard <upn | name>`. */
  usage: string;
  description: string;
}

/** Teams shows at most 12 commands per command list. */
export const MAX_COMMANDS = 12;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Check the shape of `commands.json`; throws with every problem listed. */
export function parseCommands(json: unknown, source = 'appPackage/commands.json'): CommandInfo[] {
  if (!Array.isArray(json)) throw new Error(`${source} must be a JSON array`);
  const problems: string[] = [];
  const commands: CommandInfo[] = [];
  json.forEach((item: unknown, i) => {
    if (!isRecord(item)) {
      problems.push(`[${i}] must be an object`);
      return;
    }
    const { name, usage, description } = item;
    const extra = Object.keys(item).filter((k) => !['name', 'usage', 'description'].includes(k));
    if (typeof name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(name))
      problems.push(`[${i}].name must be one lower-case word`);
    if (
      typeof usage !== 'string' ||
      typeof name !== 'string' ||
      !(usage === name || usage.startsWith(`${name} `))
    ) {
      problems.push(`[${i}].usage must start with the command name`);
    }
    if (typeof description !== 'string' || description.trim() === '')
      problems.push(`[${i}].description is required`);
    if (extra.length > 0) problems.push(`[${i}] has unknown keys: ${extra.join(', ')}`);
    if (typeof name === 'string' && typeof usage === 'string' && typeof description === 'string') {
      commands.push({ name, usage, description });
    }
  });
  const names = commands.map((c) => c.name);
  const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
  if (duplicates.length > 0) problems.push(`duplicate command names: ${[...new Set(duplicates)].join(', ')}`);
  if (commands.length > MAX_COMMANDS)
    problems.push(`at most ${MAX_COMMANDS} commands fit in a Teams command list`);
  if (problems.length > 0) throw new Error(`${source}:\n  - ${problems.join('\n  - ')}`);
  return commands;
}

export function loadCommands(appPackageDir: string): CommandInfo[] {
  const path = join(appPackageDir, 'commands.json');
  return parseCommands(JSON.parse(readFileSync(path, 'utf8')) as unknown);
}

/** The description a manifest command carries: the text, plus the syntax when the command takes an argument. */
export function manifestCommandDescription(command: CommandInfo): string {
  return command.usage === command.name
    ? command.description
    : `${command.description}. Usage: ${command.usage}`;
}
