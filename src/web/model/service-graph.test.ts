import { describe, expect, it } from 'vitest';
import type { GraphEdge, GraphNode, GraphResponse } from '../../server/http/contract';
import { chooseLayout, islandsLayout } from '../layout/islands';
import { parseFilterBar } from './filter-echo';
import {
  buildMap,
  classifyEdge,
  DEFAULT_MAP_OPTIONS,
  EDGE_COLORS,
  edgeFilter,
  edgeLabel,
  expandWorkload,
  formatRate,
  isL7ErrorKey,
  type MapOptions,
} from './service-graph';
import { parseSyntheticSpec, syntheticGraph } from './synthetic-graph';

const cov = { examined: 0, lost: 0, nodes: [] };
const wl = (ns: string, w: string, extra: Partial<GraphNode> = {}): GraphNode => ({
  id: `${ns}/${w}`,
  label: w,
  namespace: ns,
  workload: w,
  kind: 'workload',
  flows: 10,
  ...extra,
});
const edge = (s: string, t: string, v: GraphEdge['verdicts'], extra: Partial<GraphEdge> = {}): GraphEdge => ({
  id: `${s}->${t}`,
  source: s,
  target: t,
  protocol: 'TCP',
  port: 8080,
  flows: Object.values(v).reduce((a, b) => a + (b ?? 0), 0),
  rate: 2.5,
  verdicts: v,
  ...extra,
});

const graph: GraphResponse = {
  nodes: [
    wl('shop', 'frontend', { pods: ['frontend-9'] }),
    wl('shop', 'backend', { pods: ['backend-1', 'backend-2'] }),
    wl('kube-system', 'coredns'),
    wl('monitoring', 'prometheus', { pods: ['prometheus-0'] }),
    { id: 'world:1.1.1.1', label: '1.1.1.1', namespace: '', kind: 'world', flows: 1 },
  ],
  edges: [
    edge(
      'shop/frontend',
      'shop/backend',
      { FORWARDED: 5, DROPPED: 12 },
      { dropReasons: { POLICY_DENIED: 12 } },
    ),
    edge(
      'shop/frontend',
      'kube-system/coredns',
      { FORWARDED: 40 },
      { protocol: 'UDP', port: 53, l7: { NXDOMAIN: 2 } },
    ),
    edge('monitoring/prometheus', 'shop/backend', { FORWARDED: 30 }, { port: 9090 }),
    edge('shop/backend', 'world:1.1.1.1', { FORWARDED: 3 }, { port: 443, l7: { '2xx': 3 } }),
  ],
  coverage: cov,
};
const opts = (o: Partial<MapOptions>): MapOptions => ({ ...DEFAULT_MAP_OPTIONS, ...o });

describe('edge classification and labels', () => {
  it('paints any drop red, L7 failures orange', () => {
    expect(classifyEdge(graph.edges[0])).toBe('dropped');
    expect(classifyEdge(graph.edges[1])).toBe('error');
    expect(classifyEdge(graph.edges[3])).toBe('forwarded');
    expect(EDGE_COLORS.dropped).toBe('#e5484d');
  });
  it('recognises L7 error keys', () => {
    for (const k of ['5xx', '404', 'SERVFAIL', 'NXDOMAIN', 'kafka error 3'])
      expect(isL7ErrorKey(k), k).toBe(true);
    for (const k of ['2xx', '200', 'NOERROR', '3xx']) expect(isL7ErrorKey(k), k).toBe(false);
  });
  it('labels protocol/port, rate, L7 status and drops', () => {
    expect(edgeLabel(graph.edges[0])).toBe('TCP/8080 · 2.5/s · dropped 12');
    expect(edgeLabel(graph.edges[1])).toBe('UDP/53 · 2.5/s · NXDOMAIN 2');
    expect([formatRate(1234), formatRate(12.3), formatRate(0.04)]).toEqual(['1.2k/s', '12/s', '0.04/s']);
  });
});

describe('buildMap', () => {
  it('groups nodes by namespace with outside peers apart', () => {
    const m = buildMap(graph, opts({}));
    expect(m.groups.map((g) => g.label).sort()).toEqual([
      '(outside the cluster)',
      'kube-system',
      'monitoring',
      'shop',
    ]);
    expect(m.nodes.find((n) => n.id === 'world:1.1.1.1')!.parent).toBe('ns:(outside the cluster)');
    expect(m.nodes.find((n) => n.id === 'shop/backend')!.worst).toBe('dropped');
    expect(m.edges).toHaveLength(4);
  });
  it('"only drops and errors" keeps the red and orange edges and their nodes', () => {
    const m = buildMap(graph, opts({ onlyProblems: true }));
    expect(m.edges.map((e) => e.cls).sort()).toEqual(['dropped', 'error']);
    expect(m.nodes.map((n) => n.id).sort()).toEqual(['kube-system/coredns', 'shop/backend', 'shop/frontend']);
    expect(m.hiddenEdges).toBe(2);
  });
  it('"DNS only" keeps port-53 edges', () => {
    expect(buildMap(graph, opts({ dnsOnly: true })).edges.map((e) => e.target)).toEqual([
      'kube-system/coredns',
    ]);
  });
  it('hides Prometheus scrapes, kube-system and chosen peers', () => {
    const m = buildMap(
      graph,
      opts({ hidePrometheus: true, hideKubeSystem: true, hidden: ['world:1.1.1.1'] }),
    );
    expect(m.nodes.map((n) => n.id).sort()).toEqual(['shop/backend', 'shop/frontend']);
    expect(m.edges).toHaveLength(1);
  });
  it('can skip namespace grouping', () => {
    expect(buildMap(graph, opts({ groupByNamespace: false })).groups).toEqual([]);
  });
});

