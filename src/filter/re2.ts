/**
 * RE2 (Go `regexp`) syntax → JavaScript RegExp. Hubble compiles `dns_query`, `http_path` and
 * `http_url` with Go's regexp; we parse the RE2 syntax ourselves so that
 *   - patterns Go rejects fail with Go's message (`error parsing regexp: missing closing ): `(``),
 *     including JS-only syntax such as lookarounds and backreferences;
 *   - RE2-only syntax works: `(?i)`/`(?s)`/`(?m)`/`(?U)` flags (also scoped, `(?i:…)`), `(?P<n>…)`,
 *     `\A`, `\z`, `\Q…\E`, `\x{…}`, octal escapes, POSIX `[[:alpha:]]`, `\pN`, `\p{Greek}`;
 *   - RE2 semantics are kept: `.` excludes only `\n`, `\s \d \w \b` are ASCII, `^`/`$` are text
 *     anchors unless `(?m)`, a literal `{` that is not a repeat stays literal.
 * The translation is exact for match/no-match with these known differences: case folding does
 * not apply to `\p{…}` classes; Unicode script aliases (`Grek`) are accepted; nesting/size
 * limits other than repeat counts are not enforced; and JS's backtracking engine can be slow
 * (super-linear) on pathological patterns where RE2 is linear.
 */
import { emitClass, foldOrbit, foldRanges, jsChar, perlClass } from './re2-class.js';
import {
  E,
  cpAt,
  cpLen,
  fail,
  parseBraces,
  parseBracketClass,
  parseEscape,
  parseUnicodeClass,
} from './re2-atoms.js';

export { Re2SyntaxError } from './re2-atoms.js';

interface Flags {
  fold: boolean;
  oneLine: boolean;
  dotNL: boolean;
  nonGreedy: boolean;
}

interface Term {
  src: string;
  /** Needs a (?:…) wrapper before a quantifier (assertions, already-quantified terms). */
  wrap: boolean;
  /** Product of nested `{n,m}` counts (RE2 rejects repeats nesting beyond 1000). */
  weight: number;
}

class Translator {
  private pos = 0;
  constructor(private readonly s: string) {}

  translate(): string {
    return this.alternation({ fold: false, oneLine: true, dotNL: false, nonGreedy: false }, 0).src;
  }

  /** Parses until `)` (consumed, depth > 0) or the end; returns the group body. */
  private alternation(flags: Flags, depth: number): { src: string; weight: number } {
    if (depth > 1000) fail(E.nesting, this.s);
    const s = this.s;
    const branches: string[] = [];
    let terms: Term[] = [];
    let weight = 1;
    let lastRepeat = -1;
    const literal = (cp: number): Term => {
      const orbit = flags.fold ? foldOrbit(cp) : [cp];
      return {
        src:
          orbit.length > 1
            ? emitClass(
                orbit.flatMap((c) => [c, c]),
                [],
                false,
              )
            : jsChar(cp),
        wrap: false,
        weight: 1,
      };
    };
    const assert = (src: string): Term => ({ src, wrap: true, weight: 1 });
    while (this.pos < s.length) {
      const c = s[this.pos];
      let repeatStart = -1;
      switch (c) {
        case '(':
          if (s[this.pos + 1] === '?') {
            const group = this.perlGroup(flags, depth);
            if (group) terms.push(group);
          } else {
            this.pos++;
            const inner = this.alternation({ ...flags }, depth + 1);
            terms.push({ src: `(${inner.src})`, wrap: false, weight: inner.weight });
          }
          break;
        case '|':
          branches.push(terms.map((t) => t.src).join(''));
          terms = [];
          this.pos++;
          break;
        case ')':
          if (depth === 0) fail(E.unexpectedParen, s);
          this.pos++;
          branches.push(terms.map((t) => t.src).join(''));
          return { src: branches.join('|'), weight: Math.max(weight, ...terms.map((t) => t.weight)) };
        case '^':
          terms.push(assert(flags.oneLine ? '^' : '(?<![^\\n])'));
          this.pos++;
          break;
        case '$':
          terms.push(assert(flags.oneLine ? '$' : '(?![^\\n])'));
          this.pos++;
          break;
        case '.':
          terms.push({ src: flags.dotNL ? '[^]' : '[^\\n]', wrap: false, weight: 1 });
          this.pos++;
          break;
        case '[':
          {
            const cls = parseBracketClass(s, this.pos, flags.fold);
            terms.push({ src: cls.src, wrap: false, weight: 1 });
            this.pos = cls.end;
          }
          break;
        case '*':
        case '+':
        case '?': {
          repeatStart = this.pos;
          const [min, max] = c === '*' ? [0, -1] : c === '+' ? [1, -1] : [0, 1];
          this.repeat(terms, flags, repeatStart, this.pos + 1, min, max, false, lastRepeat);
          break;
        }
        case '{': {
          const r = parseBraces(s, this.pos);
          if (r === undefined) {
            terms.push(literal(0x7b));
            this.pos++;
            break;
          }
          repeatStart = this.pos;
          const { min, max, end } = r;
          if (min < 0 || min > 1000 || max > 1000 || (max >= 0 && min > max))
            fail(E.repeatSize, s.slice(this.pos, end));
          this.repeat(terms, flags, repeatStart, end, min, max, true, lastRepeat);
          break;
        }
        case '\\':
          this.escapeOutsideClass(flags, terms, literal, assert);
          break;
        default: {
          const cp = cpAt(s, this.pos);
          this.pos += cpLen(s, this.pos);
          terms.push(literal(cp));
        }
      }
      lastRepeat = repeatStart;
      for (const t of terms) weight = Math.max(weight, t.weight);
    }
    if (depth > 0) fail(E.missingParen, s);
    branches.push(terms.map((t) => t.src).join(''));
    return { src: branches.join('|'), weight };
  }

