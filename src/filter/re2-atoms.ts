/**
 * Atom-level parsing for the RE2 translator (re2.ts): escapes, `\p{…}` classes, bracket
 * expressions and `{n,m}` counts, with Go's error texts. Each parser takes the pattern and a
 * start index and returns what it read plus the index after it.
 */
import { emitClass, foldRanges, negate, perlClass, posixClass, type Ranges } from './re2-class.js';

/** A pattern Go's regexp package rejects; `message` is Go's error text. */
export class Re2SyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly expr: string,
  ) {
    super(`error parsing regexp: ${reason}: \`${expr}\``);
    this.name = 'Re2SyntaxError';
  }
}

/** Go's regexp/syntax error codes. */
export const E = {
  charRange: 'invalid character class range',
  escape: 'invalid escape sequence',
  namedCapture: 'invalid named capture',
  perlOp: 'invalid or unsupported Perl syntax',
  repeatOp: 'invalid nested repetition operator',
  repeatSize: 'invalid repeat count',
  missingBracket: 'missing closing ]',
  missingParen: 'missing closing )',
  missingRepeat: 'missing argument to repetition operator',
  trailingBackslash: 'trailing backslash at end of expression',
  unexpectedParen: 'unexpected )',
  nesting: 'expression nests too deeply',
} as const;

/** Throws Go's error for `expr`. */
export function fail(reason: string, expr: string): never {
  throw new Re2SyntaxError(reason, expr);
}

/** Code point at index i. */
export function cpAt(s: string, i: number): number {
  return s.codePointAt(i)!;
}

/** UTF-16 length of the code point at index i. */
export function cpLen(s: string, i: number): number {
  return cpAt(s, i) > 0xffff ? 2 : 1;
}

const GO_CATEGORIES = new Set(
  'C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(
    ' ',
  ),
);

function jsProperty(name: string): string | undefined {
  let prop: string;
  if (name === 'Any') prop = 'Any';
  else if (GO_CATEGORIES.has(name)) prop = 'gc=' + name;
  else if (/^[A-Z][A-Za-z_]*$/.test(name)) prop = 'sc=' + name;
  else return undefined;
  try {
    new RegExp(`\\p{${prop}}`, 'u');
    return prop;
  } catch {
    return undefined;
  }
}

const isOctal = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '7';
const isAlnum = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

function unhex(c: string | undefined): number {
  if (c === undefined || !/^[0-9a-fA-F]$/.test(c)) return -1;
  return parseInt(c, 16);
}

/** RE2's `{n}`, `{n,}`, `{n,m}`; undefined when the text is a literal `{`. */
export function parseBraces(s: string, at: number): { min: number; max: number; end: number } | undefined {
  const int = (i: number): [number, number] | undefined => {
    let j = i;
    while (j < s.length && s[j] >= '0' && s[j] <= '9') j++;
    if (j === i || (j - i >= 2 && s[i] === '0')) return undefined;
    const digits = s.slice(i, j);
    return [digits.length > 8 ? -1 : Number(digits), j];
  };
  const first = int(at + 1);
  if (!first) return undefined;
  let [min, i] = first;
  let max = min;
  if (s[i] === ',') {
    i++;
    if (s[i] === '}') max = -1;
    else {
      const second = int(i);
      if (!second) return undefined;
      [max, i] = second;
      if (max < 0) min = -1;
    }
  }
  if (s[i] !== '}') return undefined;
  return { min, max, end: i + 1 };
}

/** `\pN`, `\p{Name}`, `\p{^Name}`, `\PN` at this.pos; returns the JS `\p{…}` item. */
export function parseUnicodeClass(s: string, at: number): { item: string; end: number } {
  let end: number;
  let negated = s[at + 1] === 'P';
  let name: string;
  let seq: string;
  if (s[at + 2] === '{') {
    const close = s.indexOf('}', at);
    if (close < 0) fail(E.charRange, s.slice(at));
    seq = s.slice(at, close + 1);
    name = s.slice(at + 3, close);
    end = close + 1;
  } else {
    const len = at + 2 < s.length ? cpLen(s, at + 2) : 0;
    seq = s.slice(at, at + 2 + len);
    name = seq.slice(2);
    end = at + 2 + len;
  }
  if (name.startsWith('^')) {
    negated = !negated;
    name = name.slice(1);
  }
  const prop = jsProperty(name);
  if (prop === undefined) fail(E.charRange, seq);
  return { item: `${negated ? '\\P' : '\\p'}{${prop}}`, end };
}

