/**
 * Turns a selection into what the store can push down to SQL: dimension equality filters for
 * the dashboard variables when nothing else filters, and a predicate (exact, evaluated on every
 * flow of the window) otherwise.
 */
import type { Dimension } from './contract.js';
import type { FlowSelection } from './backend.js';

/** Dimension equality filters (AND across dimensions, OR within one). */
export type DimensionWhere = Partial<Record<Dimension, string[]>>;

/** The store-side form of a selection. */
export function pushdown(sel: FlowSelection): {
  where?: DimensionWhere;
  predicate?: FlowSelection['predicate'];
} {
  if (sel.whitelist.length + sel.blacklist.length > 0 || !sel.vars) return { predicate: sel.predicate };
  const v = sel.vars;
  if ((v.namespace || v.workload) && v.side === 'either') return { predicate: sel.predicate };
  const where: DimensionWhere = {};
  if (v.node) where.node = [v.node];
  const side = v.side === 'source' ? 'source' : 'destination';
  if (v.namespace) where[`${side}_namespace`] = [v.namespace];
  if (v.workload) {
    const [ns, name] = v.workload.includes('/') ? v.workload.split('/', 2) : [undefined, v.workload];
    if (ns && v.namespace && ns !== v.namespace) return { predicate: sel.predicate };
    if (ns) where[`${side}_namespace`] = [ns];
    where[`${side}_workload`] = [name];
  }
  return { where };
}
