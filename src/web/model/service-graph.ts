/**
 * The service map's view model: the API graph filtered by the map toggles (only drops and
 * errors, DNS only, hidden peers), grouped by namespace, with workloads expanded to pods, and
 * every edge classified by verdict (drops red) and labelled protocol/port · rate · L7 status.
 */
import type { GraphEdge, GraphNode, GraphResponse } from '../../server/http/contract';

/** Map toggles. */
export interface MapOptions {
  onlyProblems: boolean;
  dnsOnly: boolean;
  hidePrometheus: boolean;
  hideIngress: boolean;
  hideKubeSystem: boolean;
  /** Node ids hidden by hand. */
  hidden: string[];
  /** Wrap nodes in one compound node per namespace. */
  groupByNamespace: boolean;
}

export const DEFAULT_MAP_OPTIONS: MapOptions = {
  onlyProblems: false,
  dnsOnly: false,
  hidePrometheus: false,
  hideIngress: false,
  hideKubeSystem: false,
  hidden: [],
  groupByNamespace: true,
};

export type EdgeClass = 'dropped' | 'error' | 'audit' | 'forwarded';

/** Colours per class (drops red). */
export const EDGE_COLORS: Record<EdgeClass, string> = {
  dropped: '#e5484d',
  error: '#f5a524',
  audit: '#d6c94a',
  forwarded: '#46a758',
};

export interface MapNode {
  id: string;
  label: string;
  namespace: string;
  kind: GraphNode['kind'];
  parent?: string;
  flows: number;
  pods: string[];
  /** Worst class among the node's edges. */
  worst: EdgeClass | 'none';
  /** A pod shown because its workload was expanded. */
  workloadOf?: string;
}

export interface MapEdge {
  id: string;
  source: string;
  target: string;
  cls: EdgeClass;
  color: string;
  label: string;
  width: number;
  edge: GraphEdge;
}

export interface MapGroup {
  id: string;
  label: string;
}

export interface MapModel {
  groups: MapGroup[];
  nodes: MapNode[];
  edges: MapEdge[];
  /** Edges removed by the toggles. */
  hiddenEdges: number;
}

const OUTSIDE = '(outside the cluster)';

/** True for an L7 status key that reports a failure (4xx/5xx, DNS error codes, Kafka errors). */
export function isL7ErrorKey(key: string): boolean {
  if (/^[45](xx|\d\d)$/i.test(key)) return true;
  if (/^(NXDOMAIN|SERVFAIL|REFUSED|FORMERR|NOTIMP)$/i.test(key)) return true;
  if (/^rcode[ =:]?[1-9]/i.test(key)) return true;
  return /error|fail/i.test(key) && !/^(no ?error|noerror|0)$/i.test(key);
}

/** The class of an edge: any drop wins, then errors (verdict or L7), audit, forwarded. */
export function classifyEdge(e: GraphEdge): EdgeClass {
  if ((e.verdicts.DROPPED ?? 0) > 0) return 'dropped';
  if ((e.verdicts.ERROR ?? 0) > 0) return 'error';
  if (Object.entries(e.l7 ?? {}).some(([k, n]) => n > 0 && isL7ErrorKey(k))) return 'error';
  if ((e.verdicts.AUDIT ?? 0) > 0) return 'audit';
  return 'forwarded';
}

/** "1.2k/s", "3.4/s", "0.05/s". */
export function formatRate(r: number): string {
  if (r >= 1000) return `${(r / 1000).toFixed(1)}k/s`;
  if (r >= 10) return `${r.toFixed(0)}/s`;
  if (r >= 1) return `${r.toFixed(1)}/s`;
  return `${r.toPrecision(1)}/s`;
}

/** "TCP/8080 · 2.1/s · 5xx 3 · dropped 12". */
export function edgeLabel(e: GraphEdge): string {
  const parts = [`${e.protocol || '?'}${e.port ? '/' + e.port : ''}`, formatRate(e.rate)];
  const l7 = Object.entries(e.l7 ?? {})
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([k, n]) => `${k} ${n}`);
  if (l7.length) parts.push(l7.join(' '));
  if (e.verdicts.DROPPED) parts.push(`dropped ${e.verdicts.DROPPED}`);
  return parts.join(' · ');
}

