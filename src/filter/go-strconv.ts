/**
 * The bits of Go's `strconv` whose exact error texts reach the user through pflag messages
 * (`invalid argument "x" for "--last" flag: strconv.ParseUint: parsing "x": invalid syntax`).
 * Re-implemented from the Go documentation and observed behaviour. Isomorphic: the filter-flag
 * value parsers (flag-values.ts) run in the web UI too.
 */

import { goQuote, goQuoteRune as goQuoteCodePoint } from './go-text.js';

/** Go's `strconv.Quote` (`%q` of a string); the one in go-text.ts. */
export { goQuote };

/** Go's `strconv.QuoteRune` (`%q` of a rune) of the first character of `ch`, e.g. `'x'`. */
export function goQuoteRune(ch: string): string {
  return goQuoteCodePoint(ch.codePointAt(0)!);
}

/** A strconv error; `message` is Go's `*strconv.NumError` text. */
export class GoSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoSyntaxError';
  }
}

function syntaxError(fn: string, s: string): GoSyntaxError {
  return new GoSyntaxError(`strconv.${fn}: parsing ${goQuote(s)}: invalid syntax`);
}

function rangeError(fn: string, s: string): GoSyntaxError {
  return new GoSyntaxError(`strconv.${fn}: parsing ${goQuote(s)}: value out of range`);
}

/** Go's underscoreOK: underscores only between digits (base-prefix counts as a digit). */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hexDigits = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(s[1].toLowerCase())) {
    i = 2;
    saw = '0';
    hexDigits = s[1].toLowerCase() === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i];
    const lc = c.toLowerCase();
    if ((c >= '0' && c <= '9') || (hexDigits && lc >= 'a' && lc <= 'f')) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/**
 * Go's `strconv.ParseUint(s, base, bitSize)` for base 0 (Go literal prefixes `0x`, `0o`, `0b`,
 * leading `0` = octal, `_` separators) or 10. Throws GoSyntaxError with Go's message.
 *
 * @example parseGoUint('0x10', 0, 32) === 16n
 */
export function parseGoUint(s0: string, base: 0 | 10, bitSize: 32 | 64): bigint {
  if (s0 === '') throw syntaxError('ParseUint', s0);
  const base0 = base === 0;
  let s = s0;
  let b = 10;
  if (base0 && s[0] === '0') {
    const p = s.length >= 3 ? s[1].toLowerCase() : '';
    if (p === 'b') [b, s] = [2, s.slice(2)];
    else if (p === 'o') [b, s] = [8, s.slice(2)];
    else if (p === 'x') [b, s] = [16, s.slice(2)];
    else [b, s] = [8, s.slice(1)];
  }
  const max = (1n << BigInt(bitSize)) - 1n;
  const bigBase = BigInt(b);
  let n = 0n;
  let underscores = false;
  for (const c of s) {
    let d: number;
    const lc = c.toLowerCase();
    if (c === '_' && base0) {
      underscores = true;
      continue;
    } else if (c >= '0' && c <= '9') d = c.charCodeAt(0) - 48;
    else if (lc >= 'a' && lc <= 'z' && lc.length === 1) d = lc.charCodeAt(0) - 87;
    else throw syntaxError('ParseUint', s0);
    if (d >= b) throw syntaxError('ParseUint', s0);
    n = n * bigBase + BigInt(d);
    if (n > max) throw rangeError('ParseUint', s0);
  }
  if (underscores && !underscoreOK(s0)) throw syntaxError('ParseUint', s0);
  return n;
}

/** Go's `strconv.ParseBool`. */
export function parseGoBool(s: string): boolean {
  switch (s) {
    case '1':
    case 't':
    case 'T':
    case 'TRUE':
    case 'true':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'FALSE':
    case 'false':
    case 'False':
      return false;
    default:
      throw syntaxError('ParseBool', s);
  }
}
