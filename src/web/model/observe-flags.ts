/**
 * The filter bar's flags: the filter flags of `flowlens observe` (hubble v0.12.3 semantics),
 * tokenised and translated to FlowFilter allow/deny lists so the UI can show the raw filter
 * before the server answers. The server does the authoritative translation (the CLI's code);
 * this mirror exists because web/ may not import cli/. Keep the table in step with
 * src/cli/observe/filter-flags.ts.
 */
import type { FlowFilter } from '../../filter/types';

type Field = keyof FlowFilter;

interface Action {
  both?: Field;
  either?: [Field, Field];
  value?: (v: string) => unknown;
  /** Boolean flags take no value. */
  noValue?: boolean;
}

const VERDICTS = ['FORWARDED', 'DROPPED', 'ERROR', 'AUDIT', 'REDIRECTED', 'TRACED', 'TRANSLATED'];
const TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'NS'];
const EVENT_TYPES: Record<string, number> = {
  drop: 1,
  debug: 2,
  capture: 3,
  trace: 4,
  'policy-verdict': 5,
  recorder: 6,
  'trace-sock': 7,
  l7: 129,
  agent: 130,
};
const TRACE_SUBTYPES = [
  'to-endpoint',
  'to-proxy',
  'to-host',
  'to-stack',
  'to-overlay',
  'from-endpoint',
  'from-proxy',
  'from-host',
  'from-stack',
  'from-overlay',
  'from-network',
  'to-network',
];

function verdict(v: string): string {
  const u = v.toUpperCase();
  if (!VERDICTS.includes(u)) throw new Error(`invalid verdict "${v}" (one of ${VERDICTS.join(', ')})`);
  return u;
}

function tcpFlags(v: string): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const f of v.split(',')) {
    const u = f.trim().toUpperCase();
    if (!TCP_FLAGS.includes(u)) throw new Error(`unknown TCP flag "${f}"`);
    out[u] = true;
  }
  return out;
}

function eventType(v: string): { type: number; match_sub_type?: boolean; sub_type?: number } {
  const [t, sub] = v.split(':', 2);
  const type = EVENT_TYPES[t] ?? (/^\d+$/.test(t) ? Number(t) : undefined);
  if (type === undefined) throw new Error(`unknown event type "${t}"`);
  if (sub === undefined) return { type };
  const idx = t === 'trace' ? TRACE_SUBTYPES.indexOf(sub) : -1;
  const subType = idx >= 0 ? idx : /^\d+$/.test(sub) ? Number(sub) : undefined;
  if (subType === undefined) throw new Error(`unknown event sub-type "${sub}"`);
  return subType === 0 ? { type, match_sub_type: true } : { type, match_sub_type: true, sub_type: subType };
}

function workload(v: string): { name?: string; kind?: string } {
  const slash = v.indexOf('/');
  const name = slash < 0 ? v : v.slice(slash + 1);
  const kind = slash < 0 ? '' : v.slice(0, slash);
  return { ...(name ? { name } : {}), ...(kind ? { kind } : {}) };
}

function identity(v: string): number {
  if (!/^\d+$/.test(v)) throw new Error(`invalid identity "${v}"`);
  return Number(v);
}

function direction(v: string): string {
  const u = v.toUpperCase();
  if (u !== 'INGRESS' && u !== 'EGRESS') throw new Error(`invalid traffic direction "${v}"`);
  return u;
}

const ns = (v: string): string => v + '/';

/** Every filter flag by long name (hubble v0.12.3). */
export const FILTER_FLAGS: ReadonlyMap<string, Action> = new Map<string, Action>([
  ['uuid', { both: 'uuid' }],
  ['from-fqdn', { both: 'source_fqdn' }],
  ['to-fqdn', { both: 'destination_fqdn' }],
  ['fqdn', { either: ['source_fqdn', 'destination_fqdn'] }],
  ['from-pod', { both: 'source_pod' }],
  ['to-pod', { both: 'destination_pod' }],
  ['pod', { either: ['source_pod', 'destination_pod'] }],
  ['from-namespace', { both: 'source_pod', value: ns }],
  ['to-namespace', { both: 'destination_pod', value: ns }],
  ['namespace', { either: ['source_pod', 'destination_pod'], value: ns }],
  ['from-ip', { both: 'source_ip' }],
  ['to-ip', { both: 'destination_ip' }],
  ['ip', { either: ['source_ip', 'destination_ip'] }],
  ['ipv4', { both: 'ip_version', value: () => 'IPv4', noValue: true }],
  ['ipv6', { both: 'ip_version', value: () => 'IPv6', noValue: true }],
  ['from-label', { both: 'source_label' }],
  ['to-label', { both: 'destination_label' }],
  ['label', { either: ['source_label', 'destination_label'] }],
  ['from-service', { both: 'source_service' }],
  ['to-service', { both: 'destination_service' }],
  ['service', { either: ['source_service', 'destination_service'] }],
  ['from-port', { both: 'source_port' }],
  ['to-port', { both: 'destination_port' }],
  ['port', { either: ['source_port', 'destination_port'] }],
  ['trace-id', { both: 'trace_id' }],
  ['verdict', { both: 'verdict', value: verdict }],
  ['http-status', { both: 'http_status_code' }],
  ['http-method', { both: 'http_method' }],
  ['http-path', { both: 'http_path' }],
  ['type', { both: 'event_type', value: eventType }],
  ['protocol', { both: 'protocol' }],
  ['from-workload', { both: 'source_workload', value: workload }],
  ['to-workload', { both: 'destination_workload', value: workload }],
  ['workload', { either: ['source_workload', 'destination_workload'], value: workload }],
  ['from-identity', { both: 'source_identity', value: identity }],
  ['to-identity', { both: 'destination_identity', value: identity }],
  ['identity', { either: ['source_identity', 'destination_identity'], value: identity }],
  ['node-name', { both: 'node_name' }],
  ['tcp-flags', { both: 'tcp_flags', value: tcpFlags }],
  ['traffic-direction', { both: 'traffic_direction', value: direction }],
]);

/** Flags of `observe` that select time rather than flows; the UI maps them to its range. */
export const TIME_FLAGS = ['since', 'until', 'last'] as const;

/**
 * Splits a command line like a POSIX shell would for words: whitespace separates, single quotes
 * are literal, double quotes allow `\"` and `\\`, a backslash outside quotes escapes one char.
 * Throws on an unterminated quote.
 */
export function tokenize(input: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && (input[i + 1] === '"' || input[i + 1] === '\\')) cur += input[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < input.length) {
      cur += input[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote`);
  if (inWord) out.push(cur);
  return out;
}

/** Quotes a word for a POSIX shell only when needed (single quotes, `'\''` for quotes). */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
