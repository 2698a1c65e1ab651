/**
 * Query merging for dashboards: a panel query whose filter only pins low-cardinality fields
 * (verdict, traffic direction, protocol) is rewritten to group by those fields instead, without
 * the filter. Panels that differ only in those pins (Max/Min Egress/Ingress Bytes/Packets,
 * forwarded vs dropped, ...) then share one server scan, and each selects its groups locally.
 */
import type { AggregateGroup, Dimension } from '../../server/http/contract';
import type { AggregateQuery } from './dashboards/types';

/** Dimensions with a handful of values: safe to add to a grouping. */
const LOW: ReadonlySet<Dimension> = new Set<Dimension>([
  'verdict',
  'drop_reason',
  'protocol',
  'l7_protocol',
  'node',
  'traffic_direction',
  'dns_rcode',
  'dns_qtype',
  'http_status',
  'http_method',
  'tcp_flag',
  'is_reply',
  'kafka_error',
]);
const POD_DIMS: ReadonlySet<Dimension> = new Set<Dimension>([
  'source_namespace',
  'source_pod',
  'destination_namespace',
  'destination_pod',
  'source_workload',
  'destination_workload',
]);

/** Groups the merged query may return at most (the API's k limit). */
export const MERGED_K = 1000;

/** A filter flag that a grouping can replace: the dimension and the group value it selects. */
function liftable(flag: string, value: string): { dim: Dimension; value: string } | undefined {
  switch (flag) {
    case 'verdict':
      return { dim: 'verdict', value: value.toUpperCase() };
    case 'traffic-direction':
      return { dim: 'traffic_direction', value: value.toUpperCase() };
    case 'protocol': {
      const v = value.toLowerCase();
      if (v === 'dns' || v === 'http' || v === 'kafka') return { dim: 'l7_protocol', value: v };
      if (v === 'tcp' || v === 'udp' || v === 'sctp') return { dim: 'protocol', value: v.toUpperCase() };
      return undefined;
    }
    default:
      return undefined;
  }
}

export interface QueryPlan {
  /** What is sent to the server. */
  base: AggregateQuery;
  /** Turns the base answer's groups into the original query's groups. */
  select: (groups: AggregateGroup[]) => AggregateGroup[];
}

/**
 * Plans one aggregate query. `scopedToNamespace` says the request is limited to one namespace or
 * workload, so pod dimensions stay small enough to merge.
 *
 * @example
 * planAggregate({ kind: 'aggregate', groupBy: ['verdict'], series: true, filter: '--verdict DROPPED --traffic-direction egress' }, false).base
 * // { ..., groupBy: ['verdict', 'traffic_direction'], filter: undefined, k: 1000 }
 */
export function planAggregate(q: AggregateQuery, scopedToNamespace: boolean): QueryPlan {
  const identity: QueryPlan = { base: q, select: (g) => g };
  if (!q.filter) return identity;
  const small = q.groupBy.every((d) => LOW.has(d) || (scopedToNamespace && POD_DIMS.has(d)));
  if (!small) return identity;
  const words = q.filter.trim().split(/\s+/);
  const keep: string[] = [];
  const pins: { dim: Dimension; value: string }[] = [];
  for (let i = 0; i < words.length; i++) {
    const flag = words[i].replace(/^--/, '');
    const value = words[i + 1];
    const lift = value !== undefined && !value.startsWith('--') ? liftable(flag, value) : undefined;
    if (lift && !pins.some((p) => p.dim === lift.dim)) {
      pins.push(lift);
      i++;
    } else {
      keep.push(words[i]);
      if (value !== undefined && !value.startsWith('--')) keep.push(words[++i]);
    }
  }
  if (pins.length === 0) return identity;
  // Canonical order: panels grouping the same fields in another order share the request too.
  const groupBy = [...new Set([...q.groupBy, ...pins.map((p) => p.dim)])].sort();
  if (groupBy.length > 4) return identity;
  const base: AggregateQuery = {
    ...q,
    groupBy,
    filter: keep.length ? keep.join(' ') : undefined,
    k: MERGED_K,
  };
  const at = new Map(groupBy.map((d, i) => [d, i]));
  const select = (groups: AggregateGroup[]): AggregateGroup[] =>
    groups
      .filter((g) => pins.every((p) => g.key[at.get(p.dim)!] === p.value))
      .map((g) => ({ ...g, key: q.groupBy.map((d) => g.key[at.get(d)!]) }))
      .sort((a, b) => b.total - a.total)
      .slice(0, q.k ?? 10);
  return { base, select };
}
