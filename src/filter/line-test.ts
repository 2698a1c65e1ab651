/**
 * Raw-line prefilter primitives. A LineTest is a *necessary* condition: it may return true for
 * a line whose flow does not match, but must never return false for a line whose flow matches.
 *
 * Soundness argument: the tests only look for literal text that every JSON encoding of a
 * matching flow contains — a string value `"v"` or an object key — unless that text is written
 * with escapes. Escapes always contain a backslash, so a line containing a backslash is
 * accepted unconditionally by the caller (compileLinePrefilter), and the tests here may assume
 * a backslash-free line.
 */

/** A cheap test on the raw JSON text of one event line. */
export type LineTest = (line: string) => boolean;

/** Line contains the JSON string `"value"` (or `"value` when `prefixOnly`). */
export function quotedToken(value: string, prefixOnly = false): LineTest {
  const token = prefixOnly ? '"' + value : '"' + value + '"';
  return (line) => line.indexOf(token) !== -1;
}

/** Line contains the raw text `text`. */
export function rawToken(text: string): LineTest {
  return (line) => line.indexOf(text) !== -1;
}

/** ORs line tests; `undefined` entries mean "no constraint", which makes the OR unconstrained. */
export function anyLine(tests: readonly (LineTest | undefined)[]): LineTest | undefined {
  if (tests.length === 0 || tests.some((t) => t === undefined)) return undefined;
  const all = tests as LineTest[];
  if (all.length === 1) return all[0];
  return (line) => {
    for (let i = 0; i < all.length; i++) if (all[i](line)) return true;
    return false;
  };
}

/** ANDs line tests, ignoring unconstrained (`undefined`) entries. */
export function allLines(tests: readonly (LineTest | undefined)[]): LineTest | undefined {
  const all = tests.filter((t): t is LineTest => t !== undefined);
  if (all.length === 0) return undefined;
  if (all.length === 1) return all[0];
  return (line) => {
    for (let i = 0; i < all.length; i++) if (!all[i](line)) return false;
    return true;
  };
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/**
 * True when some key in `keys` (e.g. `"verdict"`) is followed by a value that is not an enum
 * *name* (a number, a numeric string, null, ...). Used with a name token: a flow whose enum is
 * DROPPED contains `"DROPPED"` or a non-name value under its key.
 */
export function nonNameEnumValue(keys: readonly string[]): LineTest {
  const quoted = keys.map((k) => '"' + k + '"');
  return (line) => {
    for (const key of quoted) {
      let from = 0;
      for (;;) {
        const at = line.indexOf(key, from);
        if (at === -1) break;
        let i = at + key.length;
        from = i;
        while (i < line.length && isWs(line.charCodeAt(i))) i++;
        if (line.charCodeAt(i) !== 0x3a /* : */) continue;
        i++;
        while (i < line.length && isWs(line.charCodeAt(i))) i++;
        if (line.charCodeAt(i) === 0x22 /* " */ && isLetter(line.charCodeAt(i + 1))) continue;
        return true;
      }
    }
    return false;
  };
}
