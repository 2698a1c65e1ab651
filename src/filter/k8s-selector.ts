/**
 * Kubernetes label-selector parser (the grammar and error texts of k8s.io/apimachinery
 * `labels.Parse`, as vendored by Cilium), written from its documented behaviour:
 *
 *   selector    := requirement ("," requirement)*
 *   requirement := ["!"] KEY [ ("in"|"notin") "(" values ")" | ("="|"=="|"!="|">"|"<") VALUE ]
 *
 * Note the comparison operators are the symbols `>` and `<` (selection operators `gt`/`lt`);
 * the words `gt`/`lt` are not operators, although they appear in the "expected: …" error text.
 * Keys are validated as qualified names, values as label values; set values are de-duplicated
 * and sorted, as apimachinery's `sets.List` does.
 */
import { goQuote } from './go-text.js';
import { isQualifiedName, isValidLabelValue } from './k8s-validation.js';

/** Selector operators, spelled as apimachinery's `selection.Operator` values. */
export type SelectorOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'gt' | 'lt' | 'exists' | '!';

/** One parsed requirement. */
export interface SelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  /** Sorted, de-duplicated values (empty for exists / does-not-exist). */
  readonly values: readonly string[];
}

/** A selector syntax or validation error; `message` is apimachinery's text. */
export class SelectorSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorSyntaxError';
  }
}

const enum Tok {
  Error,
  End,
  ClosePar,
  Comma,
  Not,
  DoubleEquals,
  Equals,
  Greater,
  Identifier,
  In,
  Less,
  NotEquals,
  NotIn,
  OpenPar,
}

const KEYWORDS: Record<string, Tok> = {
  ')': Tok.ClosePar,
  ',': Tok.Comma,
  '!': Tok.Not,
  '==': Tok.DoubleEquals,
  '=': Tok.Equals,
  '>': Tok.Greater,
  in: Tok.In,
  '<': Tok.Less,
  '!=': Tok.NotEquals,
  notin: Tok.NotIn,
  '(': Tok.OpenPar,
};

const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

function keyword(s: string): Tok | undefined {
  return Object.hasOwn(KEYWORDS, s) ? KEYWORDS[s] : undefined;
}

const isWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecial = (c: string): boolean => '=!(),><'.includes(c) && c !== '';

interface Item {
  tok: Tok;
  lit: string;
}

/** Splits the selector into tokens; a NUL character ends the input, as in the Go lexer. */
function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  const peek = (): string => (pos < s.length ? s[pos] : '\0');
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos])) pos++;
    const ch = peek();
    if (ch === '\0') {
      items.push({ tok: Tok.End, lit: '' });
      return items;
    }
    if (isSpecial(ch)) {
      // Longest run of special symbols that still forms a token.
      let buffer = '';
      let last: Item | undefined;
      while (pos < s.length && (isSpecial(s[pos]) || s[pos] === '\0')) {
        if (s[pos] === '\0') {
          pos++; // consumed, ends the symbol
          break;
        }
        buffer += s[pos];
        const t = keyword(buffer);
        if (t !== undefined) {
          last = { tok: t, lit: buffer };
          pos++;
        } else if (last !== undefined) {
          break;
        } else {
          pos++;
        }
      }
      items.push(last ?? { tok: Tok.Error, lit: `error expected: keyword found '${buffer}'` });
      continue;
    }
    const start = pos;
    while (pos < s.length && s[pos] !== '\0' && !isSpecial(s[pos]) && !isWhitespace(s[pos])) pos++;
    const word = s.slice(start, pos);
    if (s[pos] === '\0') pos++; // the Go lexer consumes a NUL that ends a token
    items.push({ tok: keyword(word) ?? Tok.Identifier, lit: word });
  }
}

/** field.Invalid(...).Error() for a string value. */
function invalid(path: string, value: string, detail: string): string {
  return `${path}: Invalid value: ${goQuote(value)}: ${detail}`;
}

/** field.ErrorList.ToAggregate().Error(): one message, or "[a, b]" de-duplicated. */
function aggregate(msgs: string[]): string | undefined {
  const uniq = [...new Set(msgs)];
  if (uniq.length === 0) return undefined;
  return uniq.length === 1 ? uniq[0] : `[${uniq.join(', ')}]`;
}

const INT64 = /^[+-]?[0-9]+$/;

