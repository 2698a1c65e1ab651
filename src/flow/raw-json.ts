/**
 * The raw JSON line an event was decoded from, kept when that line is exactly what the
 * v0.12.3 encoder would write for it. `-o json` output then reuses the line instead of
 * re-encoding (hubble's output equals its canonical input), which doubles dump throughput.
 *
 * Only valid while the event is unmodified: code that changes a decoded event must call
 * `clearRawJson` (or build a new object).
 */
const RAW_JSON = Symbol('flowlens.rawJson');
/** The same for a line known to be pure ASCII (its UTF-8 bytes are its latin1 bytes). */
const RAW_ASCII_JSON = Symbol('flowlens.rawAsciiJson');

type WithRaw = { [RAW_JSON]?: string; [RAW_ASCII_JSON]?: string };

/**
 * Attaches the canonical source line to a freshly decoded event; `ascii` says the line is pure
 * ASCII, so it can be written out without UTF-8 encoding (see `rawAsciiJson`).
 */
export function setRawJson(ev: object, line: string, ascii = false): void {
  if (ascii) (ev as WithRaw)[RAW_ASCII_JSON] = line;
  else (ev as WithRaw)[RAW_JSON] = line;
}

/** The canonical source line of an event, if it has one. */
export function rawJson(ev: object): string | undefined {
  return (ev as WithRaw)[RAW_ASCII_JSON] ?? (ev as WithRaw)[RAW_JSON];
}

/** The canonical source line of an event if it has one and it is pure ASCII. */
export function rawAsciiJson(ev: object): string | undefined {
  return (ev as WithRaw)[RAW_ASCII_JSON];
}

/** Forgets the source line (call after modifying an event). */
export function clearRawJson(ev: object): void {
  delete (ev as WithRaw)[RAW_JSON];
  delete (ev as WithRaw)[RAW_ASCII_JSON];
}

/**
 * Characters that keep a line from being reprinted verbatim when they occur raw: the ones Go's
 * encoder writes escaped (`<`, `>`, `&`, U+2028, U+2029) and tab or carriage return, which can
 * only be whitespace in valid JSON. Backslash, which starts every JSON escape, comes first: a
 * line holding one is reprinted only if each escape is the one the encoder writes (see
 * `canonicalEscapeLength`). The line splitter looks for these per region with `indexOf`.
 */
export const GO_ESCAPED_CHARS: readonly string[] = ['\\', '<', '>', '&', '\u2028', '\u2029', '\t', '\r'];

/** The raw characters of GO_ESCAPED_CHARS other than backslash, and newline. */
const RAW_BAD = /[<>&\u2028\u2029\t\r\n]/;

/**
 * Length of the JSON escape at `text[i]` (a backslash) when it is exactly what `quoteJson` (Go's
 * encoder) writes for the character it stands for, else 0: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`,
 * `\t`, `\u00xx` (lowercase) for the other control characters, `\u003c`, `\u003e`, `\u0026`,
 * `\u2028`, `\u2029`. Anything else (`\/`, `\u0041`, uppercase hex, surrogates) makes 0, and the
 * line is re-encoded instead.
 */
export function canonicalEscapeLength(text: string, i: number): number {
  switch (text.charCodeAt(i + 1)) {
    case 34: // "
    case 92: // \
    case 98: // b
    case 102: // f
    case 110: // n
    case 114: // r
    case 116: // t
      return 2;
    case 117: {
      // u
      const a = text.charCodeAt(i + 2);
      const b = text.charCodeAt(i + 3);
      const c = text.charCodeAt(i + 4);
      const d = text.charCodeAt(i + 5);
      if (a === 48 && b === 48) {
        // \u00cd: a control character without a short form, or < > &.
        const low = d >= 48 && d <= 57 ? d - 48 : d >= 97 && d <= 102 ? d - 87 : -1;
        if (low < 0) return 0;
        if (c === 48) return low === 8 || low === 9 || low === 10 || low === 12 || low === 13 ? 0 : 6;
        if (c === 49) return 6;
        return (c === 50 && d === 54) || (c === 51 && (d === 99 || d === 101)) ? 6 : 0;
      }
      return a === 50 && b === 48 && c === 50 && (d === 56 || d === 57) ? 6 : 0;
    }
    default:
      return 0;
  }
}

