/**
 * The raw JSON line an event was decoded from, kept when that line is exactly what the
 * v0.12.3 encoder would write for it. `-o json` output then reuses the line instead of
 * re-encoding (hubble's output equals its canonical input), which doubles dump throughput.
 *
 * Only valid while the event is unmodified: code that changes a decoded event must call
 * `clearRawJson` (or build a new object).
 */
const RAW_JSON = Symbol('flowlens.rawJson');

type WithRaw = { [RAW_JSON]?: string };

/** Attaches the canonical source line to a freshly decoded event. */
export function setRawJson(ev: object, line: string): void {
  (ev as WithRaw)[RAW_JSON] = line;
}

/** The canonical source line of an event, if it has one. */
export function rawJson(ev: object): string | undefined {
  return (ev as WithRaw)[RAW_JSON];
}

/** Forgets the source line (call after modifying an event). */
export function clearRawJson(ev: object): void {
  delete (ev as WithRaw)[RAW_JSON];
}

/** Characters Go would escape, and raw control characters that can only be whitespace here. */
const ESCAPED_BY_GO = /[\\<>&\u2028\u2029\t\r\n]/;

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
 * True when a JSON line is written the way Go's encoder writes it, given that its decoded
 * values are canonical: no characters Go would escape (backslash escapes, `<`, `>`, `&`,
 * U+2028, U+2029) and no whitespace between tokens. Outside strings a space run can only sit
 * between the end of one token and the start of the next, so every space run is checked for
 * that shape; a match inside a string ("HTTP/1.1 200") only costs a re-encode. Spaces are few,
 * so this is one fast scan (a character loop in JavaScript measured about 8x slower).
 */
export function isCanonicalJsonText(line: string): boolean {
  if (ESCAPED_BY_GO.test(line)) return false;
  let i = line.indexOf(' ');
  while (i !== -1) {
    let j = i + 1;
    while (line.charCodeAt(j) === 32) j++;
    if (i === 0 || j >= line.length || (endsToken(line.charCodeAt(i - 1)) && startsToken(line.charCodeAt(j))))
      return false;
    i = line.indexOf(' ', j);
  }
  return true;
}
