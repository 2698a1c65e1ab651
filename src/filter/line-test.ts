/**
 * Raw-line prefilter primitives. A LineTest is a *necessary* condition: it may return true for
 * a line whose flow does not match, but must never return false for a line whose flow matches.
 *
 * Soundness argument: the tests only look for literal text that every JSON encoding of a
 * matching flow contains — a string value `"v"` or an object key — unless that text is written
 * with escapes. A value without `"`, `\`, `/` or control characters can only be escaped with
 * `\uXXXX`, so for such "plain" tokens the caller (compileLinePrefilter) accepts every line
 * containing `\u`; when some token is not plain (a header value `curl/8.5.0` may be written
 * `curl\/8.5.0`) it accepts every line containing a backslash. The tests here may therefore
 * assume the token is written literally.
 */

/** A cheap test on the raw JSON text of one event line. */
export type LineTest = ((line: string) => boolean) & {
  /** Some token of this test is not plain: lines with any backslash must be accepted. */
  readonly strict?: boolean;
};

/** A token that JSON can spell differently only through `\uXXXX` escapes. */
function isPlain(token: string): boolean {
  return !/["\\/\u0000-\u001f]/.test(token);
}

function withStrictness(test: (line: string) => boolean, strict: boolean): LineTest {
  return strict ? Object.assign(test, { strict: true }) : test;
}

const shared = new Map<string, LineTest>();
const SHARED_LIMIT = 4096;

/**
 * Returns the shared instance of a primitive test, memoised on the last line it saw: the same
 * token required by several ORed filters (`verdict` in both halves of `--namespace`) is then
 * searched once per line.
 */
function sharedTest(key: string, strict: boolean, make: () => (line: string) => boolean): LineTest {
  let t = shared.get(key);
  if (t === undefined) {
    const test = make();
    let lastLine: string | undefined;
    let lastResult = false;
    t = withStrictness((line) => {
      if (line === lastLine) return lastResult;
      lastResult = test(line);
      lastLine = line;
      return lastResult;
    }, strict);
    if (shared.size < SHARED_LIMIT) shared.set(key, t);
  }
  return t;
}

/**
 * Line contains the JSON string `"value"` (or `"value` when `prefixOnly`). V8 scans for the
 * first character of a pattern, and `"` is everywhere in JSON, so we search for the text after
 * the opening quote and check the quote before it (about 10x faster on flow lines).
 */
export function quotedToken(value: string, prefixOnly = false): LineTest {
  return sharedTest(`q${prefixOnly ? 'p' : 'f'}:${value}`, !isPlain(value), () => {
    const tail = prefixOnly ? value : value + '"';
    if (tail === '') return (line) => line.indexOf('"') !== -1;
    return (line) => {
      for (let i = line.indexOf(tail); i !== -1; i = line.indexOf(tail, i + 1)) {
        if (line.charCodeAt(i - 1) === 0x22) return true;
      }
      return false;
    };
  });
}

/** Line contains the raw text `text`. */
export function rawToken(text: string): LineTest {
  return sharedTest(`r:${text}`, !isPlain(text.replace(/"$/, '')), () => (line) => line.indexOf(text) !== -1);
}

/** ORs line tests; `undefined` entries mean "no constraint", which makes the OR unconstrained. */
export function anyLine(tests: readonly (LineTest | undefined)[]): LineTest | undefined {
  if (tests.length === 0 || tests.some((t) => t === undefined)) return undefined;
  const all = tests as LineTest[];
  if (all.length === 1) return all[0];
  return withStrictness(
    (line) => {
      for (let i = 0; i < all.length; i++) if (all[i](line)) return true;
      return false;
    },
    all.some((t) => t.strict === true),
  );
}

/** ANDs line tests, ignoring unconstrained (`undefined`) entries. */
export function allLines(tests: readonly (LineTest | undefined)[]): LineTest | undefined {
  const all = tests.filter((t): t is LineTest => t !== undefined);
  if (all.length === 0) return undefined;
  if (all.length === 1) return all[0];
  return withStrictness(
    (line) => {
      for (let i = 0; i < all.length; i++) if (!all[i](line)) return false;
      return true;
    },
    all.some((t) => t.strict === true),
  );
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
 * DROPPED contains `"DROPPED"` or a non-name value under its key. Every occurrence is checked
 * (a nested object could carry the same key). JSON white space is space, tab, CR and LF.
 */
export function nonNameEnumValue(keys: readonly string[]): LineTest {
  return sharedTest(`e:${keys.join(',')}`, false, () => {
    const tails = keys.map((k) => k + '"');
    return (line) => {
      for (const tail of tails) {
        for (let at = line.indexOf(tail); at !== -1; at = line.indexOf(tail, at + 1)) {
          if (line.charCodeAt(at - 1) !== 0x22) continue;
          let i = at + tail.length;
          while (isWs(line.charCodeAt(i))) i++;
          if (line.charCodeAt(i) !== 0x3a /* : */) continue;
          i++;
          while (isWs(line.charCodeAt(i))) i++;
          if (line.charCodeAt(i) === 0x22 && isLetter(line.charCodeAt(i + 1))) continue;
          return true;
        }
      }
      return false;
    };
  });
}