/** Go strconv.ParseInt(s, 10, 64) succeeds. */
export function isInt64(s: string): boolean {
  if (!INT64.test(s)) return false;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

/** NewRequirement's validation of the values (the key was validated while parsing). */
function newRequirement(key: string, operator: SelectorOperator, values: string[]): SelectorRequirement {
  const errs: string[] = [];
  if (operator === 'gt' || operator === 'lt') {
    values.forEach((v, i) => {
      if (!isInt64(v))
        errs.push(invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
    });
  }
  values.forEach((v, i) => {
    const problems = isValidLabelValue(v);
    if (problems.length > 0) errs.push(invalid(`values[${i}][${key}]`, v, problems.join('; ')));
  });
  const msg = aggregate(errs);
  if (msg !== undefined) throw new SelectorSyntaxError(msg);
  return { key, operator, values };
}

class Parser {
  private position = 0;
  constructor(private readonly items: Item[]) {}

  /** Current token; in value context the keywords in/notin are identifiers. */
  private lookahead(values: boolean): Item {
    const it = this.items[this.position];
    return values && (it.tok === Tok.In || it.tok === Tok.NotIn) ? { tok: Tok.Identifier, lit: it.lit } : it;
  }

  private consume(values: boolean): Item {
    const it = this.lookahead(values);
    this.position++;
    return it;
  }

  parse(): SelectorRequirement[] {
    const reqs: SelectorRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(true);
      if (tok === Tok.End) return reqs;
      if (tok !== Tok.Identifier && tok !== Tok.Not) {
        throw new SelectorSyntaxError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
      try {
        reqs.push(this.requirement());
      } catch (e) {
        if (e instanceof SelectorSyntaxError)
          throw new SelectorSyntaxError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const next = this.consume(true);
      if (next.tok === Tok.End) return reqs;
      if (next.tok !== Tok.Comma)
        throw new SelectorSyntaxError(`found '${next.lit}', expected: ',' or 'end of string'`);
      const after = this.lookahead(true);
      if (after.tok !== Tok.Identifier && after.tok !== Tok.Not) {
        throw new SelectorSyntaxError(`found '${after.lit}', expected: identifier after ','`);
      }
    }
  }

  private requirement(): SelectorRequirement {
    let notExists = false;
    let { tok, lit } = this.consume(true);
    if (tok === Tok.Not) {
      notExists = true;
      ({ tok, lit } = this.consume(true));
    }
    if (tok !== Tok.Identifier) throw new SelectorSyntaxError(`found '${lit}', expected: identifier`);
    const problems = isQualifiedName(lit);
    if (problems.length > 0) throw new SelectorSyntaxError(invalid('<nil>', lit, problems.join('; ')));
    const key = lit;
    // `!key` is complete whatever follows (a following `=v` is then a syntax error of the list).
    if (notExists) return newRequirement(key, '!', []);
    const la = this.lookahead(true).tok;
    if (la === Tok.End || la === Tok.Comma) return newRequirement(key, 'exists', []);
    const op = this.operator();
    const values = op === 'in' || op === 'notin' ? this.setValues() : this.exactValue();
    return newRequirement(key, op, [...new Set(values)].sort());
  }

  private operator(): SelectorOperator {
    const { tok, lit } = this.consume(false);
    switch (tok) {
      case Tok.In:
        return 'in';
      case Tok.NotIn:
        return 'notin';
      case Tok.Equals:
        return '=';
      case Tok.DoubleEquals:
        return '==';
      case Tok.NotEquals:
        return '!=';
      case Tok.Greater:
        return 'gt';
      case Tok.Less:
        return 'lt';
      default:
        throw new SelectorSyntaxError(`found '${lit}', expected: ${BINARY_OPERATORS}`);
    }
  }

  private setValues(): string[] {
    const open = this.consume(true);
    if (open.tok !== Tok.OpenPar) throw new SelectorSyntaxError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead(true);
    if (tok === Tok.ClosePar) {
      this.consume(true);
      return [''];
    }
    if (tok !== Tok.Identifier && tok !== Tok.Comma) {
      throw new SelectorSyntaxError(`found '${lit}', expected: ',', ')' or identifier`);
    }
    const values = this.identifierList();
    // apimachinery reports the token seen *before* the list here.
    if (this.consume(true).tok !== Tok.ClosePar)
      throw new SelectorSyntaxError(`found '${lit}', expected: ')'`);
    return values;
  }

  private identifierList(): string[] {
    const values: string[] = [];
    for (;;) {
      const { tok, lit } = this.consume(true);
      if (tok === Tok.Identifier) {
        values.push(lit);
        const next = this.lookahead(true);
        if (next.tok === Tok.Comma) continue;
        if (next.tok === Tok.ClosePar) return values;
        throw new SelectorSyntaxError(`found '${next.lit}', expected: ',' or ')'`);
      }
      if (tok === Tok.Comma) {
        if (values.length === 0) values.push('');
        const next = this.lookahead(true).tok;
        if (next === Tok.ClosePar) {
          values.push('');
          return values;
        }
        if (next === Tok.Comma) {
          this.consume(true);
          values.push('');
        }
        continue;
      }
      throw new SelectorSyntaxError(`found '${lit}', expected: ',', or identifier`);
    }
  }

  private exactValue(): string[] {
    const la = this.lookahead(true).tok;
    if (la === Tok.End || la === Tok.Comma) return [''];
    const { tok, lit } = this.consume(true);
    if (tok === Tok.Identifier) return [lit];
    throw new SelectorSyntaxError(`found '${lit}', expected: identifier`);
  }
}

/**
 * Parses a Kubernetes label selector into requirements (sorted by key, as apimachinery does).
 * Throws SelectorSyntaxError with apimachinery's message.
 */
export function parseK8sSelector(selector: string): SelectorRequirement[] {
  const reqs = new Parser(lex(selector)).parse();
  return reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
