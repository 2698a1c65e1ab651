/**
 * Options and defaults of the dashboard template variables, from the aggregate API: nodes,
 * namespaces (either endpoint) and the workloads of a namespace; and the namespace/workload a
 * dashboard opens on when none is chosen (the busiest for its subject, e.g. most drops).
 */
import type { AggregateGroup, Dimension } from '../../server/http/contract';
import type { DashboardDef } from '../model/dashboards';
import type { TemplateVars } from '../model/drilldown';
import { api } from './client';

type Window = { since: string; until: string };

function keysOf(groups: AggregateGroup[], i = 0): string[] {
  return groups.map((g) => g.key[i]).filter((k): k is string => !!k);
}

const union = (...lists: string[][]): string[] =>
  [...new Set(lists.flat())].sort((a, b) => a.localeCompare(b));

/** Node names seen in the window. */
export async function nodeOptions(w: Window): Promise<string[]> {
  const r = await api.aggregate({ ...w, groupBy: ['node'], k: 1000 });
  return union(keysOf(r.groups));
}

/** Namespaces seen on either side. */
export async function namespaceOptions(w: Window): Promise<string[]> {
  const [s, d] = await Promise.all([
    api.aggregate({ ...w, groupBy: ['source_namespace'], k: 1000 }),
    api.aggregate({ ...w, groupBy: ['destination_namespace'], k: 1000 }),
  ]);
  return union(keysOf(s.groups), keysOf(d.groups));
}

/** Workloads of a namespace (as source or destination). */
export async function workloadOptions(w: Window, namespace: string): Promise<string[]> {
  const [s, d] = await Promise.all([
    api.aggregate({ ...w, namespace, side: 'source', groupBy: ['source_workload'], k: 1000 }),
    api.aggregate({ ...w, namespace, side: 'destination', groupBy: ['destination_workload'], k: 1000 }),
  ]);
  return union(keysOf(s.groups), keysOf(d.groups));
}

/**
 * The variables a dashboard opens on: the namespace (and workload) with the most matching flows
 * on either side, preferring a workload whose name contains `pick.prefer`.
 */
export async function pickDefaults(
  def: DashboardDef,
  w: Window,
  current: TemplateVars,
): Promise<TemplateVars> {
  const wantNs = def.variables.includes('namespace') && !current.namespace;
  const wantWl = def.variables.includes('workload') && !current.workload;
  if (!wantNs && !wantWl) return {};
  const filter = def.pick?.filter;
  const dims: [Dimension, Dimension][] = [
    ['source_namespace', 'source_workload'],
    ['destination_namespace', 'destination_workload'],
  ];
  const answers = await Promise.all(
    dims.map(([ns, wl]) =>
      api.aggregate({
        ...w,
        filter,
        namespace: current.namespace,
        side: current.namespace ? (ns.startsWith('source') ? 'source' : 'destination') : undefined,
        groupBy: def.variables.includes('workload') ? [ns, wl] : [ns],
        k: 50,
      }),
    ),
  );
  const candidates = answers
    .flatMap((a) => a.groups)
    .filter((g) => g.key[0] && (!def.variables.includes('workload') || g.key[1]))
    .filter((g) => !current.namespace || g.key[0] === current.namespace)
    .sort((a, b) => b.total - a.total);
  const prefer = def.pick?.prefer;
  const best = (prefer && candidates.find((g) => g.key[1]?.includes(prefer))) || candidates[0];
  if (!best) return {};
  const out: TemplateVars = {};
  if (wantNs) out.namespace = best.key[0];
  if (wantWl && best.key[1]) out.workload = best.key[1];
  return out;
}
