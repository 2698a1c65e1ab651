/**
 * A deterministic synthetic service graph (N workloads in namespaces, M edges, a share of them
 * dropped or failing) for measuring the map's layout and pan speed without a cluster. Used by
 * `/service-map?synthetic=500x3000` and the browser suite.
 */
import type { GraphEdge, GraphNode, GraphResponse } from '../../server/http/contract';

/** mulberry32: small, fast, seedable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Parses "500x3000" into counts (bounded to keep the page alive). */
export function parseSyntheticSpec(spec: string | null): { workloads: number; edges: number } | undefined {
  const m = /^(\d{1,5})x(\d{1,6})$/.exec(spec ?? '');
  if (!m) return undefined;
  return { workloads: Math.min(5000, Number(m[1])), edges: Math.min(50000, Number(m[2])) };
}

/**
 * `workloads` workload nodes over ~sqrt(N) namespaces and `edges` distinct edges, 70 % within a
 * namespace; about 3 % dropped and 3 % with HTTP 5xx.
 */
export function syntheticGraph(workloads: number, edges: number, seed = 1): GraphResponse {
  const rnd = prng(seed);
  const nsCount = Math.max(1, Math.round(Math.sqrt(workloads) / 1.5));
  const nodes: GraphNode[] = [];
  for (let i = 0; i < workloads; i++) {
    const ns = `ns-${i % nsCount}`;
    const w = `svc-${i}`;
    nodes.push({
      id: `${ns}/${w}`,
      label: w,
      namespace: ns,
      workload: w,
      kind: 'workload',
      pods: [`${w}-0`, `${w}-1`],
      flows: 0,
    });
  }
  const byNs = new Map<string, GraphNode[]>();
  for (const n of nodes) byNs.set(n.namespace, [...(byNs.get(n.namespace) ?? []), n]);
  const out: GraphEdge[] = [];
  const seen = new Set<string>();
  const max = Math.min(edges, workloads * (workloads - 1));
  for (let guard = 0; out.length < max && guard < max * 20; guard++) {
    const s = nodes[Math.floor(rnd() * nodes.length)];
    const pool = rnd() < 0.7 ? byNs.get(s.namespace)! : nodes;
    const t = pool[Math.floor(rnd() * pool.length)];
    const id = `${s.id}->${t.id}`;
    if (s === t || seen.has(id)) continue;
    seen.add(id);
    const flows = 1 + Math.floor(rnd() * 500);
    const r = rnd();
    const dropped = r < 0.03 ? Math.ceil(flows / 3) : 0;
    const e: GraphEdge = {
      id,
      source: s.id,
      target: t.id,
      protocol: 'TCP',
      port: 8080,
      flows,
      rate: flows / 300,
      verdicts: dropped ? { FORWARDED: flows - dropped, DROPPED: dropped } : { FORWARDED: flows },
    };
    if (r >= 0.03 && r < 0.06) e.l7 = { '2xx': flows - 3, '5xx': 3 };
    out.push(e);
    s.flows += flows;
    t.flows += flows;
  }
  return { nodes, edges: out, coverage: { examined: 0, lost: 0, nodes: [] } };
}
