/**
 * Single-quoted literals as Graph `$filter` (OData) and Exchange `-Filter` (OPATH) write them: a quote inside
 * the value is written twice (`'O''Brien'`). The text is only read, never evaluated.
 */

/**
 * `ascii`: only `'` quotes (OData). `powershell`: PowerShell, and so OPATH, also reads the typographic
 * single quotes U+2018–U+201B as quotes: any of them ends the literal, and two in a row stand for one.
 */
export type QuoteSet = 'ascii' | 'powershell';

const isPowerShellQuote = (ch: string): boolean => ch === "'" || (ch >= '\u2018' && ch <= '\u201b');

/**
 * Reads the literal whose opening quote is at `start`: its value and the index just after its closing quote,
 * or null when the text ends before the literal does.
 */
export function readQuotedLiteral(
  text: string,
  start: number,
  quotes: QuoteSet = 'ascii',
): { value: string; end: number } | null {
  const isQuote = quotes === 'ascii' ? (ch: string) => ch === "'" : isPowerShellQuote;
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (!isQuote(ch)) {
      value += ch;
      i += 1;
    } else if (isQuote(text.charAt(i + 1))) {
      value += ch;
      i += 2;
    } else {
      return { value, end: i + 1 };
    }
  }
  return null;
}