  /** Applies `*`, `+`, `?` or `{n,m}` (text s[start, afterOp)) to the last term. */
  private repeat(
    terms: Term[],
    flags: Flags,
    start: number,
    afterOp: number,
    min: number,
    max: number,
    brace: boolean,
    lastRepeat: number,
  ): void {
    let after = afterOp;
    let lazy = flags.nonGreedy;
    if (this.s[after] === '?') {
      after++;
      lazy = !lazy;
    }
    if (lastRepeat >= 0) fail(E.repeatOp, this.s.slice(lastRepeat, after));
    const sub = terms.pop();
    if (sub === undefined) fail(E.missingRepeat, this.s.slice(start, after));
    let weight = sub.weight;
    if (brace) {
      const m = max === -1 ? min : max;
      if ((min >= 2 || max >= 2) && m !== 0 && m * sub.weight > 1000)
        fail(E.repeatSize, this.s.slice(start, after));
      weight = m === 0 ? 1 : m * sub.weight;
    }
    let q: string;
    if (min === 0 && max === -1) q = '*';
    else if (min === 1 && max === -1) q = '+';
    else if (min === 0 && max === 1 && !brace) q = '?';
    else q = max === -1 ? `{${min},}` : max === min ? `{${min}}` : `{${min},${max}}`;
    const base = sub.wrap ? `(?:${sub.src})` : sub.src;
    terms.push({ src: base + q + (lazy ? '?' : ''), wrap: true, weight });
    this.pos = after;
  }

  /** `(?flags)`, `(?flags:…)`, `(?P<name>…)` at this.pos. Returns a term for groups. */
  private perlGroup(flags: Flags, depth: number): Term | undefined {
    const s = this.s;
    const start = this.pos;
    if (s.length - start > 4 && s[start + 2] === 'P' && s[start + 3] === '<') {
      const end = s.indexOf('>', start);
      if (end < 0) fail(E.namedCapture, s.slice(start));
      const name = s.slice(start + 4, end);
      if (!/^[A-Za-z0-9_]+$/.test(name)) fail(E.namedCapture, s.slice(start, end + 1));
      this.pos = end + 1;
      const inner = this.alternation({ ...flags }, depth + 1);
      return { src: `(${inner.src})`, wrap: false, weight: inner.weight };
    }
    const next: Flags = { ...flags };
    let negated = false;
    let sawFlag = false;
    let i = start + 2;
    while (i < s.length) {
      const c = s[i++];
      if (c === 'i' || c === 'm' || c === 's' || c === 'U') {
        const on = !negated;
        if (c === 'i') next.fold = on;
        else if (c === 'm') next.oneLine = !on;
        else if (c === 's') next.dotNL = on;
        else next.nonGreedy = on;
        sawFlag = true;
      } else if (c === '-') {
        if (negated) break;
        negated = true;
        sawFlag = false;
      } else if (c === ':' || c === ')') {
        if (negated && !sawFlag) break;
        this.pos = i;
        if (c === ')') {
          Object.assign(flags, next);
          return undefined;
        }
        const inner = this.alternation(next, depth + 1);
        return { src: `(?:${inner.src})`, wrap: false, weight: inner.weight };
      } else {
        break;
      }
    }
    return fail(E.perlOp, s.slice(start, i));
  }

  private escapeOutsideClass(
    flags: Flags,
    terms: Term[],
    literal: (cp: number) => Term,
    assert: (src: string) => Term,
  ): void {
    const s = this.s;
    const n = s[this.pos + 1];
    const simple: Record<string, string> = { A: '^', b: '\\b', B: '\\B', z: '$' };
    if (n !== undefined && Object.hasOwn(simple, n)) {
      terms.push(assert(simple[n]));
      this.pos += 2;
      return;
    }
    if (n === 'C') fail(E.escape, '\\C');
    if (n === 'Q') {
      const end = s.indexOf('\\E', this.pos + 2);
      const lit = end < 0 ? s.slice(this.pos + 2) : s.slice(this.pos + 2, end);
      for (const ch of lit) terms.push(literal(ch.codePointAt(0)!));
      this.pos = end < 0 ? s.length : end + 2;
      return;
    }
    if (n === 'p' || n === 'P') {
      const u = parseUnicodeClass(s, this.pos);
      terms.push({ src: emitClass([], [u.item], false), wrap: false, weight: 1 });
      this.pos = u.end;
      return;
    }
    const perl = n === undefined ? undefined : perlClass(n);
    if (perl) {
      const r = flags.fold ? foldRanges(perl.ranges) : perl.ranges;
      terms.push({ src: emitClass(r, [], perl.negated), wrap: false, weight: 1 });
      this.pos += 2;
      return;
    }
    const esc = parseEscape(s, this.pos);
    terms.push(literal(esc.cp));
    this.pos = esc.end;
  }
}

/**
 * Compiles an RE2 pattern (unanchored search semantics, like Go's `MatchString`) to a JS RegExp.
 * Throws Re2SyntaxError with Go's message when Go would reject the pattern.
 */
export function compileRe2(pattern: string): RegExp {
  return new RegExp(new Translator(pattern).translate(), 'u');
}
