/**
 * Parses the filter bar into the FlowFilter lists `flowlens observe --print-raw-filters` would
 * show, plus the time flags and anything the bar cannot use, so the UI can echo the raw filter.
 */
import { FILTER_SHORTHANDS, FilterFlags, filterFlagSpec } from '../../filter/flags';
import type { FlowFilter } from '../../filter/types';
import { TIME_FLAGS, shellQuote, tokenize } from './observe-flags';

/** Result of parsing the filter bar. */
export interface ParsedFilter {
  allow: FlowFilter[];
  deny: FlowFilter[];
  /** `--since`/`--until`/`--last` values found in the bar. */
  time: Partial<Record<(typeof TIME_FLAGS)[number], string>>;
  /** The flags that select flows, re-quoted: what is sent to the server as `filter`. */
  filterFlags: string;
  /** Flags accepted by observe but meaningless here (output format, follow, ...). */
  ignored: string[];
  /** First error, hubble-style, or undefined. */
  error?: string;
}

/** Non-filter observe flags that take a value (skipped with it). */
const VALUE_FLAGS = new Set([
  'output',
  'o',
  'server',
  'time-format',
  'color',
  'field-mask',
  'print-node-name',
]);
const SHORT: Record<string, string> = { ...Object.fromEntries(FILTER_SHORTHANDS), o: 'output' };

/**
 * Parses `--verdict DROPPED --to-namespace shop` into allow/deny FlowFilters.
 *
 * @example parseFilterBar('-n shop --not --verdict FORWARDED').deny // [{ verdict: ['FORWARDED'] }]
 */
export function parseFilterBar(input: string): ParsedFilter {
  const out: ParsedFilter = { allow: [], deny: [], time: {}, filterFlags: '', ignored: [] };
  // The translation (table, value parsers, conflicts, --not) is the CLI's: src/filter/flags.ts.
  const flags = new FilterFlags();
  const kept: string[] = [];
  try {
    const words = tokenize(input);
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      const m = /^--?([A-Za-z0-9-]+)(?:=(.*))?$/s.exec(w);
      if (!m || w === '-' || w === '--') throw new Error(`unexpected argument "${w}"`);
      const isShort = !w.startsWith('--');
      const name = isShort ? SHORT[m[1]] : m[1];
      if (!name) throw new Error(`unknown shorthand flag: '${m[1]}' in ${w}`);
      const inline = m[2];
      const takeValue = (): string => {
        if (inline !== undefined) return inline;
        if (i + 1 >= words.length) throw new Error(`flag needs an argument: --${name}`);
        return words[++i];
      };
      if ((TIME_FLAGS as readonly string[]).includes(name)) {
        out.time[name as (typeof TIME_FLAGS)[number]] = takeValue();
        continue;
      }
      if (!FilterFlags.isFilterFlag(name)) {
        if (VALUE_FLAGS.has(name)) out.ignored.push(`--${name} ${takeValue()}`);
        else if (['follow', 'f', 'first', 'all', 'all-namespaces', 'A', 'print-raw-filters'].includes(name))
          out.ignored.push(`--${name}`);
        else throw new Error(`unknown flag: --${name}`);
        continue;
      }
      // Flags with a default (`--not`, `--ipv4`, `--ipv6`) never take the next word.
      const noOpt = filterFlagSpec(name)?.noOptDefVal;
      const raw = noOpt === undefined ? takeValue() : (inline ?? noOpt);
      flags.set(name, raw);
      kept.push(noOpt === undefined ? `--${name} ${shellQuote(raw)}` : `--${name}`);
    }
    if (flags.trailingNot) throw new Error('trailing --not found in the arguments');
  } catch (e) {
    out.error = e instanceof Error ? e.message : String(e);
  }
  out.allow = flags.allowlist();
  out.deny = flags.denylist();
  out.filterFlags = kept.join(' ');
  return out;
}

/** The raw filter as `--print-raw-filters` shows it (one JSON object per line). */
export function formatRawFilter(p: Pick<ParsedFilter, 'allow' | 'deny'>, extraAllow?: FlowFilter[]): string {
  const allow = [...p.allow, ...(extraAllow ?? [])];
  const lines = ['allowlist:'];
  for (const f of allow) lines.push(`- '${JSON.stringify(f)}'`);
  if (allow.length === 0) lines[0] = 'allowlist: []';
  lines.push(p.deny.length ? 'denylist:' : 'denylist: []');
  for (const f of p.deny) lines.push(`- '${JSON.stringify(f)}'`);
  return lines.join('\n');
}
