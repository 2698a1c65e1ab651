/**
 * The service map: one namespace or the whole cluster grouped by namespace, over a time window
 * (live or history). Toggles: only drops and errors, DNS only, hide Prometheus scrapes, ingress,
 * kube-system and chosen peers. Double-click a workload to expand it to pods; click an edge to
 * list its flows. `?synthetic=500x3000` draws a generated graph (speed measurements).
 */
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import type { GraphNode, GraphResponse } from '../../server/http/contract';
import { api, connection } from '../api/client';
import { namespaceOptions } from '../api/variables';
import { EdgeFlows } from '../components/EdgeFlows';
import { ServiceMap } from '../components/ServiceMap';
import { TimeControls } from '../components/TimeControls';
import {
  buildMap,
  DEFAULT_MAP_OPTIONS,
  edgeFilter,
  EDGE_COLORS,
  nodeFlags,
  expandWorkload,
  type MapEdge,
  type MapNode,
  type MapOptions,
} from '../model/service-graph';
import { parseSyntheticSpec, syntheticGraph } from '../model/synthetic-graph';
import { resolveRange } from '../model/time-range';
import { shellQuote } from '../model/observe-flags';
import { flowsHref } from '../model/drilldown';
import { reportCoverage, resetCoverage } from '../state/coverage';
import { useStore } from '../state/store';
import { useRangeParams } from '../state/url-state';

const list = (s: string | null): string[] => (s ? s.split(',').filter(Boolean) : []);

function optionsFromParams(p: URLSearchParams): MapOptions {
  const hide = list(p.get('hide'));
  return {
    ...DEFAULT_MAP_OPTIONS,
    onlyProblems: p.get('only') === 'problems',
    dnsOnly: p.get('dns') === '1',
    hidePrometheus: hide.includes('prometheus'),
    hideIngress: hide.includes('ingress'),
    hideKubeSystem: hide.includes('kube-system'),
    hidden: list(p.get('hidden')),
    groupByNamespace: p.get('group') !== 'off',
  };
}

