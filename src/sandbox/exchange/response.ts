/**
 * Success bodies in the shape the gateway returns: `@odata.context`, warnings (beta always, v2.0 only when
 * there are some), `value` (cmdlet objects with `@odata.type` / `@data.type` annotations on typed properties)
 * and `@odata.nextLink` when more pages exist.
 */
import type { JsonValue } from './envelope.js';

export type ExoObject = { [key: string]: JsonValue };

/** Builds one cmdlet output object with the annotations Exchange puts next to typed properties. */
export class ExoObjectBuilder {
  private readonly o: ExoObject = {};

  value(name: string, v: string | number | boolean | null): this {
    this.o[name] = v;
    return this;
  }

  strings(name: string, v: readonly string[]): this {
    this.o[`${name}@odata.type`] = '#Collection(String)';
    this.o[name] = [...v];
    return this;
  }

  guid(name: string, v: string): this {
    this.o[`${name}@data.type`] = 'System.Guid';
    this.o[`${name}@odata.type`] = '#Guid';
    this.o[name] = v;
    return this;
  }

  /** ISO time → `yyyy-MM-ddTHH:mm:ss.fffffff+00:00`, as Exchange serialises DateTime. */
  dateTime(name: string, iso: string | null): this {
    this.o[`${name}@data.type`] = 'System.DateTime';
    this.o[name] = iso === null ? null : exchangeDateTime(iso);
    return this;
  }

  objects(name: string, v: ExoObject[]): this {
    this.o[name] = v;
    return this;
  }

  build(): ExoObject {
    return this.o;
  }
}

export function exchangeDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19)}.${String(d.getUTCMilliseconds()).padStart(3, '0')}0000+00:00`;
}

/** Reads `$select=A,B` names (case-insensitive); null when absent. */
export function parseSelect(raw: string | null): string[] | null {
  if (raw === null) return null;
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return names.length === 0 ? null : names;
}

/** Keeps only the selected properties (and their annotations), in the object's own order. */
export function selectProperties(obj: ExoObject, select: readonly string[] | null): ExoObject {
  if (select === null) return obj;
  const wanted = new Set(select.map((s) => s.toLowerCase()));
  const out: ExoObject = {};
  for (const [key, v] of Object.entries(obj)) {
    const at = key.indexOf('@');
    const base = (at >= 0 ? key.slice(0, at) : key).toLowerCase();
    if (wanted.has(base)) out[key] = v;
  }
  return out;
}

export interface SuccessBodyInput {
  contextUrl: string;
  /** Beta always carries the warnings annotation; v2.0 only when there are warnings. */
  alwaysIncludeWarnings: boolean;
  warnings: readonly string[];
  value: ExoObject[];
  nextLink: string | null;
}

export function successBody(input: SuccessBodyInput): ExoObject {
  const body: ExoObject = { '@odata.context': input.contextUrl };
  if (input.alwaysIncludeWarnings || input.warnings.length > 0) {
    body['adminapi.warnings@odata.type'] = '#Collection(String)';
    body['@adminapi.warnings'] = [...input.warnings];
  }
  body['value'] = input.value;
  if (input.nextLink !== null) body['@odata.nextLink'] = input.nextLink;
  return body;
}
