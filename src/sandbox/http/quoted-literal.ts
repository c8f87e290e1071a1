/**
 * Single-quoted literals as Graph `$filter` (OData) and Exchange `-Filter` (OPATH) write them: a quote inside
 * the value is written twice (`'O''Brien'`). The text is only read, never evaluated.
 */

/**
 * Reads the literal whose opening quote is at `start`: its value and the index just after its closing quote,
 * or null when the text ends before the literal does.
 */
export function readQuotedLiteral(text: string, start: number): { value: string; end: number } | null {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (ch !== "'") {
      value += ch;
      i += 1;
    } else if (text.charAt(i + 1) === "'") {
      value += "'";
      i += 2;
    } else {
      return { value, end: i + 1 };
    }
  }
  return null;
}
