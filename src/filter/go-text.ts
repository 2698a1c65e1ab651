/**
 * Go text helpers needed to reproduce hubble's error messages byte for byte: `strconv.Quote`
 * (`%q` of a string), `strconv.QuoteRune` (`%q` of a rune) and `strings.TrimSpace`.
 */

/** Go's unicode.IsPrint: categories L, M, N, P, S plus the ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function isPrint(cp: number): boolean {
  if (cp === 0x20) return true;
  if (cp < 0x20 || cp === 0x7f) return false;
  return PRINTABLE.test(String.fromCodePoint(cp));
}

const SHORT_ESCAPES: Record<number, string> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
  0x5c: '\\\\',
};

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function escapeRune(cp: number, quote: number): string {
  if (cp === quote) return '\\' + String.fromCharCode(quote);
  const short = SHORT_ESCAPES[cp];
  if (short !== undefined) return short;
  if (isPrint(cp)) return String.fromCodePoint(cp);
  if (cp < 0x80) return '\\x' + hex(cp, 2);
  if (cp < 0x10000) return '\\u' + hex(cp, 4);
  return '\\U' + hex(cp, 8);
}

/** Code points of a JS string as Go would see its UTF-8 (lone surrogates become U+FFFD). */
function* codePoints(s: string): Generator<number> {
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    yield cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp;
  }
}

/** A character that strconv.Quote does not copy as it is. */
const NEEDS_ESCAPE = /[^\x20-\x7e]|["\\]/;

/**
 * Go's `strconv.Quote` / `fmt` `%q` of a string: `\"`, `\\`, `\a\b\f\n\r\t\v`, `\xHH` for
 * other ASCII controls, `\uHHHH` / `\UHHHHHHHH` for other non-printable code points, printable
 * Unicode as it is. Also terminal-safe: no control character survives.
 */
export function goQuote(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  let out = '"';
  for (const cp of codePoints(s)) out += escapeRune(cp, 0x22);
  return out + '"';
}

/** Go's `strconv.QuoteRune` / `fmt` `%q` of a rune. */
export function goQuoteRune(cp: number): string {
  return "'" + escapeRune(cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp, 0x27) + "'";
}

/** Go's unicode.IsSpace (used by strings.TrimSpace); unlike String.trim it keeps U+FEFF. */
function isGoSpace(c: number): boolean {
  if (c <= 0xff) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0;
  return (
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Go's `strings.TrimSpace`. */
export function goTrimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isGoSpace(s.charCodeAt(start))) start++;
  while (end > start && isGoSpace(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

/**
 * Go's `strings.ToLower` for the cases that matter to pattern validation: JS lower-cases U+0130
 * to two code points where Go's simple mapping gives `i`.
 */
export function goToLower(s: string): string {
  const lower = s.toLowerCase();
  return s.includes('\u0130') ? lower.replace(/i\u0307/g, 'i') : lower;
}

/** Length in bytes of the UTF-8 encoding of `s` (Go's `len`). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