/**
 * True when every backslash in `line[from, to)` starts an escape `canonicalEscapeLength` accepts.
 * `bs` is the index of the first backslash at or after `from` (-1 or beyond `to`: none).
 */
export function hasCanonicalEscapes(
  line: string,
  from = 0,
  to = line.length,
  bs = line.indexOf('\\', from),
): boolean {
  while (bs !== -1 && bs < to) {
    const n = canonicalEscapeLength(line, bs);
    if (n === 0 || bs + n > to) return false;
    bs = line.indexOf('\\', bs + n);
  }
  return true;
}

/**
 * The character half of isCanonicalJsonText: no raw character Go would escape, no raw tab or
 * carriage return, and only the escapes Go writes.
 */
export function hasCanonicalChars(line: string): boolean {
  return !RAW_BAD.test(line) && hasCanonicalEscapes(line);
}

/** Last character of a JSON token: `"`, a bracket, `:`, `,`, a digit, `e` (true/false), `l` (null). */
function endsToken(c: number): boolean {
  return (
    c === 34 ||
    c === 123 ||
    c === 125 ||
    c === 91 ||
    c === 93 ||
    c === 58 ||
    c === 44 ||
    (c >= 48 && c <= 57) ||
    c === 101 ||
    c === 108
  );
}

/** First character of a JSON token: `"`, a bracket, `:`, `,`, a digit, `-`, `t`, `f`, `n`. */
function startsToken(c: number): boolean {
  return (
    c === 34 ||
    c === 123 ||
    c === 125 ||
    c === 91 ||
    c === 93 ||
    c === 58 ||
    c === 44 ||
    (c >= 48 && c <= 57) ||
    c === 45 ||
    c === 116 ||
    c === 102 ||
    c === 110
  );
}

/**
 * True when a valid JSON line is written the way Go's encoder writes it, given that its decoded
 * values are canonical: no characters Go would escape raw, only the escapes Go writes, and no
 * whitespace between tokens (see hasCanonicalChars and hasCanonicalSpacing).
 */
export function isCanonicalJsonText(line: string): boolean {
  return hasCanonicalChars(line) && hasCanonicalSpacing(line);
}

/**
 * The whitespace half of isCanonicalJsonText, for a valid JSON line without raw tabs, CRs or
 * newlines: no space outside strings. Outside strings a space run can only sit between the end
 * of one token and the start of the next, so only space runs of that shape need a closer look;
 * such a run is inside a string exactly when an odd number of unescaped quotes follow it ("HTTP/1.1
 * 200" in a Summary near the end of the line). Spaces are few, so this is a fast scan.
 */
export function hasCanonicalSpacing(line: string): boolean {
  let i = line.indexOf(' ');
  while (i !== -1) {
    let j = i + 1;
    while (line.charCodeAt(j) === 32) j++;
    if (i === 0 || j >= line.length) return false;
    if (endsToken(line.charCodeAt(i - 1)) && startsToken(line.charCodeAt(j)) && !insideString(line, j))
      return false;
    i = line.indexOf(' ', j);
  }
  return true;
}

/** Whether position i of a valid JSON text is inside a string: odd count of real quotes after it. */
function insideString(line: string, i: number): boolean {
  let odd = false;
  for (let q = line.indexOf('"', i); q !== -1; q = line.indexOf('"', q + 1)) {
    // A quote after an odd run of backslashes is escaped.
    let b = q - 1;
    while (line.charCodeAt(b) === 92) b--;
    if (((q - 1 - b) & 1) === 0) odd = !odd;
  }
  return odd;
}
