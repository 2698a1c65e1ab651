/**
 * The service map canvas (Cytoscape.js): namespaces as compound nodes, workloads/pods inside,
 * edges coloured by verdict class and labelled. Small maps use the fCoSE force layout; big ones
 * the linear-time namespace islands. Labels are drawn on the canvas (never HTML).
 */
import { useEffect, useRef } from 'react';
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import fcose from 'cytoscape-fcose';
import { chooseLayout, islandsLayout } from '../layout/islands';
import type { MapEdge, MapModel, MapNode } from '../model/service-graph';
import { perf } from '../state/perf';

cytoscape.use(fcose);

declare global {
  interface Window {
    /** The map's Cytoscape instance, for the browser suite. */
    __flowlensMap?: Core;
  }
}

interface Props {
  model: MapModel;
  onEdge: (e: MapEdge) => void;
  onNode: (n: MapNode | undefined) => void;
  onExpand: (n: MapNode) => void;
  /** Changes when the element set changes (forces a re-layout). */
  layoutKey: string;
}

const NODE_COLORS: Record<string, string> = {
  workload: '#3d71d9',
  pod: '#6e56cf',
  world: '#8d8d8d',
  host: '#ab6400',
  reserved: '#6b6b6b',
  unknown: '#555',
};
const BORDER: Record<string, string> = {
  dropped: '#e5484d',
  error: '#f5a524',
  audit: '#d6c94a',
  forwarded: '#2f3b44',
  none: '#2f3b44',
};

function elements(m: MapModel): ElementDefinition[] {
  // Dragging inside a namespace box pans the map rather than moving the whole namespace.
  const out: ElementDefinition[] = m.groups.map((g) => ({
    group: 'nodes',
    data: { id: g.id, label: g.label, isGroup: true },
    grabbable: false,
    pannable: true,
  }));
  for (const n of m.nodes)
    out.push({
      group: 'nodes',
      data: {
        id: n.id,
        parent: n.parent,
        label: n.label,
        color: NODE_COLORS[n.kind] ?? '#555',
        border: BORDER[n.worst],
        kind: n.kind,
      },
    });
  for (const e of m.edges)
    out.push({
      group: 'edges',
      data: {
        id: e.id,
        source: e.source,
        target: e.target,
        color: e.color,
        width: e.width,
        label: e.label,
        cls: e.cls,
      },
    });
  return out;
}

function style(big: boolean): cytoscape.StylesheetJson {
  return [
    {
      selector: 'node',
      style: {
        label: 'data(label)',
        'background-color': 'data(color)',
        'border-width': 2,
        'border-color': 'data(border)',
        color: '#d8dee4',
        'font-size': 10,
        'text-valign': 'bottom',
        'text-margin-y': 3,
        width: 22,
        height: 22,
        'min-zoomed-font-size': 7,
      },
    },
    {
      selector: 'node[?isGroup]',
      style: {
        'background-color': '#1b2228',
        'background-opacity': 0.6,
        'border-color': '#3a4650',
        'border-style': 'dashed',
        'border-width': 1,
        'text-valign': 'top',
        'font-size': 12,
        'font-weight': 'bold',
        color: '#8fa3b5',
        padding: '14px',
      },
    },
    {
      selector: 'edge',
      style: {
        width: 'data(width)',
        'line-color': 'data(color)',
        'target-arrow-color': 'data(color)',
        'target-arrow-shape': big ? 'none' : 'triangle',
        'curve-style': big ? 'straight' : 'bezier',
        'arrow-scale': 0.8,
        opacity: 0.85,
        label: big ? '' : 'data(label)',
        'font-size': 8,
        color: '#c7d0d9',
        'text-rotation': 'autorotate',
        'text-background-color': '#111417',
        'text-background-opacity': 0.8,
        'text-background-padding': '1px',
        'min-zoomed-font-size': 6,
      },
    },
    { selector: 'edge[cls = "dropped"]', style: { 'z-index': 10, opacity: 1, 'line-style': 'solid' } },
    { selector: 'edge:selected', style: { label: 'data(label)', width: 4, 'z-index': 20 } },
    { selector: 'node:selected', style: { 'border-color': '#fff', 'border-width': 3 } },
  ];
}

