/**
 * Parameter binding: raw JSON parameters against a cmdlet's whitelist, with PowerShell-like conversions
 * (case-insensitive names, a single string where a list is accepted, `{"add":…,"remove":…}` hashtables).
 */
import type { CmdletRequest, JsonValue, RawParameter } from './envelope.js';
import { isJsonObject } from './envelope.js';
import { invalidParameter, parameterMissing, parameterNotFound } from './errors.js';

export type ParamKind =
  | 'string'
  /** A string, or JSON null to clear the value. */
  | 'nullableString'
  | 'bool'
  /** A string or an array of strings. */
  | 'stringList'
  /** A positive integer or "Unlimited". */
  | 'resultSize'
  /** Days as an integer (or numeric string) or "Unlimited". */
  | 'duration'
  /** A multi-valued property: an array (overwrite) or a `{add, remove}` hashtable (incremental). */
  | 'multiValued';

export interface ParamSpec {
  name: string;
  kind: ParamKind;
  isMandatory?: boolean;
  /** Allowed values (case-insensitive) for string and stringList parameters; bound to this spelling. */
  values?: readonly string[];
}

export type Limit = number | 'Unlimited';

export interface MultiValuedChange {
  /** Overwrite with this list (array form), or null for the incremental form. */
  replace: string[] | null;
  add: string[];
  remove: string[];
}

type Bound =
  | { kind: 'string'; value: string }
  | { kind: 'null' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'list'; value: string[] }
  | { kind: 'limit'; value: Limit }
  | { kind: 'change'; value: MultiValuedChange };

/** Parameters bound to one cmdlet's specs; getters take the spec's canonical name. */
export class BoundParameters {
  constructor(private readonly values: ReadonlyMap<string, Bound>) {}

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** The names that were bound, canonical spelling. */
  names(): string[] {
    return [...this.values.keys()];
  }

  string(name: string): string | undefined {
    const b = this.values.get(name);
    if (b === undefined || b.kind === 'null') return undefined;
    if (b.kind === 'string') return b.value;
    throw new Error(`parameter ${name} is not a string`);
  }

  requiredString(name: string): string {
    const s = this.string(name);
    if (s === undefined) throw new Error(`mandatory parameter ${name} was not checked`);
    return s;
  }

  /** Undefined when absent, null when sent as JSON null. */
  nullableString(name: string): string | null | undefined {
    const b = this.values.get(name);
    if (b === undefined) return undefined;
    if (b.kind === 'null') return null;
    return this.string(name);
  }

  bool(name: string): boolean | undefined {
    const b = this.values.get(name);
    if (b === undefined) return undefined;
    if (b.kind === 'bool') return b.value;
    throw new Error(`parameter ${name} is not a boolean`);
  }

  list(name: string): string[] | undefined {
    const b = this.values.get(name);
    if (b === undefined) return undefined;
    if (b.kind === 'list') return b.value;
    throw new Error(`parameter ${name} is not a list`);
  }

  limit(name: string): Limit | undefined {
    const b = this.values.get(name);
    if (b === undefined) return undefined;
    if (b.kind === 'limit') return b.value;
    throw new Error(`parameter ${name} is not a limit`);
  }

  change(name: string): MultiValuedChange | undefined {
    const b = this.values.get(name);
    if (b === undefined) return undefined;
    if (b.kind === 'change') return b.value;
    throw new Error(`parameter ${name} is not a multi-valued change`);
  }
}

/** Binds the request's parameters to `specs`; any parameter outside the whitelist is refused. */
export function bindParameters(
  request: CmdletRequest,
  cmdletName: string,
  specs: readonly ParamSpec[],
): BoundParameters {
  const byLower = new Map(specs.map((s) => [s.name.toLowerCase(), s]));
  const bound = new Map<string, Bound>();
  for (const [lower, raw] of request.parameters) {
    const spec = byLower.get(lower);
    if (!spec) throw parameterNotFound(raw.name);
    bound.set(spec.name, bindOne(spec, raw));
  }
  for (const spec of specs) {
    if (spec.isMandatory && !bound.has(spec.name)) throw parameterMissing(cmdletName, spec.name);
  }
  return new BoundParameters(bound);
}

function describe(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}

function toText(spec: ParamSpec, value: JsonValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw invalidParameter(spec.name, `Cannot convert ${describe(value)} to the type "System.String".`);
}

function checkAllowed(spec: ParamSpec, text: string): string {
  if (!spec.values) return text;
  const match = spec.values.find((v) => v.toLowerCase() === text.toLowerCase());
  if (match === undefined) {
    throw invalidParameter(
      spec.name,
      `"${text}" is not a valid value. Valid values: ${spec.values.join(', ')}.`,
    );
  }
  return match;
}

function toList(spec: ParamSpec, value: JsonValue): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.map((v) => checkAllowed(spec, toText(spec, v)));
}

function toLimit(spec: ParamSpec, value: JsonValue, what: string): Limit {
  if (typeof value === 'string' && value.toLowerCase() === 'unlimited') return 'Unlimited';
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d{1,9}$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isInteger(n) || n < (what === 'days' ? 0 : 1)) {
    throw invalidParameter(
      spec.name,
      `${describe(value)} is not a valid ${what} value: use a whole number or "Unlimited".`,
    );
  }
  return n;
}

function toChange(spec: ParamSpec, raw: RawParameter): MultiValuedChange {
  const value = raw.value;
  if (!isJsonObject(value))
    return { replace: value === null ? [] : toList(spec, value), add: [], remove: [] };
  const change: MultiValuedChange = { replace: null, add: [], remove: [] };
  for (const [key, v] of Object.entries(value)) {
    const k = key.toLowerCase();
    if (k === '@odata.type') {
      if (v !== '#Exchange.GenericHashTable') {
        throw invalidParameter(
          spec.name,
          `The hashtable type ${describe(v)} isn't supported: use #Exchange.GenericHashTable.`,
        );
      }
    } else if (k === 'add' || k === 'remove') {
      if (v === null) continue;
      change[k].push(...toList(spec, v));
    } else {
      throw invalidParameter(spec.name, `The hashtable key '${key}' isn't valid: use Add or Remove.`);
    }
  }
  return change;
}

function toBool(spec: ParamSpec, value: JsonValue): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw invalidParameter(spec.name, `Cannot convert ${describe(value)} to the type "System.Boolean".`);
}

function bindOne(spec: ParamSpec, raw: RawParameter): Bound {
  const value = raw.value;
  switch (spec.kind) {
    case 'string':
      return { kind: 'string', value: checkAllowed(spec, toText(spec, value)) };
    case 'nullableString':
      return value === null
        ? { kind: 'null' }
        : { kind: 'string', value: checkAllowed(spec, toText(spec, value)) };
    case 'bool':
      return { kind: 'bool', value: toBool(spec, value) };
    case 'stringList':
      return { kind: 'list', value: toList(spec, value) };
    case 'resultSize':
      return { kind: 'limit', value: toLimit(spec, value, 'ResultSize') };
    case 'duration':
      return { kind: 'limit', value: toLimit(spec, value, 'days') };
    case 'multiValued':
      return { kind: 'change', value: toChange(spec, raw) };
  }
}
