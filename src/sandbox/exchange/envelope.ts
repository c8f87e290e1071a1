/**
 * The request envelope both Exchange surfaces take: `{"CmdletInput":{"CmdletName":"Verb-Noun","Parameters":{…}}}`.
 * Parameters stay data from here on: names are matched case-insensitively against a whitelist and values are
 * bound to typed parameters; nothing is ever parsed as a command.
 */
import { badRequest } from './errors.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface RawParameter {
  /** The name as sent. */
  name: string;
  value: JsonValue;
  /** The `Name@odata.type` annotation sent next to it, if any. */
  odataType: string | null;
}

export interface CmdletRequest {
  /** The cmdlet name as sent (Exchange matches it case-insensitively). */
  cmdletName: string;
  /** Keyed by lower-case parameter name. */
  parameters: Map<string, RawParameter>;
}

const CMDLET_NAME = /^[A-Za-z]{2,40}-[A-Za-z]{2,80}$/;
const PARAMETER_NAME = /^[A-Za-z][A-Za-z0-9]{0,127}$/;
const ANNOTATION_SUFFIX = '@odata.type';

export function isJsonObject(value: unknown): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function findKey(obj: { [key: string]: JsonValue }, wanted: string): string | undefined {
  return Object.keys(obj).find((k) => k.toLowerCase() === wanted.toLowerCase());
}

/** Validates the envelope and returns the cmdlet name and its raw parameters. Throws a 400 cmdlet error. */
export function parseEnvelope(body: unknown): CmdletRequest {
  if (!isJsonObject(body))
    throw badRequest('The request body must be a JSON object with a CmdletInput property.');
  const inputKey = findKey(body, 'CmdletInput');
  const input = inputKey === undefined ? undefined : body[inputKey];
  if (!isJsonObject(input)) throw badRequest('The request body must contain a CmdletInput object.');
  const nameKey = findKey(input, 'CmdletName');
  const cmdletName = nameKey === undefined ? undefined : input[nameKey];
  if (typeof cmdletName !== 'string' || !CMDLET_NAME.test(cmdletName)) {
    throw badRequest('CmdletInput.CmdletName must be a cmdlet name of the form Verb-Noun.');
  }
  const paramsKey = findKey(input, 'Parameters');
  const params = paramsKey === undefined ? {} : input[paramsKey];
  if (params === null) return { cmdletName, parameters: new Map() };
  if (!isJsonObject(params)) throw badRequest('CmdletInput.Parameters must be a JSON object.');
  return { cmdletName, parameters: readParameters(params) };
}

function readParameters(params: { [key: string]: JsonValue }): Map<string, RawParameter> {
  const out = new Map<string, RawParameter>();
  const annotations = new Map<string, string>();
  for (const [key, value] of Object.entries(params)) {
    if (key.toLowerCase().endsWith(ANNOTATION_SUFFIX)) {
      const target = key.slice(0, -ANNOTATION_SUFFIX.length);
      if (typeof value !== 'string') throw badRequest(`The annotation '${key}' must be a string.`);
      annotations.set(target.toLowerCase(), value);
      continue;
    }
    if (!PARAMETER_NAME.test(key)) throw badRequest(`'${key}' is not a valid parameter name.`);
    const lower = key.toLowerCase();
    if (out.has(lower)) throw badRequest(`The parameter '${key}' was specified more than once.`);
    out.set(lower, { name: key, value, odataType: null });
  }
  for (const [target, type] of annotations) {
    const p = out.get(target);
    if (!p) throw badRequest(`The annotation '${target}@odata.type' has no parameter next to it.`);
    p.odataType = type;
  }
  return out;
}
