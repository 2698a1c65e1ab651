/**
 * ANSI colors of the compact and dict printers (fatih/color semantics as used by hubble):
 * every colored value is wrapped as `ESC[<code>m` + value + `ESC[0m`, including empty values.
 */

const RESET = '\u001b[0m';
const CYAN = '\u001b[36m';
const YELLOW = '\u001b[33m';
const MAGENTA = '\u001b[35m';
const GREEN = '\u001b[32m';
const RED = '\u001b[31m';

/** The colorable pieces of a flow line. Values passed in must already be sanitized. */
export interface Colorizer {
  /** Host (source/destination), wrapping the already-colored port if any: cyan. */
  host(s: string): string;
  /** Port inside a host: yellow. */
  port(s: string): string;
  /** `(identity)`: magenta. */
  identity(s: string): string;
  /** Verdict text as displayed (`FORWARDED`, `ALLOWED`, ...): green/red/yellow/none. */
  verdict(s: string): string;
  /** Auth type name after `; Auth: `: green, red for `TEST_ALWAYS_FAIL`. */
  authType(s: string): string;
}

const identityFn = (s: string): string => s;

/** A colorizer that returns its input unchanged (`--color never`, table output). */
export const plainColorizer: Colorizer = Object.freeze({
  host: identityFn,
  port: identityFn,
  identity: identityFn,
  verdict: identityFn,
  authType: identityFn,
});

function verdictColor(v: string): string | undefined {
  switch (v) {
    case 'FORWARDED':
    case 'REDIRECTED':
    case 'ALLOWED':
      return GREEN;
    case 'DROPPED':
    case 'ERROR':
    case 'DENIED':
      return RED;
    case 'AUDIT':
    case 'AUDITED':
    case 'TRACED':
    case 'TRANSLATED':
      return YELLOW;
    default:
      return undefined;
  }
}

/** The colorizer used for `--color always` (or `auto` on a terminal). */
export const ansiColorizer: Colorizer = Object.freeze({
  host: (s: string) => CYAN + s + RESET,
  port: (s: string) => YELLOW + s + RESET,
  identity: (s: string) => MAGENTA + s + RESET,
  verdict: (s: string) => {
    const c = verdictColor(s);
    return c === undefined ? s : c + s + RESET;
  },
  authType: (s: string) => (s === 'TEST_ALWAYS_FAIL' ? RED : GREEN) + s + RESET,
});

/** Picks the colorizer for a resolved color flag. */
export function colorizer(enabled: boolean): Colorizer {
  return enabled ? ansiColorizer : plainColorizer;
}

/** What `resolveColor` needs to know about the process; injected so it stays testable. */
export interface ColorEnvironment {
  /** Whether stdout is a terminal. */
  isTTY: boolean;
  /** Value of `NO_COLOR` (undefined when unset). */
  noColor?: string;
  /** Value of `TERM`. */
  term?: string;
}

/**
 * Resolves the `--color` flag like hubble v0.12.3: case-insensitive; `always` → on,
 * `never` → off, `auto` and any unknown value → on only when stdout is a terminal, `NO_COLOR`
 * is empty/unset and `TERM` is not `dumb`.
 *
 * @example resolveColor('auto', { isTTY: process.stdout.isTTY === true, noColor: process.env.NO_COLOR, term: process.env.TERM })
 */
export function resolveColor(flag: string, env: ColorEnvironment): boolean {
  const mode = flag.toLowerCase();
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  return env.isTTY && !env.noColor && env.term !== 'dumb';
}