describe('expandWorkload', () => {
  // Like the server's pod-level nodes: no workload field, ownership comes from the pod lists.
  const pod = (ns: string, _w: string, p: string): GraphNode => ({
    id: `${ns}/${p}`,
    label: p,
    namespace: ns,
    pod: p,
    kind: 'pod',
    flows: 1,
  });
  const pods: GraphResponse = {
    nodes: [
      pod('shop', 'backend', 'backend-1'),
      pod('shop', 'backend', 'backend-2'),
      pod('shop', 'frontend', 'frontend-9'),
      pod('monitoring', 'prometheus', 'prometheus-0'),
    ],
    edges: [
      edge('shop/frontend-9', 'shop/backend-1', { DROPPED: 7 }),
      edge('shop/frontend-9', 'shop/backend-2', { DROPPED: 5, FORWARDED: 5 }),
      edge('monitoring/prometheus-0', 'shop/backend-1', { FORWARDED: 30 }, { port: 9090 }),
    ],
    coverage: cov,
  };
  it('replaces the workload by its pods and folds peers back into workloads', () => {
    const { graph: g, workloadOf } = expandWorkload(graph, pods, 'shop/backend');
    expect(g.nodes.map((n) => n.id)).not.toContain('shop/backend');
    expect(g.nodes.map((n) => n.id)).toEqual(
      expect.arrayContaining(['shop/backend-1', 'shop/backend-2', 'shop/frontend']),
    );
    expect(g.edges.map((e) => `${e.source}>${e.target}`).sort()).toEqual([
      'monitoring/prometheus>shop/backend-1',
      'shop/frontend>kube-system/coredns',
      'shop/frontend>shop/backend-1',
      'shop/frontend>shop/backend-2',
    ]);
    expect(workloadOf).toEqual({ 'shop/backend-1': 'shop/backend', 'shop/backend-2': 'shop/backend' });
    const m = buildMap(g, opts({}), workloadOf);
    expect(m.nodes.find((n) => n.id === 'shop/backend-2')!.workloadOf).toBe('shop/backend');
  });
  it('keeps pods it cannot attribute as their own peers', () => {
    const stray: GraphResponse = {
      nodes: [...pods.nodes, pod('other', 'x', 'x-1')],
      edges: [edge('other/x-1', 'shop/backend-2', { FORWARDED: 1 })],
      coverage: cov,
    };
    const { graph: g } = expandWorkload(graph, stray, 'shop/backend');
    expect(g.nodes.map((n) => n.id)).toContain('other/x-1');
    expect(g.edges.map((e) => e.source)).toContain('other/x-1');
  });
  it('leaves the graph alone for an unknown workload', () => {
    expect(expandWorkload(graph, pods, 'nope').graph).toBe(graph);
  });
});

describe('edge → flows filter', () => {
  it('selects both endpoints, protocol and port with valid observe flags', () => {
    const f = edgeFilter(graph.edges[0], graph.nodes[0], graph.nodes[1]);
    expect(f).toEqual([
      '--from-namespace',
      'shop',
      '--from-workload',
      'frontend',
      '--to-namespace',
      'shop',
      '--to-workload',
      'backend',
      '--protocol',
      'tcp',
      '--to-port',
      '8080',
    ]);
    expect(parseFilterBar(f.join(' ')).error).toBeUndefined();
    expect(edgeFilter(graph.edges[3], graph.nodes[1], graph.nodes[4])).toContain('--to-ip');
  });
});

describe('synthetic graph and layout', () => {
  it('parses the page parameter', () => {
    expect(parseSyntheticSpec('500x3000')).toEqual({ workloads: 500, edges: 3000 });
    expect(parseSyntheticSpec('lots')).toBeUndefined();
  });
  it('is deterministic and has the requested size with some drops', () => {
    const a = syntheticGraph(500, 3000, 7);
    expect(a.nodes).toHaveLength(500);
    expect(a.edges).toHaveLength(3000);
    expect(new Set(a.edges.map((e) => e.id)).size).toBe(3000);
    expect(a.edges.some((e) => classifyEdge(e) === 'dropped')).toBe(true);
    expect(syntheticGraph(500, 3000, 7)).toEqual(a);
  });
  it('islands: no two nodes share a position and groups do not overlap', () => {
    const g = syntheticGraph(200, 0, 1);
    const pos = islandsLayout(g.nodes.map((n) => ({ id: n.id, group: n.namespace })));
    expect(pos.size).toBe(200);
    expect(new Set([...pos.values()].map((p) => `${p.x},${p.y}`)).size).toBe(200);
    const boxes = new Map<string, { x0: number; x1: number; y0: number; y1: number }>();
    for (const n of g.nodes) {
      const p = pos.get(n.id)!;
      const b = boxes.get(n.namespace) ?? { x0: p.x, x1: p.x, y0: p.y, y1: p.y };
      boxes.set(n.namespace, {
        x0: Math.min(b.x0, p.x),
        x1: Math.max(b.x1, p.x),
        y0: Math.min(b.y0, p.y),
        y1: Math.max(b.y1, p.y),
      });
    }
    const list = [...boxes.values()];
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i];
        const b = list[j];
        const overlap = a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1;
        expect(overlap).toBe(false);
      }
  });
  it('chooses force layout for small maps and islands for big ones', () => {
    expect(chooseLayout(40, 100)).toBe('fcose');
    expect(chooseLayout(500, 3000)).toBe('islands');
  });
});
