/**
 * Typed access to a handler's options (keys are case-insensitive), and the options every
 * handler accepts besides its own: `budget=N` (series per family), `ttl=DURATION` (idle series
 * expiry, `0` = never) and `exemplars=true` (record the flow uuid, and trace id, as exemplar).
 */
import type { OptionEntry } from './config/parse.js';
import { MetricsError } from './errors.js';

/** Options accepted by every handler. */
export const COMMON_OPTIONS: Readonly<Record<string, string>> = {
  budget: 'maximum number of series per family (default 10000; histograms 2000)',
  ttl: 'remove series not updated for this long, e.g. 10m (default 10m; 0 keeps them)',
  exemplars: 'true: attach the flow uuid (and trace id) as exemplar (OpenMetrics only)',
};

/** Parses a duration: `500ms`, `30s`, `10m`, `1h`, `1h30m`, or a plain number of seconds. */
export function parseDuration(s: string): number {
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    pos = re.lastIndex;
  }
  if (pos !== s.length || s === '') throw new MetricsError('METRICS_CONFIG', `invalid duration '${s}'`);
  return total;
}

/** A handler's options. */
export class HandlerOptions {
  private readonly byKey = new Map<string, OptionEntry>();

  constructor(
    readonly handler: string,
    entries: readonly OptionEntry[],
  ) {
    for (const e of entries) this.byKey.set(e.key.toLowerCase(), e);
  }

  /** True when the option is given (as a flag or with a value). */
  has(key: string): boolean {
    return this.byKey.has(key.toLowerCase());
  }

  /** Raw value text ('' for a flag), or undefined. */
  raw(key: string): string | undefined {
    return this.byKey.get(key.toLowerCase())?.raw;
  }

  /** Split values. */
  values(key: string): string[] {
    return this.byKey.get(key.toLowerCase())?.values ?? [];
  }

  /** A boolean option: a bare flag or `true`/`false`. */
  bool(key: string, dflt = false): boolean {
    const e = this.byKey.get(key.toLowerCase());
    if (e === undefined) return dflt;
    if (e.raw === '') return true;
    const v = e.raw.toLowerCase();
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw new MetricsError(
      'METRICS_CONFIG',
      `option ${e.key} of metric '${this.handler}' must be true or false, got '${e.raw}'`,
    );
  }

  /** A positive integer option. */
  int(key: string, dflt: number): number {
    const e = this.byKey.get(key.toLowerCase());
    if (e === undefined) return dflt;
    const n = Number(e.raw);
    if (!Number.isInteger(n) || n <= 0)
      throw new MetricsError(
        'METRICS_CONFIG',
        `option ${e.key} of metric '${this.handler}' must be a positive integer, got '${e.raw}'`,
      );
    return n;
  }

  /** A duration option in ms. */
  duration(key: string, dflt: number): number {
    const e = this.byKey.get(key.toLowerCase());
    return e === undefined ? dflt : parseDuration(e.raw);
  }
}
