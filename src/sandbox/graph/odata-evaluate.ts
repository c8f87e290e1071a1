/** Evaluates a parsed `$filter` against a Graph JSON object (string comparisons are case-insensitive). */
import { ODataFilterError, type FilterExpr, type Literal, type Operand } from './odata-filter.js';

type Scope = ReadonlyMap<string, unknown>;

function property(obj: unknown, name: string, typeName: string): unknown {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new ODataFilterError(`Could not find a property named '${name}' on type '${typeName}'.`);
  }
  const record = obj as Record<string, unknown>;
  if (name in record) return record[name];
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined)
    throw new ODataFilterError(`Could not find a property named '${name}' on type '${typeName}'.`);
  return record[key];
}

function resolve(operand: Operand, root: unknown, scope: Scope, typeName: string): unknown {
  if (operand.kind === 'literal') return operand.value;
  const [first, ...rest] = operand.segments;
  if (first === undefined) return undefined;
  let value: unknown = scope.has(first) ? scope.get(first) : property(root, first, typeName);
  for (const seg of rest)
    value = value === null || value === undefined ? null : property(value, seg, typeName);
  return value;
}

function normalize(v: unknown): Literal | undefined {
  if (typeof v === 'string') return v.toLowerCase();
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
  return undefined;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  const x = normalize(a);
  const y = normalize(b);
  if (op === 'eq') return x === y;
  if (op === 'ne') return x !== y;
  if (x === null || y === null || x === undefined || y === undefined) return false;
  if (typeof x !== typeof y) return false;
  switch (op) {
    case 'gt':
      return x > y;
    case 'ge':
      return x >= y;
    case 'lt':
      return x < y;
    case 'le':
      return x <= y;
    default:
      return false;
  }
}

function evaluateIn(expr: FilterExpr, root: unknown, scope: Scope, typeName: string): boolean {
  switch (expr.kind) {
    case 'and':
      return evaluateIn(expr.left, root, scope, typeName) && evaluateIn(expr.right, root, scope, typeName);
    case 'or':
      return evaluateIn(expr.left, root, scope, typeName) || evaluateIn(expr.right, root, scope, typeName);
    case 'not':
      return !evaluateIn(expr.expr, root, scope, typeName);
    case 'compare':
      return compare(
        expr.op,
        resolve(expr.left, root, scope, typeName),
        resolve(expr.right, root, scope, typeName),
      );
    case 'in': {
      const v = resolve(expr.left, root, scope, typeName);
      return expr.values.some((lit) => compare('eq', v, lit));
    }
    case 'func': {
      const target = resolve(expr.target, root, scope, typeName);
      const value = resolve(expr.value, root, scope, typeName);
      if (typeof target !== 'string' || typeof value !== 'string') return false;
      const t = target.toLowerCase();
      const v = value.toLowerCase();
      return expr.name === 'startswith' ? t.startsWith(v) : t.endsWith(v);
    }
    case 'lambda': {
      const collection = resolve({ kind: 'path', segments: expr.collection }, root, scope, typeName);
      if (collection === null || collection === undefined) return expr.quantifier === 'all';
      if (!Array.isArray(collection)) {
        throw new ODataFilterError(
          `'${expr.collection.join('/')}' is not a collection and can't be used with ${expr.quantifier}.`,
        );
      }
      const test = (item: unknown): boolean =>
        evaluateIn(expr.body, root, new Map([...scope, [expr.variable, item]]), typeName);
      return expr.quantifier === 'any' ? collection.some(test) : collection.every(test);
    }
  }
}

/** True when the object matches. Throws ODataFilterError for unknown properties. */
export function evaluateFilter(
  expr: FilterExpr,
  obj: Record<string, unknown>,
  typeName = 'microsoft.graph.user',
): boolean {
  return evaluateIn(expr, obj, new Map(), typeName);
}