/** DNS traffic: port 53 or a DNS protocol label. */
export function isDnsEdge(e: GraphEdge): boolean {
  return e.port === 53 || /dns/i.test(e.protocol);
}

const PROMETHEUS = /prometheus|vmagent|otel-collector|grafana-agent|datadog-agent/i;
const INGRESS = /ingress|traefik|envoy-gateway|haproxy-controller/i;

/** Whether the toggles hide this node. */
export function isHiddenNode(n: GraphNode, o: MapOptions): boolean {
  const name = `${n.workload ?? ''} ${n.label}`;
  if (o.hidden.includes(n.id)) return true;
  if (o.hideKubeSystem && n.namespace === 'kube-system') return true;
  if (o.hidePrometheus && PROMETHEUS.test(name)) return true;
  if (o.hideIngress && (INGRESS.test(name) || INGRESS.test(n.namespace))) return true;
  return false;
}

const RANK: Record<EdgeClass | 'none', number> = { none: 0, forwarded: 1, audit: 2, error: 3, dropped: 4 };

/** Builds the map model from an API graph and the toggles. */
export function buildMap(g: GraphResponse, o: MapOptions, workloadOf: Record<string, string> = {}): MapModel {
  const nodeById = new Map(g.nodes.map((n) => [n.id, n]));
  const hiddenNodes = new Set(g.nodes.filter((n) => isHiddenNode(n, o)).map((n) => n.id));
  const edges: MapEdge[] = [];
  for (const e of g.edges) {
    if (!nodeById.has(e.source) || !nodeById.has(e.target)) continue;
    if (hiddenNodes.has(e.source) || hiddenNodes.has(e.target)) continue;
    const cls = classifyEdge(e);
    if (o.onlyProblems && (cls === 'forwarded' || cls === 'audit')) continue;
    if (o.dnsOnly && !isDnsEdge(e)) continue;
    const width = Math.min(8, 1 + Math.log10(1 + e.rate * 10));
    edges.push({
      id: e.id,
      source: e.source,
      target: e.target,
      cls,
      color: EDGE_COLORS[cls],
      label: edgeLabel(e),
      width,
      edge: e,
    });
  }
  const filtering = o.onlyProblems || o.dnsOnly || hiddenNodes.size > 0;
  const touched = new Set(edges.flatMap((e) => [e.source, e.target]));
  const worst = new Map<string, EdgeClass>();
  for (const e of edges)
    for (const id of [e.source, e.target])
      if (RANK[e.cls] > RANK[worst.get(id) ?? 'none']) worst.set(id, e.cls);
  const groups = new Map<string, MapGroup>();
  const nodes: MapNode[] = [];
  for (const n of g.nodes) {
    if (hiddenNodes.has(n.id) || (filtering && !touched.has(n.id))) continue;
    const ns = n.kind === 'workload' || n.kind === 'pod' ? n.namespace || OUTSIDE : OUTSIDE;
    const parent = o.groupByNamespace ? `ns:${ns}` : undefined;
    if (parent && !groups.has(parent)) groups.set(parent, { id: parent, label: ns });
    nodes.push({
      id: n.id,
      label: n.label,
      namespace: n.namespace,
      kind: n.kind,
      parent,
      flows: n.flows,
      pods: n.pods ?? [],
      worst: worst.get(n.id) ?? 'none',
      workloadOf: workloadOf[n.id],
    });
  }
  return { groups: [...groups.values()], nodes, edges, hiddenEdges: g.edges.length - edges.length };
}

/** Adds edge b into a (counts, verdicts, L7, drop reasons; rates add). */
function mergeEdge(a: GraphEdge, b: GraphEdge): void {
  a.flows += b.flows;
  a.rate += b.rate;
  for (const [k, v] of Object.entries(b.verdicts)) {
    const key = k as keyof GraphEdge['verdicts'];
    a.verdicts[key] = (a.verdicts[key] ?? 0) + (v ?? 0);
  }
  for (const [field, src] of [
    ['l7', b.l7],
    ['dropReasons', b.dropReasons],
  ] as const) {
    if (!src) continue;
    const dst = (a[field] ??= {});
    for (const [k, v] of Object.entries(src)) dst[k] = (dst[k] ?? 0) + v;
  }
}

/**
 * Replaces one workload node of a workload-level graph by its pods, from a pod-level graph of
 * that workload. Peers in the pod graph are folded back into their workload nodes when the base
 * graph has them, so the rest of the map keeps its shape. Returns the new graph and, for each
 * pod node added, the workload it came from.
 */
