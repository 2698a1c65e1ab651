/**
 * A command-line parser with pflag's grammar and error texts, so `flowlens observe` rejects
 * and accepts exactly what hubble (cobra/pflag) does:
 *
 * - `--name=value`, `--name value` (the next argument is taken even if it starts with `-`),
 *   `-n value`, `-nvalue`, `-n=value`, clustered short booleans (`-f4`);
 * - flags with a default-when-bare value (booleans, `--not`, `-4`/`-6`) take a value only
 *   through `=`;
 * - arguments not starting with `-` (and `-` itself) are positional, anywhere; `--` ends flags.
 *
 * Flags are applied in command-line order through `FlagSpec.set`, so order-dependent flags
 * (`--not`, filter conflicts) and "first error wins" behave as in hubble.
 */
import { goQuote, goQuoteRune } from '../../filter/go-strconv.js';

/** One flag definition. */
export interface FlagSpec {
  /** Long name without dashes. */
  name: string;
  /** One-character short name. */
  short?: string;
  /** Value used when the flag is given without `=value` (makes the value optional). */
  noOptDefVal?: string;
  /**
   * Applies one value. Throw an Error whose message is the reason; the parser wraps it as
   * `invalid argument "<value>" for "<flag>" flag: <reason>`.
   */
  set(value: string): void;
}

/** A command-line error with pflag's message. */
export class FlagParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlagParseError';
  }
}

/** `-n, --namespace` or `--from-ip`, as pflag names a flag in value errors. */
export function flagDisplayName(spec: Pick<FlagSpec, 'name' | 'short'>): string {
  return spec.short ? `-${spec.short}, --${spec.name}` : `--${spec.name}`;
}

function apply(spec: FlagSpec, value: string): void {
  try {
    spec.set(value);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new FlagParseError(
      `invalid argument ${goQuote(value)} for ${goQuote(flagDisplayName(spec))} flag: ${reason}`,
    );
  }
}

/**
 * Parses `args` against `specs`, calling each flag's `set` in order. Returns the positional
 * arguments. Throws FlagParseError on the first problem.
 */
export function parseFlags(args: readonly string[], specs: readonly FlagSpec[]): string[] {
  const byName = new Map<string, FlagSpec>();
  const byShort = new Map<string, FlagSpec>();
  for (const s of specs) {
    byName.set(s.name, s);
    if (s.short) byShort.set(s.short, s);
  }
  const positional: string[] = [];
  let i = 0;
  while (i < args.length) {
    const arg = args[i++];
    if (arg.length === 0 || arg[0] !== '-' || arg === '-') {
      positional.push(arg);
      continue;
    }
    if (arg === '--') {
      positional.push(...args.slice(i));
      break;
    }
    if (arg.startsWith('--')) {
      i = parseLong(arg, args, i, byName);
    } else {
      i = parseShorts(arg, args, i, byShort);
    }
  }
  return positional;
}

function parseLong(arg: string, args: readonly string[], i: number, byName: Map<string, FlagSpec>): number {
  const body = arg.slice(2);
  if (body.length === 0 || body[0] === '-' || body[0] === '=')
    throw new FlagParseError(`bad flag syntax: ${arg}`);
  const eq = body.indexOf('=');
  const name = eq < 0 ? body : body.slice(0, eq);
  const spec = byName.get(name);
  if (!spec) throw new FlagParseError(`unknown flag: --${name}`);
  let value: string;
  if (eq >= 0) value = body.slice(eq + 1);
  else if (spec.noOptDefVal !== undefined) value = spec.noOptDefVal;
  else if (i < args.length) value = args[i++];
  else throw new FlagParseError(`flag needs an argument: ${arg}`);
  apply(spec, value);
  return i;
}

function parseShorts(
  arg: string,
  args: readonly string[],
  i: number,
  byShort: Map<string, FlagSpec>,
): number {
  let shorts = arg.slice(1);
  while (shorts.length > 0) {
    const c = String.fromCodePoint(shorts.codePointAt(0)!);
    const spec = byShort.get(c);
    if (!spec) throw new FlagParseError(`unknown shorthand flag: ${goQuoteRune(c)} in -${shorts}`);
    let value: string;
    let rest = shorts.slice(c.length);
    if (rest.length > 1 && rest[0] === '=') {
      value = rest.slice(1);
      rest = '';
    } else if (spec.noOptDefVal !== undefined) {
      value = spec.noOptDefVal;
    } else if (rest.length > 0) {
      value = rest;
      rest = '';
    } else if (i < args.length) {
      value = args[i++];
    } else {
      throw new FlagParseError(`flag needs an argument: ${goQuoteRune(c)} in -${shorts}`);
    }
    apply(spec, value);
    shorts = rest;
  }
  return i;
}
