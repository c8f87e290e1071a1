/**
 * Agents Toolkit placeholders: `${{NAME}}` inside manifest strings, replaced with values from the
 * environment file. Substitution walks the parsed JSON, so a value can never break the JSON syntax.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export class MissingVariablesError extends Error {
  constructor(
    readonly names: readonly string[],
    readonly source: string,
  ) {
    super(
      `${source} has no value for ${names.map((n) => `\${{${n}}}`).join(', ')}: ` +
        `set ${names.length === 1 ? 'it' : 'them'} in the environment file`,
    );
    this.name = 'MissingVariablesError';
  }
}

function visitStrings(value: JsonValue, visit: (s: string) => string): JsonValue {
  if (typeof value === 'string') return visit(value);
  if (Array.isArray(value)) return value.map((v) => visitStrings(v, visit));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visitStrings(v, visit)]));
  }
  return value;
}

/** Names of every placeholder in the value, in first-seen order. */
export function listPlaceholders(value: JsonValue): string[] {
  const names = new Set<string>();
  visitStrings(value, (s) => {
    for (const m of s.matchAll(PLACEHOLDER)) names.add(m[1]!);
    return s;
  });
  return [...names];
}

/**
 * Replace every `${{NAME}}`. An unset or empty variable is an error; all of them are reported at once.
 * @param source names the environment in the error message (for example `env/.env.dev`).
 */
export function substitutePlaceholders(
  value: JsonValue,
  variables: ReadonlyMap<string, string>,
  source: string,
): JsonValue {
  const missing = listPlaceholders(value).filter((name) => !variables.get(name));
  if (missing.length > 0) throw new MissingVariablesError(missing, source);
  return visitStrings(value, (s) => s.replace(PLACEHOLDER, (_m, name: string) => variables.get(name)!));
}
