/**
 * Terminal safety for the text printers (compact, dict, table).
 *
 * Flow strings (pod and namespace names, DNS names, URLs inside Summary, node names, ...) come
 * from the network and are untrusted. hubble v0.12.3 writes them raw, so an ESC inside a pod
 * name can drive the terminal. flowlens deliberately diverges (spec hubble-cli-observe.md §4,
 * "Control characters"): every C0 control (U+0000–U+001F, including TAB, CR and LF), DEL
 * (U+007F) and C1 control (U+0080–U+009F) is replaced by the four visible characters `\xHH`
 * (lower-case hex), e.g. ESC → `\x1b`, CR → `\x0d`. Backslashes themselves are left alone so
 * ordinary strings print exactly as hubble prints them.
 *
 * Only untrusted values are passed through here; the printers' own ANSI color sequences are
 * added afterwards and stay intact. As a side effect a TAB can no longer split a table cell.
 */

// Compiled once; `test` on a non-global regex has no lastIndex state.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return (code < 16 ? '\\x0' : '\\x') + code.toString(16);
}

/**
 * Returns `s` with control characters replaced by `\xHH`; returns `s` itself (no allocation)
 * when it contains none, which is the overwhelmingly common case.
 *
 * @example sanitize('evil\u001b[2J') === 'evil\\x1b[2J'
 */
export function sanitize(s: string): string {
  return CONTROL.test(s) ? s.replace(CONTROL_ALL, escapeChar) : s;
}

/** `sanitize` for an optional value: `undefined` becomes `''`. */
export function sanitizeOpt(s: string | undefined): string {
  return s === undefined ? '' : sanitize(s);
}