export function ServiceMapPage() {
  const { range, refresh, setRange, setRefresh, params, setParams } = useRangeParams();
  const epoch = useStore(connection, (s) => s.epoch);
  const ns = params.get('ns') ?? '';
  const synthetic = parseSyntheticSpec(params.get('synthetic'));
  const expanded = useMemo(() => list(params.get('expand')), [params]);
  const opts = useMemo(() => optionsFromParams(params), [params]);
  const [tick, setTick] = useState(0);
  const [base, setBase] = useState<GraphResponse>();
  const [graph, setGraph] = useState<{ g: GraphResponse; workloadOf: Record<string, string> }>();
  const [error, setError] = useState<string>();
  const [namespaces, setNamespaces] = useState<string[]>([]);
  const [edge, setEdge] = useState<MapEdge>();
  const [node, setNode] = useState<MapNode>();

  const { from, to } = useMemo(() => resolveRange(range, Date.now()), [range, tick, epoch]);
  const win = useMemo(
    () => ({ since: new Date(from).toISOString(), until: new Date(to).toISOString() }),
    [from, to],
  );

  useEffect(() => {
    if (!refresh || range.kind !== 'relative') return;
    const id = setInterval(() => setTick((t) => t + 1), refresh * 1000);
    return () => clearInterval(id);
  }, [refresh, range.kind]);

  useEffect(() => {
    if (synthetic) return;
    namespaceOptions(win).then(setNamespaces, () => undefined);
  }, [win.since.slice(0, 16)]);

  // The workload-level graph.
  useEffect(() => {
    let live = true;
    setError(undefined);
    if (synthetic) {
      setBase(syntheticGraph(synthetic.workloads, synthetic.edges));
      return;
    }
    resetCoverage([from, to]);
    api.graph({ ...win, level: 'workload', namespace: ns || undefined }).then(
      (g) => {
        if (!live) return;
        reportCoverage(g.coverage);
        setBase(g);
      },
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [win, ns, params.get('synthetic')]);

  // Expanded workloads, folded in one by one.
  useEffect(() => {
    if (!base) return;
    let live = true;
    (async () => {
      let g = base;
      const workloadOf: Record<string, string> = {};
      for (const id of expanded) {
        const w = g.nodes.find((n) => n.id === id && n.kind === 'workload');
        if (!w) continue;
        const pods = await api.graph({ ...win, level: 'pod', namespace: w.namespace, workload: w.workload });
        const r = expandWorkload(g, pods, id);
        g = r.graph;
        Object.assign(workloadOf, r.workloadOf);
      }
      if (live) setGraph({ g, workloadOf });
    })().catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [base, expanded.join(',')]);

  const model = useMemo(() => (graph ? buildMap(graph.g, opts, graph.workloadOf) : undefined), [graph, opts]);
  const layoutKey = useMemo(
    () =>
      model ? `${model.nodes.map((n) => n.id).join('|')}#${model.edges.length}#${opts.groupByNamespace}` : '',
    [model, opts.groupByNamespace],
  );

  const set = (k: string, v: string | undefined) =>
    setParams((p) => {
      const n = new URLSearchParams(p);
      if (v) n.set(k, v);
      else n.delete(k);
      return n;
    });
  const hide = list(params.get('hide'));
  const toggleHide = (what: string) =>
    set('hide', (hide.includes(what) ? hide.filter((h) => h !== what) : [...hide, what]).join(','));
  const nodeById = (id: string): GraphNode | undefined => graph?.g.nodes.find((n) => n.id === id);

  const dropped = model?.edges.filter((e) => e.cls === 'dropped').length ?? 0;
  return (
    <div className="map-page" data-testid="map-page">
      <div className="page-head">
        <h1>Service map</h1>
        <TimeControls
          range={range}
          onRange={setRange}
          refresh={refresh}
          onRefresh={setRefresh}
          onReload={() => setTick((t) => t + 1)}
        />
      </div>
      <div className="map-controls">
        <label>
          View{' '}
          <select
            aria-label="View"
            data-testid="map-view"
            value={ns}
            onChange={(e) => set('ns', e.target.value || undefined)}
          >
            <option value="">Whole cluster (grouped by namespace)</option>
            {[...new Set([...namespaces, ...(ns ? [ns] : [])])].map((n) => (
              <option key={n} value={n}>
                Namespace {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            data-testid="only-problems"
            checked={opts.onlyProblems}
            onChange={(e) => set('only', e.target.checked ? 'problems' : undefined)}
          />{' '}
          Only drops and errors
        </label>
        <label>
          <input
            type="checkbox"
            data-testid="dns-only"
            checked={opts.dnsOnly}
            onChange={(e) => set('dns', e.target.checked ? '1' : undefined)}
          />{' '}
          DNS only
        </label>
        <span className="muted">Hide:</span>
        {[
          ['prometheus', 'Prometheus scrapes'],
          ['ingress', 'ingress'],
          ['kube-system', 'kube-system'],
        ].map(([k, label]) => (
          <label key={k}>
            <input
              type="checkbox"
              data-testid={`hide-${k}`}
              checked={hide.includes(k)}
              onChange={() => toggleHide(k)}
            />{' '}
            {label}
          </label>
        ))}
        <label>
          <input
            type="checkbox"
            checked={opts.groupByNamespace}
            onChange={(e) => set('group', e.target.checked ? undefined : 'off')}
          />{' '}
          Group by namespace
        </label>
        {opts.hidden.length > 0 && (
          <button onClick={() => set('hidden', undefined)} title={opts.hidden.join('\n')}>
            Show {opts.hidden.length} hidden peer{opts.hidden.length > 1 ? 's' : ''}
          </button>
        )}
        {expanded.length > 0 && <button onClick={() => set('expand', undefined)}>Collapse pods</button>}
      </div>
      <div className="legend">
        {Object.entries(EDGE_COLORS).map(([k, c]) => (
          <span key={k}>
            <i style={{ background: c }} /> {k}
          </span>
        ))}
        {model && (
          <span className="muted" data-testid="map-summary">
            {model.nodes.length} nodes · {model.edges.length} edges · {dropped} with drops
            {model.hiddenEdges ? ` · ${model.hiddenEdges} edges filtered out` : ''}
          </span>
        )}
        <span className="muted">
          Double-click a workload to expand it to pods; click an edge for its flows.
        </span>
      </div>
      {error && <div className="error">{error}</div>}
      <div className="map-layout">
        {model ? (
          <ServiceMap
            model={model}
            layoutKey={layoutKey}
            onEdge={(e) => {
              setEdge(e);
              setNode(undefined);
            }}
            onNode={(n) => {
              setNode(n);
              if (n) setEdge(undefined);
            }}
            onExpand={(n) => {
              if (n.kind === 'workload') set('expand', [...new Set([...expanded, n.id])].join(','));
              else if (n.workloadOf)
                set('expand', expanded.filter((x) => x !== n.workloadOf).join(',') || undefined);
            }}
          />
        ) : (
          <div className="map-canvas panel-msg">Loading the map…</div>
        )}
        <aside className="map-side">
          {node && (
            <div className="node-info" data-testid="node-info">
              <h3>{node.label}</h3>
              <div className="muted">
                {node.kind} · {node.namespace || 'outside the cluster'} · {node.flows} flows
              </div>
              {node.kind === 'workload' && node.pods.length > 0 && (
                <div className="muted">pods: {node.pods.join(', ')}</div>
              )}
              <div className="actions">
                {node.kind === 'workload' && !synthetic && (
                  <button onClick={() => set('expand', [...new Set([...expanded, node.id])].join(','))}>
                    Expand to pods
                  </button>
                )}
                {node.workloadOf && (
                  <button
                    onClick={() =>
                      set('expand', expanded.filter((x) => x !== node.workloadOf).join(',') || undefined)
                    }
                  >
                    Collapse
                  </button>
                )}
                <button onClick={() => set('hidden', [...opts.hidden, node.id].join(','))}>
                  Hide this peer
                </button>
                {nodeById(node.id) && (
                  <Link
                    to={flowsHref({
                      filter: nodeFlags(nodeById(node.id)!, 'from').map(shellQuote).join(' '),
                      from,
                      to,
                    })}
                  >
                    Outgoing flows ↗
                  </Link>
                )}
              </div>
            </div>
          )}
          {edge && nodeById(edge.source) && nodeById(edge.target) && (
            <EdgeFlows
              edge={edge}
              filter={edgeFilter(edge.edge, nodeById(edge.source)!, nodeById(edge.target)!)}
              from={from}
              to={to}
              synthetic={!!synthetic}
            />
          )}
          {!node && !edge && model && <EdgeList edges={model.edges} onPick={setEdge} />}
        </aside>
      </div>
    </div>
  );
}

/** Problem edges first: an accessible list of what the canvas shows. */
function EdgeList({ edges, onPick }: { edges: MapEdge[]; onPick: (e: MapEdge) => void }) {
  const rank = { dropped: 0, error: 1, audit: 2, forwarded: 3 };
  const sorted = [...edges]
    .sort((a, b) => rank[a.cls] - rank[b.cls] || b.edge.rate - a.edge.rate)
    .slice(0, 100);
  return (
    <div className="edge-list">
      <h3>Edges{edges.length > 100 ? ' (top 100)' : ''}</h3>
      <ul data-testid="edge-list">
        {sorted.map((e) => (
          <li key={e.id} data-cls={e.cls} onClick={() => onPick(e)} className="clickable">
            <i style={{ background: e.color }} />
            <span>
              {e.source} → {e.target}
            </span>
            <span className="muted"> {e.label}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