/** A single-character escape at this.pos (RE2's parseEscape); returns its code point. */
export function parseEscape(s: string, at: number): { cp: number; end: number } {
  let t = at + 1;
  if (t >= s.length) fail(E.trailingBackslash, '');
  const c = cpAt(s, t);
  t += cpLen(s, t);
  const bad = (): never => fail(E.escape, s.slice(at, t));
  if (c < 0x80 && !isAlnum(c)) return { cp: c, end: t };
  const ch = String.fromCodePoint(c);
  if (ch >= '1' && ch <= '7' && !isOctal(s[t])) return bad();
  if (ch >= '0' && ch <= '7') {
    let r = c - 0x30;
    for (let k = 1; k < 3 && isOctal(s[t]); k++) r = r * 8 + (s.charCodeAt(t++) - 0x30);
    return { cp: r, end: t };
  }
  if (ch === 'x') {
    if (t >= s.length) return bad();
    if (s[t] === '{') {
      t++;
      let r = 0;
      let digits = 0;
      for (;;) {
        if (t >= s.length) return bad();
        const d = s[t++];
        if (d === '}') break;
        const v = unhex(d);
        if (v < 0) return bad();
        r = r * 16 + v;
        if (r > 0x10ffff) return bad();
        digits++;
      }
      if (digits === 0) return bad();
      return { cp: r, end: t };
    }
    const x = unhex(s[t]);
    t += cpLen(s, t);
    const y = unhex(s[t]);
    if (t < s.length) t += cpLen(s, t);
    if (x < 0 || y < 0) return bad();
    return { cp: x * 16 + y, end: t };
  }
  const named: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
  if (Object.hasOwn(named, ch)) return { cp: named[ch], end: t };
  return bad();
}

/** A bracket expression at this.pos. */
export function parseBracketClass(s: string, start: number, fold: boolean): { src: string; end: number } {
  let t = start + 1;
  let negated = false;
  if (s[t] === '^') {
    negated = true;
    t++;
  }
  const ranges: Ranges = [];
  const props: string[] = [];
  // Folding applies to the positive set, before any negation (as RE2's appendGroup).
  const add = (r: Ranges, negatedItem = false): void => {
    const folded = fold ? foldRanges(r) : r;
    ranges.push(...(negatedItem ? negate(folded) : folded));
  };
  const classChar = (): number => {
    if (t >= s.length) fail(E.missingBracket, s.slice(start));
    if (s[t] === '\\') {
      const esc = parseEscape(s, t);
      t = esc.end;
      return esc.cp;
    }
    const cp = cpAt(s, t);
    t += cpLen(s, t);
    return cp;
  };
  let first = true;
  while (t >= s.length || s[t] !== ']' || first) {
    first = false;
    if (s[t] === '[' && s[t + 1] === ':') {
      const close = s.indexOf(':]', t + 2);
      if (close >= 0) {
        const r = posixClass(s.slice(t + 2, close));
        if (r === undefined) fail(E.charRange, s.slice(t, close + 2));
        add(r.ranges, r.negated);
        t = close + 2;
        continue;
      }
    }
    if (s[t] === '\\' && (s[t + 1] === 'p' || s[t + 1] === 'P')) {
      const u = parseUnicodeClass(s, t);
      props.push(u.item);
      t = u.end;
      continue;
    }
    const perl = s[t] === '\\' && t + 1 < s.length ? perlClass(s[t + 1]) : undefined;
    if (perl) {
      add(perl.ranges, perl.negated);
      t += 2;
      continue;
    }
    const rangeStart = t;
    const lo = classChar();
    let hi = lo;
    if (t + 1 < s.length && s[t] === '-' && s[t + 1] !== ']') {
      t++;
      hi = classChar();
      if (hi < lo) fail(E.charRange, s.slice(rangeStart, t));
    }
    add([lo, hi]);
  }
  return { src: emitClass(ranges, props, negated), end: t + 1 };
}
