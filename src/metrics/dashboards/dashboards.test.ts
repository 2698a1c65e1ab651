import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NodeCollector } from '../node/collector.js';
import { createMetricsPipeline } from '../pipeline.js';
import { ROOT } from '../testing/fixtures.js';
import { DASHBOARDS, dashboardQueries, renderDashboards } from './index.js';

type Json = Record<string, unknown>;
const rendered = renderDashboards();
const byFile = new Map(rendered.map((d) => [d.file, JSON.parse(d.json) as Json]));

function titles(d: Json): string[] {
  const out: string[] = [];
  const walk = (ps: Json[]) => {
    for (const p of ps) {
      out.push(`${p.type}:${p.title}`);
      walk((p.panels as Json[] | undefined) ?? []);
    }
  };
  walk(d.panels as Json[]);
  return out;
}

describe('shipped dashboards', () => {
  it('dashboards/*.json are the generated dashboards (UPDATE_GOLDEN=1 to rewrite)', () => {
    for (const d of rendered) {
      const path = `${ROOT}dashboards/${d.file}`;
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) writeFileSync(path, d.json);
      expect(readFileSync(path, 'utf8'), d.file).toBe(d.json);
    }
  });

  it('are the eight ACNS dashboards with unique uids and the ACNS tag', () => {
    expect(rendered.map((d) => d.title)).toEqual([
      'Kubernetes / Networking / Clusters',
      'Kubernetes / Networking / DNS (Cluster)',
      'Kubernetes / Networking / DNS (Workload)',
      'Kubernetes / Networking / Drops (Workload)',
      'Kubernetes / Networking / Pod Flows (Namespace)',
      'Kubernetes / Networking / Pod Flows (Workload)',
      'Kubernetes / Networking / L7 (Namespace)',
      'Kubernetes / Networking / L7 (Workload)',
    ]);
    const uids = [...byFile.values()].map((d) => d.uid);
    expect(new Set(uids).size).toBe(8);
    for (const d of byFile.values()) {
      expect(d.tags).toContain('k8s:network-observability');
      expect(d.time).toEqual({ from: 'now-30m', to: 'now' });
      const vars = (d.templating as { list: Json[] }).list;
      expect(vars.map((v) => v.name).slice(0, 3)).toEqual(['datasource', 'cluster', 'Nodes']);
      expect(vars[2]).toMatchObject({ multi: true, includeAll: true });
    }
  });

  it('Clusters has the 42 panels of the spec in order, with its five rows', () => {
    const t = titles(byFile.get('clusters.json')!);
    expect(t.filter((x) => x.startsWith('row:'))).toEqual([
      'row:Fleet View',
      'row:Traffic (on $cluster)',
      'row:Drops (on $cluster)',
      'row:Connections (on $cluster)',
      'row:Interfaces/Nodes (on $cluster)',
    ]);
    const panels = t.filter((x) => !x.startsWith('row:'));
    expect(panels).toHaveLength(42);
    expect(panels.slice(0, 6)).toEqual([
      'text:',
      'table:Current Traffic by Cluster',
      'timeseries:Bytes Forwarded by Cluster',
      'table:Current Dropped Traffic by Cluster',
      'timeseries:Bytes Dropped by Cluster',
      'timeseries:Packets Dropped By Cluster',
    ]);
    expect(panels[25]).toBe('timeseries:TCP Active Connections by State');
    expect(panels[41]).toBe('timeseries:Tx Send Full Errors');
  });

  it('Pod Flows (Namespace) has the 53 panels of the spec; Pod Flows (Workload) the 49 without Top Namespaces', () => {
    const ns = titles(byFile.get('pod-flows-namespace.json')!).filter((x) => !x.startsWith('row:'));
    expect(ns).toHaveLength(53);
    expect(ns[0]).toBe('bargauge:Top Source Namespaces (Outgoing Traffic)');
    expect(ns[4]).toBe('stat:Pods with Outgoing Traffic (past 10 minutes)');
    expect(ns[16]).toBe('timeseries:Outgoing Traffic by Trace Type');
    expect(ns[20]).toBe('heatmap:Heatmap of Outgoing Traffic for Top Source Pods');
    expect(ns[28]).toBe('stat:Pods Missing SYN-ACKs (past 10 minutes)');
    expect(ns[45]).toBe('stat:MIN Outgoing FIN');
    expect(ns[52]).toBe('timeseries:Stacked (Total) Incoming TCP FIN by Destination Pod');
    const wl = titles(byFile.get('pod-flows-workload.json')!);
    expect(wl.filter((x) => !x.startsWith('row:'))).toEqual(ns.slice(4));
    expect(wl.filter((x) => x.startsWith('row:'))).toEqual([
      'row:Workload Snapshot ($workload)',
      'row:Flows (for $workload)',
      'row:Drops (for $workload)',
      'row:TCP (for $workload)',
    ]);
  });

  it('DNS (Cluster) lists the ten spec panels plus DNS latency', () => {
    const t = titles(byFile.get('dns-cluster.json')!);
    expect(t).toEqual(
      expect.arrayContaining([
        'timeseries:DNS Requests and Responses',
        'timeseries:DNS Errors by Node',
        'table:DNS Response Table',
        'timeseries:Top Pods with DNS Errors',
        'row:DNS Latency',
        'timeseries:DNS Latency',
      ]),
    );
  });

  it('queries only metrics that flowlens produces (default handlers, node collector, self-metrics) and `up`', () => {
    const p = createMetricsPipeline();
    const known = new Set<string>(['up']);
    for (const f of [...p.families(), ...new NodeCollector({ now: 0 }).families]) {
      known.add(f.name);
      if (f.type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) known.add(f.name + s);
    }
    const unknown: string[] = [];
    for (const d of DASHBOARDS) {
      for (const q of dashboardQueries(JSON.parse(rendered.find((r) => r.file === `${d.file}.json`)!.json))) {
        for (const m of q.expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g))
          if (!known.has(m[1]!)) unknown.push(`${d.file}/${q.panel}: ${m[1]}`);
      }
    }
    expect(unknown).toEqual([]);
  });
});
