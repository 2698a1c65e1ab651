/**
 * Equivalent `flowlens observe` commands for what the UI shows: a query (filter bar + range)
 * or one flow (the detail drawer). Every value is shell-quoted: flow strings are
 * attacker-controlled and a copied command must not run anything.
 */
import type { Flow } from '../../flow/types';
import type { FlowFilter } from '../../filter/types';
import { shellQuote } from './observe-flags';
import { l4Of, verdictOf } from './flow-view';

/** Parts of a query the command reproduces. */
export interface CommandQuery {
  /** Filter flags as typed (already valid observe flags). */
  filterFlags?: string;
  since?: string;
  until?: string;
  /** Filters without a flag (e.g. from a dashboard click), passed as --allowlist JSON. */
  allow?: FlowFilter[];
  extra?: string[];
}

/**
 * `flowlens observe --since … --until … <flags>`.
 *
 * @example commandForQuery({ filterFlags: '--verdict DROPPED', since: '30m' })
 * // "flowlens observe --since 30m --verdict DROPPED"
 */
export function commandForQuery(q: CommandQuery): string {
  const parts = ['flowlens', 'observe'];
  if (q.since) parts.push('--since', shellQuote(q.since));
  if (q.until) parts.push('--until', shellQuote(q.until));
  if (q.filterFlags?.trim()) parts.push(q.filterFlags.trim());
  for (const f of q.allow ?? []) parts.push('--allowlist', shellQuote(JSON.stringify(f)));
  for (const e of q.extra ?? []) parts.push(e);
  return parts.join(' ');
}

function endpointFlags(dir: 'from' | 'to', flow: Flow): string[] {
  const ep = dir === 'from' ? flow.source : flow.destination;
  const ip = dir === 'from' ? flow.IP?.source : flow.IP?.destination;
  if (ep?.pod_name)
    return [`--${dir}-pod`, shellQuote(`${ep.namespace ? ep.namespace + '/' : ''}${ep.pod_name}`)];
  if (ip) return [`--${dir}-ip`, shellQuote(ip)];
  return [];
}

/**
 * The observe command that selects this flow's conversation around its time (±1 s), plus the
 * exact one by uuid when the flow has one.
 */
export function commandsForFlow(flow: Flow): { conversation: string; exact?: string } {
  const t = flow.time ? Date.parse(flow.time) : NaN;
  const window: string[] = [];
  if (!Number.isNaN(t)) {
    window.push('--since', new Date(t - 1000).toISOString(), '--until', new Date(t + 1000).toISOString());
  }
  const parts = [
    'flowlens',
    'observe',
    ...window,
    ...endpointFlags('from', flow),
    ...endpointFlags('to', flow),
  ];
  const l4 = l4Of(flow);
  if (l4.protocol) parts.push('--protocol', l4.protocol.toLowerCase());
  if (l4.dstPort) parts.push('--to-port', String(l4.dstPort));
  const v = verdictOf(flow);
  if (v !== 'VERDICT_UNKNOWN') parts.push('--verdict', v);
  const out: { conversation: string; exact?: string } = { conversation: parts.join(' ') };
  if (flow.uuid) out.exact = ['flowlens', 'observe', ...window, '--uuid', shellQuote(flow.uuid)].join(' ');
  return out;
}