export function ServiceMap({ model, onEdge, onNode, onExpand, layoutKey }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const cb = useRef({ onEdge, onNode, onExpand, model });
  cb.current = { onEdge, onNode, onExpand, model };

  // Big maps pan on a cached texture of the drawing and at device pixel ratio 1: a pan then
  // costs a bitmap copy instead of redrawing thousands of edges.
  const big = chooseLayout(model.nodes.length, model.edges.length) === 'islands';

  useEffect(() => {
    const cy = cytoscape({
      container: ref.current!,
      minZoom: 0.05,
      maxZoom: 4,
      wheelSensitivity: 0.3,
      textureOnViewport: big,
      pixelRatio: big ? 1 : 'auto',
    });
    cyRef.current = cy;
    window.__flowlensMap = cy;
    cy.on('tap', 'edge', (e) => {
      const me = cb.current.model.edges.find((x) => x.id === e.target.id());
      if (me) cb.current.onEdge(me);
    });
    cy.on('tap', 'node', (e) =>
      cb.current.onNode(cb.current.model.nodes.find((x) => x.id === e.target.id())),
    );
    cy.on('dbltap', 'node', (e) => {
      const n = cb.current.model.nodes.find((x) => x.id === e.target.id());
      if (n) cb.current.onExpand(n);
    });
    cy.on('tap', (e) => e.target === cy && cb.current.onNode(undefined));
    return () => {
      cy.destroy();
      cyRef.current = null;
      if (window.__flowlensMap === cy) delete window.__flowlensMap;
    };
  }, [big]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    const t0 = performance.now();
    const nodes = model.nodes.length;
    const edges = model.edges.length;
    const kind = chooseLayout(nodes, edges);
    const els = elements(model);
    if (big) {
      // Positions go in with the elements: no layout pass over 3,000+ elements afterwards.
      const pos = islandsLayout(model.nodes.map((n) => ({ id: n.id, group: n.parent ?? n.namespace })));
      for (const el of els) {
        const p = el.group === 'nodes' ? pos.get(String(el.data.id)) : undefined;
        if (p) el.position = p;
      }
    }
    const tl = performance.now();
    cy.startBatch();
    cy.elements().remove();
    cy.style(style(big));
    cy.add(els);
    cy.endBatch();
    const done = (layoutMs: number) => {
      cy.one('render', () => {
        perf.map({ nodes, edges, layout: kind, layoutMs, totalMs: performance.now() - t0 });
        ref.current?.setAttribute('data-layout-done', String(Date.now()));
      });
    };
    if (big) {
      cy.fit(undefined, 20);
      done(performance.now() - tl);
      return;
    }
    const layout = cy.layout({
      name: 'fcose',
      quality: 'default',
      randomize: true,
      animate: false,
      nodeRepulsion: () => 9000,
      idealEdgeLength: () => 110,
      nestingFactor: 0.6,
      padding: 30,
      fit: true,
    } as cytoscape.LayoutOptions);
    layout.one('layoutstop', () => done(performance.now() - tl));
    layout.run();
  }, [layoutKey, big]);

  // Same elements, new styling (e.g. a toggle that only recolours): update data in place.
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.batch(() => {
      for (const e of model.edges)
        cy.getElementById(e.id).data({ color: e.color, label: e.label, cls: e.cls });
    });
  }, [model]);

  return (
    <div
      ref={ref}
      className="map-canvas"
      data-testid="service-map"
      data-nodes={model.nodes.length}
      data-edges={model.edges.length}
      data-dropped-edges={model.edges.filter((e) => e.cls === 'dropped').length}
      role="img"
      aria-label={`Service map: ${model.nodes.length} nodes, ${model.edges.length} edges`}
    />
  );
}
