/**
 * The OPATH `-Filter` forms the sandbox understands: one comparison `<Property> -eq '<value>'` (optionally in
 * parentheses), with `''` standing for a quote inside the value (the typographic single quotes U+2018–U+201B
 * count as quotes, as in PowerShell). The text is parsed, never evaluated: anything else is refused with a
 * filter syntax error.
 */
import { readQuotedLiteral } from '../http/quoted-literal.js';
import { invalidParameter } from './errors.js';

export type FilterProperty = 'GrantSendOnBehalfTo' | 'RecipientTypeDetails' | 'PrimarySmtpAddress' | 'Alias';

export interface MailboxFilter {
  property: FilterProperty;
  value: string;
}

const PROPERTIES: readonly FilterProperty[] = [
  'GrantSendOnBehalfTo',
  'RecipientTypeDetails',
  'PrimarySmtpAddress',
  'Alias',
];
const MAX_FILTER_LENGTH = 2048;

function syntaxError(filter: string, why: string): Error {
  return invalidParameter('Filter', `Invalid filter syntax in "${filter}": ${why}`);
}

export function parseMailboxFilter(filter: string): MailboxFilter {
  if (filter.length > MAX_FILTER_LENGTH)
    throw syntaxError(filter.slice(0, 40) + '…', 'the filter is too long.');
  let text = filter.trim();
  while (text.startsWith('(') && text.endsWith(')')) text = text.slice(1, -1).trim();
  const head = /^([A-Za-z]+)\s+-eq\s+/i.exec(text);
  if (!head) throw syntaxError(filter, "expected <Property> -eq '<value>'.");
  const name = head[1] ?? '';
  const property = PROPERTIES.find((p) => p.toLowerCase() === name.toLowerCase());
  if (!property) {
    throw syntaxError(
      filter,
      `the property '${name}' isn't supported (supported: ${PROPERTIES.join(', ')}).`,
    );
  }
  const rest = text.slice(head[0].length);
  if (!/^['\u2018-\u201b]/.test(rest)) throw syntaxError(filter, 'the value must be a single-quoted string.');
  const literal = readQuotedLiteral(rest, 0, 'powershell');
  if (!literal) throw syntaxError(filter, 'the quoted value is not terminated.');
  const { value, end } = literal;
  if (rest.slice(end).trim() !== '') throw syntaxError(filter, 'unexpected text after the comparison.');
  if (property === 'GrantSendOnBehalfTo' && !/^CN=/i.test(value)) {
    throw syntaxError(filter, 'GrantSendOnBehalfTo must be compared with a distinguished name (DN).');
  }
  return { property, value };
}
