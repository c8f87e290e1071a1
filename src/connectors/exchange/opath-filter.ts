import { InvalidInputError } from '../../core/errors.js';

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * An OPATH string literal for an Exchange `-Filter`: single-quoted, with embedded single quotes
 * doubled (filter-properties.md). PowerShell also reads the typographic single quotes U+2018–U+201B
 * as quote characters, so they are doubled the same way. Control characters are refused. The filter
 * text itself travels as one JSON string parameter, so the only grammar to escape for is OPATH's.
 */
export function opathStringLiteral(value: string): string {
  if (CONTROL.test(value)) throw new InvalidInputError('An OPATH filter value contains control characters');
  if (value.length > 2048)
    throw new InvalidInputError('An OPATH filter value is longer than 2048 characters');
  return `'${value.replace(/['\u2018-\u201b]/g, (quote) => quote + quote)}'`;
}

/** `Property -eq 'value'` for a whitelisted property name. */
export function opathEquals(property: string, value: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(property))
    throw new InvalidInputError(`Invalid OPATH property ${property}`);
  return `${property} -eq ${opathStringLiteral(value)}`;
}
