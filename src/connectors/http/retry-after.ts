/**
 * Parses an HTTP `Retry-After` value into milliseconds.
 *
 * Graph and SharePoint send whole seconds, the Exchange admin API may send fractional seconds, and the
 * HTTP spec also allows an HTTP-date. Returns undefined for a missing or unparseable value, never a
 * negative delay.
 */
export function parseRetryAfterMs(
  value: string | null | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const dateMs = Date.parse(trimmed);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, dateMs - nowMs);
}
