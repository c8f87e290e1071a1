/**
 * Validates revoke summaries against the published JSON Schema (schemas/revoke-summary.schema.json)
 * before they leave the process (ticket webhook, exports) and in tests.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { RevokeSummary } from './revoke-summary.js';

const schemaFile = join('schemas', 'revoke-summary.schema.json');

/** Finds the schema from this module upwards, so it works from src/ (tsx) and from dist/ alike. */
export function revokeSummarySchemaPath(start = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, schemaFile);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`${schemaFile} not found above ${start}`);
  }
}

export function loadRevokeSummarySchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(revokeSummarySchemaPath(), 'utf8')) as Record<string, unknown>;
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats.default(ajv);
    compiled = ajv.compile(loadRevokeSummarySchema());
  }
  return compiled;
}

export type SummaryValidation = { isValid: true } | { isValid: false; errors: string[] };

function describeErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
}

export function validateRevokeSummary(value: unknown): SummaryValidation {
  const validate = validator();
  if (validate(value)) return { isValid: true };
  return { isValid: false, errors: describeErrors(validate.errors) };
}

/** Throws when the summary breaks the contract: a bug in the summary builder, never the user's input. */
export function assertValidRevokeSummary(value: unknown): asserts value is RevokeSummary {
  const result = validateRevokeSummary(value);
  if (!result.isValid)
    throw new Error(`Revoke summary does not match its schema: ${result.errors.join('; ')}`);
}
