/**
 * In-memory answers to aggregate and service-map queries: a scan of the ring (memory-only mode),
 * or of the store's pages when a compiled predicate must see every flow.
 */
import { RowAggregator, rowFilter } from './aggregate.js';
import { RowGrapher } from './graph.js';
import type { AggregateRow, AggregateSpec, FlowHistoryStore, GraphRow, GraphSpec } from './history-store.js';
import type { RingStore } from './ring-store.js';
import type { FlowPredicate } from './ring-reader.js';
import { batchRows, rowEvent, type RowSource } from './rows.js';
import { cmpTime, type TimeKey } from './time-key.js';
import { PAGE } from './flow-query.js';

type Visit = (r: RowSource, i: number) => void;

function inWindow(r: RowSource, i: number, since?: TimeKey, until?: TimeKey): boolean {
  const s = r.cols.secs[i];
  const n = r.cols.nanos[i];
  return (!since || cmpTime(s, n, since) >= 0) && (!until || cmpTime(s, n, until) <= 0);
}

/** Visits every flow in the window that passes `where` and `predicate`. */
async function scan(
  ring: RingStore,
  store: FlowHistoryStore | undefined,
  w: {
    since?: TimeKey;
    until?: TimeKey;
    where?: AggregateSpec['where'];
    whereAny?: AggregateSpec['whereAny'];
  },
  predicate: FlowPredicate | undefined,
  visit: Visit,
): Promise<void> {
  const accepts = rowFilter(w.where, w.whereAny);
  const take = (r: RowSource, i: number): void => {
    if (inWindow(r, i, w.since, w.until) && accepts(r, i) && (!predicate || predicate(rowEvent(r, i))))
      visit(r, i);
  };
  if (store) {
    // Everything appended was flushed by the caller, so the store holds it all.
    for (let from = 0; ;) {
      const page = await store.page({
        fromSeq: from,
        since: w.since,
        until: w.until,
        order: 'asc',
        limit: PAGE,
      });
      const rows = batchRows(page);
      for (let i = 0; i < rows.count; i++) take(rows, i);
      if (page.count < PAGE) return;
      from = page.seq[page.count - 1] + 1;
    }
  }
  for (let s = ring.oldestSeq; s < ring.nextSeq; s++) take(ring, ring.slot(s));
}

/** Aggregate rows computed in memory. */
export async function aggregateRows(
  ring: RingStore,
  store: FlowHistoryStore | undefined,
  spec: AggregateSpec,
  predicate?: FlowPredicate,
): Promise<AggregateRow[]> {
  const agg = new RowAggregator(spec.groupBy, spec.measure, spec.step, undefined);
  await scan(ring, store, spec, predicate, (r, i) => agg.add(r, i));
  return agg.rows();
}

/** Service-map rows computed in memory. */
export async function graphRows(
  ring: RingStore,
  store: FlowHistoryStore | undefined,
  spec: GraphSpec,
  predicate?: FlowPredicate,
): Promise<GraphRow[]> {
  const g = new RowGrapher(spec.level);
  await scan(ring, store, spec, predicate, (r, i) => g.add(r, i));
  return g.result();
}

/** Seconds of the window for edge rates: since..until when both are given, else the data's span (at least 1 s). */
export function windowSeconds(spec: { since?: TimeKey; until?: TimeKey }, rows: GraphRow[]): number {
  if (spec.since && spec.until)
    return Math.max(1e-9, spec.until.secs - spec.since.secs + (spec.until.nanos - spec.since.nanos) / 1e9);
  if (rows.length === 0) return 1;
  const first = rows.reduce((m, r) => Math.min(m, r.first), Infinity);
  const last = rows.reduce((m, r) => Math.max(m, r.last), -Infinity);
  return Math.max(1, (last - first) / 1000);
}
