/**
 * Go `%q` / `strconv.Quote` for strings hubble prints quoted (node-status error messages).
 * Its escaping also makes the result terminal-safe: no control character survives.
 */

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space.
const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;
const NEEDS_WORK = /[^\x20-\x7e]|["\\]/;

const SHORT: Readonly<Record<number, string>> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
  0x22: '\\"',
  0x5c: '\\\\',
};

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/**
 * Quotes `s` with Go's rules: `\"`, `\\`, `\a\b\f\n\r\t\v`, `\xHH` for other ASCII controls,
 * `\uHHHH` / `\UHHHHHHHH` for non-printable code points, printable Unicode kept as is.
 *
 * @example goQuote('a"b\n') === '"a\\"b\\n"'
 */
export function goQuote(s: string): string {
  if (!NEEDS_WORK.test(s)) return '"' + s + '"';
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const short = SHORT[cp];
    if (short !== undefined) out += short;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + hex(cp, 2);
    else if (PRINTABLE.test(ch)) out += ch;
    else if (cp < 0x10000) out += '\\u' + hex(cp, 4);
    else out += '\\U' + hex(cp, 8);
  }
  return out + '"';
}
