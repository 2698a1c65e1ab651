/**
 * Parses the filter bar into the FlowFilter lists `flowlens observe --print-raw-filters` would
 * show, plus the time flags and anything the bar cannot use, so the UI can echo the raw filter.
 */
import type { FlowFilter } from '../../filter/types';
import { FILTER_FLAGS, TIME_FLAGS, shellQuote, tokenize } from './observe-flags';

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

const CONFLICTS: readonly (readonly string[])[] = [
  ['from-fqdn', 'from-ip', 'from-namespace', 'from-pod', 'fqdn', 'ip', 'namespace', 'pod'],
  ['to-fqdn', 'to-ip', 'to-namespace', 'to-pod', 'fqdn', 'ip', 'namespace', 'pod'],
  ['label', 'from-label'],
  ['label', 'to-label'],
  ['service', 'from-service'],
  ['service', 'to-service'],
  ['port', 'to-port'],
  ['port', 'from-port'],
  ['identity', 'to-identity'],
  ['identity', 'from-identity'],
  ['workload', 'to-workload'],
  ['workload', 'from-workload'],
];

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
const SHORT: Record<string, string> = { n: 'namespace', t: 'type', o: 'output' };

class Side {
  left: FlowFilter = {};
  right: FlowFilter = {};
  used: string[] = [];
  touched = false;

  add(side: 'left' | 'right', field: keyof FlowFilter, el: unknown): void {
    const f = this[side] as Record<string, unknown[] | undefined>;
    (f[field] ??= []).push(el);
    this.touched = true;
  }

  track(name: string): void {
    if (!this.used.includes(name)) this.used.push(name);
    for (const g of CONFLICTS) {
      const hit = g.filter((f) => this.used.includes(f));
      if (hit.length >= 2) throw new Error(`filters --${hit[0]} and --${hit[1]} cannot be combined`);
    }
  }

  lists(): FlowFilter[] {
    if (!this.touched) return [];
    return JSON.stringify(this.left) === JSON.stringify(this.right) ? [this.left] : [this.left, this.right];
  }
}

/**
 * Parses `--verdict DROPPED --to-namespace shop` into allow/deny FlowFilters.
 *
 * @example parseFilterBar('-n shop --not --verdict FORWARDED').deny // [{ verdict: ['FORWARDED'] }]
 */
export function parseFilterBar(input: string): ParsedFilter {
  const out: ParsedFilter = { allow: [], deny: [], time: {}, filterFlags: '', ignored: [] };
  const allow = new Side();
  const deny = new Side();
  const kept: string[] = [];
  let negate = false;
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
      if (name === 'not') {
        if (negate) throw new Error('consecutive --not statements');
        negate = true;
        kept.push('--not');
        continue;
      }
      if ((TIME_FLAGS as readonly string[]).includes(name)) {
        out.time[name as (typeof TIME_FLAGS)[number]] = takeValue();
        continue;
      }
      const action = FILTER_FLAGS.get(name);
      if (!action) {
        if (VALUE_FLAGS.has(name)) out.ignored.push(`--${name} ${takeValue()}`);
        else if (['follow', 'f', 'first', 'all', 'all-namespaces', 'A', 'print-raw-filters'].includes(name))
          out.ignored.push(`--${name}`);
        else throw new Error(`unknown flag: --${name}`);
        continue;
      }
      const target = negate ? deny : allow;
      negate = false;
      target.track(name);
      const raw = action.noValue ? '' : takeValue();
      const el = (action.value ?? ((v: string) => v))(raw);
      if (action.both) {
        target.add('left', action.both, el);
        target.add('right', action.both, structuredClone(el));
      } else if (action.either) {
        target.add('left', action.either[0], el);
        target.add('right', action.either[1], structuredClone(el));
      }
      kept.push(action.noValue ? `--${name}` : `--${name} ${shellQuote(raw)}`);
    }
    if (negate) throw new Error('trailing --not found in the arguments');
  } catch (e) {
    out.error = e instanceof Error ? e.message : String(e);
  }
  out.allow = allow.lists();
  out.deny = deny.lists();
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
