/**
 * OData `$filter` parsing and evaluation for the Graph routes. Literals are data: a quote inside a string
 * literal is written twice (`'O''Brien'`), and nothing in a literal is ever evaluated. Supported: `eq ne gt
 * ge lt le`, `and or not`, parentheses, `in (…)`, `startswith(p,'x')`, `endswith(p,'x')`, and lambdas
 * `coll/any(x:x eq 'v')`, `coll/any(x:x/prop eq v)`, `coll/all(…)`. Unquoted GUIDs are literals.
 */
import { readQuotedLiteral } from '../http/quoted-literal.js';

export type Literal = string | number | boolean | null;
export type Operand = { kind: 'literal'; value: Literal } | { kind: 'path'; segments: string[] };
export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterExpr =
  | { kind: 'and' | 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; expr: FilterExpr }
  | { kind: 'compare'; op: CompareOp; left: Operand; right: Operand }
  | { kind: 'in'; left: Operand; values: Literal[] }
  | { kind: 'func'; name: 'startswith' | 'endswith'; target: Operand; value: Operand }
  | { kind: 'lambda'; quantifier: 'any' | 'all'; collection: string[]; variable: string; body: FilterExpr };

export class ODataFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ODataFilterError';
  }
}

type Token =
  | { t: 'str'; v: string; pos: number }
  | { t: 'num'; v: number; pos: number }
  | { t: 'guid'; v: string; pos: number }
  | { t: 'ident'; v: string; pos: number }
  | { t: 'punct'; v: '(' | ')' | ',' | ':' | '/'; pos: number };

const guidPattern = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/;

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input.charAt(i);
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === "'") {
      const literal = readQuotedLiteral(input, i);
      if (!literal) throw new ODataFilterError(`Syntax error: unterminated string literal at position ${i}.`);
      tokens.push({ t: 'str', v: literal.value, pos: i });
      i = literal.end;
    } else if (c === '(' || c === ')' || c === ',' || c === ':' || c === '/') {
      tokens.push({ t: 'punct', v: c, pos: i });
      i += 1;
    } else {
      const guid = guidPattern.exec(input.slice(i));
      if (guid && !/[0-9a-zA-Z_]/.test(input.charAt(i + guid[0].length))) {
        tokens.push({ t: 'guid', v: guid[0].toLowerCase(), pos: i });
        i += guid[0].length;
        continue;
      }
      const num = /^-?\d+(\.\d+)?/.exec(input.slice(i));
      if (num && !/[A-Za-z_]/.test(input.charAt(i + num[0].length))) {
        tokens.push({ t: 'num', v: Number(num[0]), pos: i });
        i += num[0].length;
        continue;
      }
      const ident = /^[A-Za-z_@$][A-Za-z0-9_.@$-]*/.exec(input.slice(i));
      if (!ident) throw new ODataFilterError(`Syntax error: character '${c}' is not valid at position ${i}.`);
      tokens.push({ t: 'ident', v: ident[0], pos: i });
      i += ident[0].length;
    }
  }
  return tokens;
}

const compareOps: readonly string[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];

class Parser {
  private i = 0;
  private readonly variables: string[] = [];

  constructor(private readonly tokens: Token[]) {}

