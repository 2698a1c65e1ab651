/**
 * Turns a selection into what the store can push down to SQL: dimension equality filters
 * (`where`, ANDed) and alternatives of them (`whereAny`, at least one must hold), or a predicate
 * (exact, evaluated on every flow of the window) when the selection has no exact translation.
 *
 * Translated, because every flow's dimension value decides them exactly (src/store/dims.ts):
 * - the dashboard variables: node, and namespace/workload on the source, the destination or
 *   either side (an alternative per side);
 * - filter lists (`filter=`, allow/deny) whose filters use only `protocol`, `verdict`,
 *   `traffic_direction` and `tcp_flags`, with no blacklist: each filter (fields ANDed) becomes an
 *   alternative (filters ORed).
 *
 * Everything else (IPs, pods, labels, DNS/HTTP patterns, blacklists, ...) keeps the predicate.
 */
import type { FlowFilter } from '../../filter/index.js';
import { enumValueNumber, TRAFFIC_DIRECTION, VERDICT, type EnumType } from '../../filter/enum-match.js';
import { TCP_FLAG_KEYS } from '../../store/dims.js';
import type { Dimension } from './contract.js';
import type { FlowSelection } from './backend.js';

/** Dimension equality filters (AND across dimensions, OR within one). */
export type DimensionWhere = Partial<Record<Dimension, string[]>>;

/** What the store is given for a selection. */
export interface Pushdown {
  where?: DimensionWhere;
  /** At least one alternative must hold (ANDed with `where`). */
  whereAny?: DimensionWhere[];
  predicate?: FlowSelection['predicate'];
}

/** More alternatives than this (a long filter list times either side) stay a predicate. */
const MAX_ALTERNATIVES = 64;

/** `protocol` names: the dimension and the values a matching flow has there. */
const PROTOCOLS: Record<string, { dim: Dimension; values: string[] }> = {
  tcp: { dim: 'protocol', values: ['TCP'] },
  udp: { dim: 'protocol', values: ['UDP'] },
  sctp: { dim: 'protocol', values: ['SCTP'] },
  icmp: { dim: 'protocol', values: ['ICMPv4', 'ICMPv6'] },
  icmpv4: { dim: 'protocol', values: ['ICMPv4'] },
  icmpv6: { dim: 'protocol', values: ['ICMPv6'] },
  vrrp: { dim: 'protocol', values: ['VRRP'] },
  igmp: { dim: 'protocol', values: ['IGMP'] },
  dns: { dim: 'l7_protocol', values: ['dns'] },
  http: { dim: 'l7_protocol', values: ['http'] },
  kafka: { dim: 'l7_protocol', values: ['kafka'] },
};

/**
 * Values of an enum dimension that an enum filter accepts: each name and its number (a flow may
 * carry either), and '' for the zero value (absent on the flow). Undefined for numeric filter
 * values (their name, which flows carry, is not derived here).
 */
function enumValues(type: EnumType, wanted: readonly unknown[]): string[] | undefined {
  const out = new Set<string>();
  for (const w of wanted) {
    if (typeof w !== 'string') return undefined;
    let n: number;
    try {
      n = enumValueNumber(type, w);
    } catch {
      return undefined;
    }
    out.add(w);
    out.add(String(n));
    if (n === 0) {
      out.add('');
      out.add(type.zeroName);
    }
  }
  return [...out];
}

/**
 * Values of the `tcp_flag` dimension (the flow's set flags, joined in TCP_FLAG_KEYS order) that
 * contain every flag of at least one wanted set. Undefined when a wanted set is empty: that
 * matches any flow with TCP flags, even none set, which the dimension cannot tell apart.
 */
function tcpFlagValues(wanted: readonly unknown[]): string[] | undefined {
  const masks: number[] = [];
  for (const w of wanted) {
    if (typeof w !== 'object' || w === null) return undefined;
    const set = w as Record<string, unknown>;
    let m = 0;
    TCP_FLAG_KEYS.forEach((k, i) => {
      if (set[k]) m |= 1 << i;
    });
    if (m === 0) return undefined;
    masks.push(m);
  }
  const out: string[] = [];
  for (let have = 1; have < 1 << TCP_FLAG_KEYS.length; have++) {
    if (!masks.some((m) => (have & m) === m)) continue;
    out.push(TCP_FLAG_KEYS.filter((_, i) => have & (1 << i)).join(','));
  }
  return out;
}

