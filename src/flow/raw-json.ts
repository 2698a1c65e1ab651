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

/**
 * True when a JSON line is written the way Go's encoder writes it, given that its decoded
 * values are canonical: no whitespace outside strings and no characters Go would escape
 * (backslash escapes, `<`, `>`, `&`, U+2028, U+2029). Raw control characters cannot occur:
 * JSON.parse rejects them inside strings and any outside strings are whitespace.
 */
export function isCanonicalJsonText(line: string): boolean {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 34) inString = !inString;
    else if (c === 92 || c === 60 || c === 62 || c === 38 || c === 0x2028 || c === 0x2029) return false;
    else if (c <= 32 && !inString) return false;
  }
  return true;
}
