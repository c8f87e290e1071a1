/**
 * Structural comparison for contract tests: every key of the documented body must be present with the same
 * JSON type, recursively. Graph properties are nullable, so an actual null matches any documented scalar;
 * each element of an actual array must match the shape of at least one documented element.
 */
export function shapeMismatches(
  expected: unknown,
  actual: unknown,
  ignore: readonly string[] = [],
  path = '$',
): string[] {
  if (expected === null) return [];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array, got ${typeOf(actual)}`];
    if (expected.length === 0) return [];
    const out: string[] = [];
    actual.forEach((item, i) => {
      const attempts = expected.map((e) => shapeMismatches(e, item, ignore, `${path}[${i}]`));
      if (attempts.every((a) => a.length > 0)) out.push(...(attempts[0] ?? []));
    });
    return out;
  }
  if (typeof expected === 'object') {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual))
      return [`${path}: expected an object, got ${typeOf(actual)}`];
    const out: string[] = [];
    for (const [k, v] of Object.entries(expected as Record<string, unknown>)) {
      if (ignore.includes(k)) continue;
      if (!(k in actual)) {
        out.push(`${path}.${k}: missing`);
        continue;
      }
      out.push(...shapeMismatches(v, (actual as Record<string, unknown>)[k], ignore, `${path}.${k}`));
    }
    return out;
  }
  if (actual === null) return [];
  return typeof expected === typeof actual
    ? []
    : [`${path}: expected ${typeof expected}, got ${typeOf(actual)}`];
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  return Array.isArray(v) ? 'array' : typeof v;
}