/**
 * One filter (its fields ANDed) as dimension equality filters, or undefined when it uses a field
 * without an exact translation.
 */
export function filterWhere(f: FlowFilter): DimensionWhere | undefined {
  const where: DimensionWhere = {};
  for (const [field, value] of Object.entries(f) as [string, unknown][]) {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    if (!Array.isArray(value)) return undefined;
    let dim: Dimension;
    let values: string[] | undefined;
    switch (field) {
      case 'protocol': {
        const byDim = new Map<Dimension, string[]>();
        for (const p of value) {
          const name = typeof p === 'string' ? p.toLowerCase() : '';
          const known = Object.hasOwn(PROTOCOLS, name) ? PROTOCOLS[name] : undefined;
          if (!known) return undefined;
          byDim.set(known.dim, [...(byDim.get(known.dim) ?? []), ...known.values]);
        }
        // An L4 and an L7 name in one list is an OR across two dimensions.
        if (byDim.size !== 1) return undefined;
        [[dim, values]] = [...byDim];
        values = [...new Set(values)];
        break;
      }
      case 'verdict':
        dim = 'verdict';
        values = enumValues(VERDICT, value);
        break;
      case 'traffic_direction':
        dim = 'traffic_direction';
        values = enumValues(TRAFFIC_DIRECTION, value);
        break;
      case 'tcp_flags':
        dim = 'tcp_flag';
        values = tcpFlagValues(value);
        break;
      default:
        return undefined;
    }
    if (!values) return undefined;
    where[dim] = values;
  }
  return where;
}

/** AND of two filters (values of a dimension both name are intersected). */
function both(a: DimensionWhere, b: DimensionWhere): DimensionWhere {
  const out: DimensionWhere = { ...a };
  for (const [d, v] of Object.entries(b) as [Dimension, string[]][]) {
    const prev = out[d];
    out[d] = prev ? prev.filter((x) => v.includes(x)) : v;
  }
  return out;
}

/** The store-side form of a selection. */
export function pushdown(sel: FlowSelection): Pushdown {
  const fallback: Pushdown = { predicate: sel.predicate };
  if (sel.blacklist.length > 0) return fallback;
  // Conjunctions of alternatives: the filter list is one, an either-side variable another.
  const ands: DimensionWhere[][] = [];
  if (sel.whitelist.length > 0) {
    const alts: DimensionWhere[] = [];
    for (const f of sel.whitelist) {
      const w = filterWhere(f);
      if (!w) return fallback;
      alts.push(w);
    }
    ands.push(alts);
  }
  const v = sel.vars;
  if (v) {
    if (v.node) ands.push([{ node: [v.node] }]);
    let ns = v.namespace;
    let name: string | undefined;
    if (v.workload) {
      const [wns, wname] = v.workload.includes('/') ? v.workload.split('/', 2) : [undefined, v.workload];
      if (wns && ns && wns !== ns) return fallback;
      ns = wns ?? ns;
      name = wname;
    }
    if (ns || name) {
      const on = (side: 'source' | 'destination'): DimensionWhere => ({
        ...(ns ? { [`${side}_namespace`]: [ns] } : {}),
        ...(name ? { [`${side}_workload`]: [name] } : {}),
      });
      ands.push(v.side === 'either' ? [on('source'), on('destination')] : [on(v.side)]);
    }
  }
  // Distribute into one OR of ANDs.
  let alts: DimensionWhere[] = [{}];
  for (const list of ands) {
    if (alts.length * list.length > MAX_ALTERNATIVES) return fallback;
    alts = alts.flatMap((a) => list.map((b) => both(a, b)));
  }
  if (alts.length === 1) return { where: alts[0] };
  return { whereAny: alts };
}
