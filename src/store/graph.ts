/**
 * Service-map derivation (pure): grouped rows (from SQL or from memory) folded into the HTTP
 * contract's nodes and edges. A node is a workload (namespace/workload; a pod without workload
 * stands for itself), a pod at level=pod, or an identity outside the pods ("reserved:world",
 * "reserved:host", ...). An edge joins two nodes for one protocol and service port and
 * carries counts by verdict, L7 outcome class and drop reason.
 *
 * Replies are folded into the edge of the request they answer: a flow with is_reply true runs
 * from the server to the client's ephemeral port, so its endpoints are swapped and its source
 * port is taken as the service port. Keyed on the destination port instead, two workloads
 * talking over thousands of client ports would draw one edge per port. Flows whose direction is
 * unknown (is_reply unset, as on drop notifications) are taken as recorded. The SQL side
 * (duckdb/sql.ts graphSql) does the same.
 */
import type { GraphEdge, GraphNode } from '../server/http/contract.js';
import type { GraphRow } from './history-store.js';
import { l7Class } from './dims.js';
import { rowIsFlow, type RowSource } from './rows.js';

/** The service map without coverage. */
export interface GraphResult {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Endpoint group key as graph rows carry it: [kind, namespace, name, pod, label]. */
type EpKey = string[];

function nodeOf(ep: EpKey, level: 'workload' | 'pod'): Omit<GraphNode, 'flows'> {
  const [kind, namespace, name, pod, label] = ep;
  if (kind === 'pod' || kind === 'workload') {
    const n = level === 'pod' ? pod || name : name || pod;
    const node: Omit<GraphNode, 'flows'> = {
      id: `${namespace}/${n}`,
      label: n,
      namespace,
      kind: level === 'pod' ? 'pod' : 'workload',
    };
    if (level === 'pod') node.pod = n;
    else node.workload = n;
    return node;
  }
  const id = label || kind;
  return { id, label: label.replace(/^reserved:/, '') || kind, namespace, kind: kind as GraphNode['kind'] };
}

/** Folds rows into nodes and edges; `seconds` is the window used for edge rates. */
export function foldGraph(rows: GraphRow[], level: 'workload' | 'pod', seconds: number): GraphResult {
  const nodes = new Map<string, GraphNode & { podSet?: Set<string> }>();
  const edges = new Map<string, GraphEdge>();
  const touch = (ep: EpKey, flows: number): string => {
    const base = nodeOf(ep, level);
    let n = nodes.get(base.id);
    if (!n) nodes.set(base.id, (n = { ...base, flows: 0 }));
    n.flows += flows;
    if (level === 'workload' && base.kind === 'workload' && ep[3]) (n.podSet ??= new Set()).add(ep[3]);
    return base.id;
  };
  const bump = (rec: Record<string, number>, k: string, v: number): void => {
    if (k) rec[k] = (rec[k] ?? 0) + v;
  };
  for (const r of rows) {
    const s = touch(r.src, r.flows);
    const d = touch(r.dst, r.flows);
    const id = `${s}->${d}:${r.protocol}/${r.port}`;
    let e = edges.get(id);
    if (!e)
      edges.set(
        id,
        (e = { id, source: s, target: d, protocol: r.protocol, flows: 0, rate: 0, verdicts: {} }),
      );
    if (r.port) e.port = r.port;
    e.flows += r.flows;
    bump(e.verdicts as Record<string, number>, r.verdict, r.flows);
    if (r.l7) bump((e.l7 ??= {}), r.l7, r.flows);
    if (r.dropReason) bump((e.dropReasons ??= {}), r.dropReason, r.flows);
  }
  for (const e of edges.values()) e.rate = seconds > 0 ? e.flows / seconds : 0;
  const outNodes = [...nodes.values()].map(({ podSet, ...n }) =>
    podSet ? { ...n, pods: [...podSet].sort() } : n,
  );
  outNodes.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    nodes: outNodes,
    edges: [...edges.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  };
}

/** Builds graph rows from in-memory rows (the ring), as the SQL graph query would. */
export class RowGrapher {
  private readonly rows = new Map<string, GraphRow>();
  constructor(private readonly level: 'workload' | 'pod') {}

  /** Adds row i (a flow inside the window that passed the filters). */
  add(r: RowSource, i: number): void {
    if (!rowIsFlow(r, i)) return;
    const c = r.cols;
    const ep = (id: number): EpKey => {
      const a = r.frags.endpoint(id)?.attrs;
      if (!a) return ['unknown', '', '', '', ''];
      return [a.kind, a.namespace, this.level === 'pod' ? a.pod : a.workload, a.pod, a.label];
    };
    const rest = r.frags.rest(c.rest[i])?.attrs;
    const l7 = r.frags.l7(c.l7[i])?.attrs;
    const reply = rest?.is_reply === 'true';
    const src = ep(reply ? c.dst[i] : c.src[i]);
    const dst = ep(reply ? c.src[i] : c.dst[i]);
    const protocol = rest?.protocol ?? '';
    const verdict = rest?.verdict ?? '';
    const dropReason = rest?.drop_reason ?? '';
    const cls = l7 ? l7Class(l7.l7_protocol, l7.http_status, l7.dns_rcode, l7.kafka_error) : '';
    const port = reply ? c.sport[i] : c.dport[i];
    const key = [...src, ...dst, protocol, port, verdict, dropReason, cls].join('\u0000');
    // Whole seconds, as the SQL side computes them (enough for edge rates).
    const t = c.secs[i] * 1000;
    const g = this.rows.get(key);
    if (g) {
      g.flows++;
      g.first = Math.min(g.first, t);
      g.last = Math.max(g.last, t);
    } else
      this.rows.set(key, {
        src,
        dst,
        protocol,
        port,
        verdict,
        dropReason,
        l7: cls,
        flows: 1,
        first: t,
        last: t,
      });
  }

  /** The accumulated rows. */
  result(): GraphRow[] {
    return [...this.rows.values()];
  }
}
