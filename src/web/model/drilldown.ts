/**
 * Click-through from a dashboard series, heatmap cell or map edge to the flows behind it: the
 * panel's filter, the template variables and the clicked group become `flowlens observe` flags,
 * and fields that have no flag (drop reason, DNS query, reply) become an ANDed FlowFilter.
 */
import type { Dimension } from '../../server/http/contract';
import type { FlowFilter } from '../../filter/types';
import { shellQuote } from './observe-flags';

/** Dashboard template variables. */
export interface TemplateVars {
  node?: string;
  namespace?: string;
  workload?: string;
}

/** Where a click leads: flags, extra ANDed fields and a time window (epoch ms). */
export interface FlowsLink {
  filter: string;
  and?: FlowFilter;
  from?: number;
  to?: number;
}

/** Escapes a string for an anchored regular expression (dns_query / http_path match regexes). */
export function exactRegex(s: string): string {
  return '^' + s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$';
}

/** Normalises a tcp_flag group key ("SYN-ACK", "SYN|ACK", "syn,ack") to the flag syntax. */
export function tcpFlagValue(key: string): string {
  return key
    .toUpperCase()
    .split(/[^A-Z]+/)
    .filter(Boolean)
    .join(',');
}

class FlagSet {
  flags = new Map<string, string>();
  and: FlowFilter = {};
  set(flag: string, value: string): void {
    this.flags.set(flag, value);
  }
  drop(flag: string): void {
    this.flags.delete(flag);
  }
  text(): string {
    return [...this.flags].map(([f, v]) => (v === '' ? `--${f}` : `--${f} ${shellQuote(v)}`)).join(' ');
  }
}

/** Applies a (namespace-qualified or bare) pod key on one side, replacing that side's namespace flag. */
function setPod(fs: FlagSet, side: 'from' | 'to', key: string, ns?: string): void {
  if (!key) return;
  fs.drop(`${side}-namespace`);
  fs.drop('namespace');
  fs.set(`${side}-pod`, key.includes('/') || !ns ? key : `${ns}/${key}`);
}

function setWorkload(fs: FlagSet, side: 'from' | 'to', key: string): void {
  if (!key) return;
  const slash = key.indexOf('/');
  if (slash > 0) {
    fs.drop('namespace');
    fs.set(`${side}-namespace`, key.slice(0, slash));
    fs.set(`${side}-workload`, key.slice(slash + 1));
  } else fs.set(`${side}-workload`, key);
}

function applyDimension(
  fs: FlagSet,
  dim: Dimension,
  v: string,
  vars: TemplateVars,
  keyNs: { source?: string; destination?: string },
): void {
  if (v === '' && dim !== 'is_reply') return;
  switch (dim) {
    case 'verdict':
      return fs.set('verdict', v);
    case 'drop_reason':
      fs.and.drop_reason_desc = [v];
      return;
    case 'protocol':
    case 'l7_protocol':
      return fs.set('protocol', v.toLowerCase());
    case 'node':
      return fs.set('node-name', v);
    case 'traffic_direction':
      return fs.set('traffic-direction', v);
    case 'source_namespace':
      return fs.flags.has('from-pod') ? undefined : (fs.drop('namespace'), fs.set('from-namespace', v));
    case 'destination_namespace':
      return fs.flags.has('to-pod') ? undefined : (fs.drop('namespace'), fs.set('to-namespace', v));
    case 'source_workload':
      return setWorkload(fs, 'from', v);
    case 'destination_workload':
      return setWorkload(fs, 'to', v);
    case 'source_pod':
      return setPod(fs, 'from', v, keyNs.source ?? vars.namespace);
    case 'destination_pod':
      return setPod(fs, 'to', v, keyNs.destination ?? vars.namespace);
    case 'destination_port':
      return fs.set('to-port', v);
    case 'dns_query':
      fs.and.dns_query = [exactRegex(v)];
      return;
    case 'http_status':
      return fs.set('http-status', v);
    case 'http_method':
      return fs.set('http-method', v);
    case 'http_path':
      return fs.set('http-path', exactRegex(v));
    case 'tcp_flag':
      return fs.set('tcp-flags', tcpFlagValue(v));
    case 'is_reply':
      if (v === 'true' || v === 'false') fs.and.reply = [v === 'true'];
      return;
    default:
      // dns_rcode, dns_qtype, kafka_*: no FlowFilter field; the window and other fields narrow it.
      return;
  }
}

/** Parses simple `--flag value` pairs of a panel filter (panel filters are written by us). */
function panelFlags(fs: FlagSet, filter: string): void {
  const words = filter.split(/\s+/).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const f = words[i].replace(/^--/, '');
    const next = words[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      fs.set(f, next);
      i++;
    } else fs.set(f, '');
  }
}

/**
 * The flows behind one clicked group of a panel.
 *
 * @example
 * drilldown({ filter: '--verdict DROPPED', side: 'source' }, { namespace: 'shop' },
 *   ['source_pod'], ['shop/web-1'], [t, t + 60_000])
 * // { filter: "--verdict DROPPED --from-pod shop/web-1", from: t, to: t + 60000 }
 */
export function drilldown(
  panel: { filter?: string; side?: 'source' | 'destination' },
  vars: TemplateVars,
  groupBy: readonly Dimension[],
  key: readonly string[],
  window?: [number, number],
): FlowsLink {
  const fs = new FlagSet();
  panelFlags(fs, panel.filter ?? '');
  const dir = panel.side === 'source' ? 'from-' : panel.side === 'destination' ? 'to-' : '';
  if (vars.node) fs.set('node-name', vars.node);
  if (vars.namespace) fs.set(`${dir}namespace`, vars.namespace);
  if (vars.workload) fs.set(`${dir}workload`, vars.workload);
  // Namespaces in the key qualify bare pod names; pods go last so they replace namespace flags.
  const keyNs: { source?: string; destination?: string } = {};
  groupBy.forEach((d, i) => {
    if (d === 'source_namespace' && key[i]) keyNs.source = key[i];
    if (d === 'destination_namespace' && key[i]) keyNs.destination = key[i];
  });
  const order = groupBy.map((d, i) => [d, key[i] ?? ''] as const);
  const isPod = (d: Dimension) => d === 'source_pod' || d === 'destination_pod';
  for (const [d, v] of [...order.filter(([d]) => !isPod(d)), ...order.filter(([d]) => isPod(d))])
    applyDimension(fs, d, v, vars, keyNs);
  const link: FlowsLink = { filter: fs.text() };
  if (Object.keys(fs.and).length) link.and = fs.and;
  if (window) [link.from, link.to] = window;
  return link;
}

/** The /flows URL of a link. */
export function flowsHref(link: FlowsLink): string {
  const p = new URLSearchParams();
  if (link.filter) p.set('filter', link.filter);
  if (link.and) p.set('and', JSON.stringify(link.and));
  if (link.from !== undefined && link.to !== undefined) {
    p.set('from', new Date(link.from).toISOString());
    p.set('to', new Date(link.to).toISOString());
  }
  return `/flows?${p.toString()}`;
}

/** ANDs extra fields into each allow filter (an empty list becomes just the extra filter). */
export function andInto(allow: readonly FlowFilter[], extra: FlowFilter | undefined): FlowFilter[] {
  if (!extra) return [...allow];
  if (allow.length === 0) return [{ ...extra }];
  return allow.map((f) => ({ ...f, ...extra }));
}