  parse(): FilterExpr {
    if (this.tokens.length === 0) throw new ODataFilterError('Syntax error: the filter is empty.');
    const expr = this.parseOr();
    const extra = this.peek();
    if (extra)
      throw new ODataFilterError(`Syntax error at position ${extra.pos}: unexpected '${String(extra.v)}'.`);
    return expr;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private next(): Token {
    const tok = this.tokens[this.i];
    if (!tok) throw new ODataFilterError('Syntax error: the filter ends unexpectedly.');
    this.i += 1;
    return tok;
  }

  private isKeyword(word: string): boolean {
    const tok = this.peek();
    return tok?.t === 'ident' && tok.v.toLowerCase() === word;
  }

  private expectPunct(p: string): void {
    const tok = this.next();
    if (tok.t !== 'punct' || tok.v !== p)
      throw new ODataFilterError(`Syntax error at position ${tok.pos}: expected '${p}'.`);
  }

  private parseOr(): FilterExpr {
    return this.parseChain('or', () => this.parseAnd());
  }

  private parseAnd(): FilterExpr {
    return this.parseChain('and', () => this.parseNot());
  }

  /** `operand (keyword operand)*`, grouped from the left. */
  private parseChain(keyword: 'and' | 'or', operand: () => FilterExpr): FilterExpr {
    let left = operand();
    while (this.isKeyword(keyword)) {
      this.i += 1;
      left = { kind: keyword, left, right: operand() };
    }
    return left;
  }

  private parseNot(): FilterExpr {
    if (this.isKeyword('not')) {
      this.i += 1;
      return { kind: 'not', expr: this.parseNot() };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): FilterExpr {
    const tok = this.peek();
    if (tok?.t === 'punct' && tok.v === '(') {
      this.i += 1;
      const inner = this.parseOr();
      this.expectPunct(')');
      return inner;
    }
    if (tok?.t === 'ident' && (tok.v.toLowerCase() === 'startswith' || tok.v.toLowerCase() === 'endswith')) {
      const after = this.tokens[this.i + 1];
      if (after?.t === 'punct' && after.v === '(') {
        this.i += 2;
        const target = this.parseOperand();
        this.expectPunct(',');
        const value = this.parseOperand();
        this.expectPunct(')');
        if (target.kind !== 'path' || value.kind !== 'literal') {
          throw new ODataFilterError(`Syntax error: ${tok.v}() takes a property and a string literal.`);
        }
        return { kind: 'func', name: tok.v.toLowerCase() as 'startswith' | 'endswith', target, value };
      }
    }
    const left = this.parseOperandOrLambda();
    if ('quantifier' in left) return left;
    const opTok = this.next();
    const op = opTok.t === 'ident' ? opTok.v.toLowerCase() : '';
    if (op === 'in') {
      this.expectPunct('(');
      const values: Literal[] = [];
      for (;;) {
        const operand = this.parseOperand();
        if (operand.kind !== 'literal')
          throw new ODataFilterError('Syntax error: `in` takes a list of literals.');
        values.push(operand.value);
        const sep = this.next();
        if (sep.t === 'punct' && sep.v === ')') break;
        if (sep.t !== 'punct' || sep.v !== ',')
          throw new ODataFilterError(`Syntax error at position ${sep.pos}: expected ',' or ')'.`);
      }
      if (left.kind !== 'path')
        throw new ODataFilterError('Syntax error: `in` needs a property on the left.');
      return { kind: 'in', left, values };
    }
    if (!compareOps.includes(op))
      throw new ODataFilterError(`Syntax error at position ${opTok.pos}: expected a comparison operator.`);
    const right = this.parseOperand();
    if (left.kind !== 'path' || right.kind !== 'literal') {
      // Graph compares a property with a literal: `1 eq 1` or `a eq b` are refused, never evaluated.
      throw new ODataFilterError(
        `Syntax error at position ${opTok.pos}: a comparison needs a property on the left and a literal on the right.`,
      );
    }
    return { kind: 'compare', op: op as CompareOp, left, right };
  }

  /** A path followed by `/any(...)` or `/all(...)` is a lambda; anything else an operand. */
  private parseOperandOrLambda(): Operand | Extract<FilterExpr, { kind: 'lambda' }> {
    const operand = this.parseOperand();
    if (operand.kind !== 'path') return operand;
    const last = operand.segments[operand.segments.length - 1]?.toLowerCase();
    const open = this.peek();
    if (
      (last === 'any' || last === 'all') &&
      open?.t === 'punct' &&
      open.v === '(' &&
      operand.segments.length > 1
    ) {
      this.i += 1;
      const variable = this.next();
      if (variable.t !== 'ident')
        throw new ODataFilterError(`Syntax error at position ${variable.pos}: expected a lambda variable.`);
      this.expectPunct(':');
      this.variables.push(variable.v);
      const body = this.parseOr();
      this.variables.pop();
      this.expectPunct(')');
      return {
        kind: 'lambda',
        quantifier: last,
        collection: operand.segments.slice(0, -1),
        variable: variable.v,
        body,
      };
    }
    return operand;
  }

  private parseOperand(): Operand {
    const tok = this.next();
    switch (tok.t) {
      case 'str':
        return { kind: 'literal', value: tok.v };
      case 'num':
        return { kind: 'literal', value: tok.v };
      case 'guid':
        return { kind: 'literal', value: tok.v };
      case 'punct':
        throw new ODataFilterError(`Syntax error at position ${tok.pos}: unexpected '${tok.v}'.`);
      case 'ident': {
        const word = tok.v.toLowerCase();
        if (word === 'true' || word === 'false') return { kind: 'literal', value: word === 'true' };
        if (word === 'null') return { kind: 'literal', value: null };
        const segments = [tok.v];
        while (this.peek()?.t === 'punct' && this.peek()?.v === '/') {
          this.i += 1;
          const seg = this.next();
          if (seg.t !== 'ident')
            throw new ODataFilterError(`Syntax error at position ${seg.pos}: expected a property name.`);
          segments.push(seg.v);
        }
        return { kind: 'path', segments };
      }
    }
  }
}

export function parseFilter(input: string): FilterExpr {
  return new Parser(tokenize(input)).parse();
}

/** Operators that make a Graph directory query "advanced" (ConsistencyLevel: eventual + $count=true). */
export function advancedOperators(expr: FilterExpr): string[] {
  switch (expr.kind) {
    case 'and':
    case 'or':
      return [...advancedOperators(expr.left), ...advancedOperators(expr.right)];
    case 'not':
      return ['not', ...advancedOperators(expr.expr)];
    case 'compare':
      return expr.op === 'ne' ? ['ne'] : [];
    case 'func':
      return expr.name === 'endswith' ? ['endswith'] : [];
    case 'in':
      return [];
    case 'lambda':
      return advancedOperators(expr.body);
  }
}