export function expandWorkload(
  base: GraphResponse,
  pods: GraphResponse,
  workloadId: string,
): { graph: GraphResponse; workloadOf: Record<string, string> } {
  const w = base.nodes.find((n) => n.id === workloadId);
  if (!w) return { graph: base, workloadOf: {} };
  // Pod nodes may not name their workload: the workload nodes' pod lists say whose pod it is.
  const owner = new Map<string, string>();
  for (const n of base.nodes)
    if (n.kind === 'workload') for (const p of n.pods ?? []) owner.set(`${n.namespace}/${p}`, n.id);
  const ownerOf = (n: GraphNode): string | undefined => {
    if (n.kind !== 'pod') return undefined;
    const byList = owner.get(`${n.namespace}/${n.pod ?? n.label}`);
    if (byList) return byList;
    return n.workload
      ? base.nodes.find(
          (b) => b.kind === 'workload' && b.namespace === n.namespace && b.workload === n.workload,
        )?.id
      : undefined;
  };
  const sameWorkload = (n: GraphNode): boolean => ownerOf(n) === workloadId;
  const podNodes = pods.nodes.filter(sameWorkload);
  const mapId = new Map<string, string>();
  const extraPeers: GraphNode[] = [];
  for (const n of pods.nodes) {
    if (sameWorkload(n)) mapId.set(n.id, n.id);
    else {
      const wid = ownerOf(n) ?? base.nodes.find((b) => b.id === n.id)?.id;
      if (wid) mapId.set(n.id, wid);
      else {
        mapId.set(n.id, n.id);
        extraPeers.push(n);
      }
    }
  }
  const edges = new Map<string, GraphEdge>();
  for (const e of base.edges) if (e.source !== workloadId && e.target !== workloadId) edges.set(e.id, e);
  for (const e of pods.edges) {
    const s = mapId.get(e.source);
    const t = mapId.get(e.target);
    if (!s || !t) continue;
    if (!podNodes.some((p) => p.id === e.source || p.id === e.target)) continue;
    const id = `${s}->${t}:${e.protocol}/${e.port ?? ''}`;
    const copy: GraphEdge = {
      ...e,
      id,
      source: s,
      target: t,
      verdicts: { ...e.verdicts },
      l7: e.l7 && { ...e.l7 },
      dropReasons: e.dropReasons && { ...e.dropReasons },
    };
    const prev = edges.get(id);
    if (prev) mergeEdge(prev, copy);
    else edges.set(id, copy);
  }
  const nodes = [...base.nodes.filter((n) => n.id !== workloadId), ...podNodes, ...extraPeers];
  const workloadOf = Object.fromEntries(podNodes.map((p) => [p.id, workloadId]));
  return { graph: { nodes, edges: [...edges.values()], coverage: base.coverage }, workloadOf };
}

/** observe flags selecting one side of an edge ("from" = source). */
export function nodeFlags(
  n: Pick<GraphNode, 'kind' | 'namespace' | 'workload' | 'pod' | 'label'>,
  dir: 'from' | 'to',
): string[] {
  switch (n.kind) {
    case 'pod':
      return [`--${dir}-pod`, `${n.namespace}/${n.pod ?? n.label}`];
    case 'workload':
      return [`--${dir}-namespace`, n.namespace, `--${dir}-workload`, n.workload ?? n.label];
    case 'world':
      return /^[\d.:a-f]+$/i.test(n.label) ? [`--${dir}-ip`, n.label] : [`--${dir}-fqdn`, n.label];
    default:
      return [`--${dir}-label`, n.label.startsWith('reserved:') ? n.label : `reserved:${n.label}`];
  }
}

const L4 = ['tcp', 'udp', 'sctp', 'icmp', 'icmpv4', 'icmpv6', 'dns', 'http', 'kafka'];

/** The filter bar flags of the flows behind an edge. */
export function edgeFilter(e: GraphEdge, src: GraphNode, dst: GraphNode): string[] {
  const out = [...nodeFlags(src, 'from'), ...nodeFlags(dst, 'to')];
  const proto = e.protocol.toLowerCase();
  if (L4.includes(proto)) out.push('--protocol', proto);
  if (e.port) out.push('--to-port', String(e.port));
  return out;
}
