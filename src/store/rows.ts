/**
 * Row access shared by the ring and by batches read back from the persistent store: the same
 * column layout plus a fragment lookup, so joining a flow, reading a dimension and aggregating
 * are written once.
 */
import type { FlowEvent } from '../flow/types.js';
import type { FlowBatch } from './batch.js';
import { DIMENSIONS } from './dims.js';
import type { Dimension } from '../server/http/contract.js';
import {
  FRAGMENT_KINDS,
  parseFragment,
  type EndpointFragment,
  type Fragment,
  type FragmentKind,
  type L7Fragment,
  type RestFragment,
} from './fragment-table.js';
import { F_FLOW, joinEvent, type L7Vars } from './flow-split.js';

/** Column arrays of split flows (a FlowBatch or the ring's storage). */
export type FlowColumns = Pick<
  FlowBatch,
  'secs' | 'nanos' | 'flags' | 'uuid' | 'src' | 'dst' | 'l7' | 'rest' | 'sport' | 'dport' | 'latency'
> & {
  /** The ring's per-request L7 values (F_L7_VARS: HTTP header values or a Kafka correlation id); batches have none. */
  readonly l7vars?: readonly (L7Vars | undefined)[];
  /** The ring's summary ids (F_SUMMARY); batches have none. */
  readonly summary?: Uint32Array;
};

/** Resolves fragment ids of a column set. */
export interface FragmentLookup {
  endpoint(id: number): EndpointFragment | undefined;
  l7(id: number): L7Fragment | undefined;
  rest(id: number): RestFragment | undefined;
  /** The ring's summaries (F_SUMMARY). */
  summary?(id: number): string | undefined;
}

/** Columns plus their fragments. */
export interface RowSource {
  readonly cols: FlowColumns;
  readonly frags: FragmentLookup;
}

/** Joins row `i` into an event. */
export function rowEvent(r: RowSource, i: number): FlowEvent {
  const c = r.cols;
  const f = r.frags;
  return joinEvent(
    {
      rest: f.rest(c.rest[i])!.obj,
      src: f.endpoint(c.src[i])?.obj,
      dst: f.endpoint(c.dst[i])?.obj,
      l7: f.l7(c.l7[i])?.obj,
    },
    c.secs[i],
    c.nanos[i],
    c.flags[i],
    c.uuid,
    i * 16,
    c.sport[i],
    c.dport[i],
    c.latency[i],
    c.l7vars?.[i],
    c.summary === undefined ? undefined : f.summary?.(c.summary[i]),
  );
}

/** True when row `i` is a flow (not a lost-event or node-status record). */
export function rowIsFlow(r: RowSource, i: number): boolean {
  return (r.cols.flags[i] & F_FLOW) !== 0;
}

/** A function reading one dimension of a row. */
export type DimReader = (r: RowSource, i: number) => string;

/** Builds a reader for `dim`. */
export function dimReader(dim: Dimension): DimReader {
  const { source, attr } = DIMENSIONS[dim];
  switch (source) {
    case 'dport':
      return (r, i) => (r.cols.dport[i] ? String(r.cols.dport[i]) : '');
    case 'src':
      return (r, i) =>
        (r.frags.endpoint(r.cols.src[i])?.attrs as Record<string, string> | undefined)?.[attr] ?? '';
    case 'dst':
      return (r, i) =>
        (r.frags.endpoint(r.cols.dst[i])?.attrs as Record<string, string> | undefined)?.[attr] ?? '';
    case 'l7':
      return (r, i) => (r.frags.l7(r.cols.l7[i])?.attrs as Record<string, string> | undefined)?.[attr] ?? '';
    case 'rest':
      return (r, i) =>
        (r.frags.rest(r.cols.rest[i])?.attrs as Record<string, string> | undefined)?.[attr] ?? '';
  }
}

/** Parsed fragments, shared across batches read from the store (bounded; cleared when full). */
const parsed = {
  endpoint: new Map<string, EndpointFragment>(),
  l7: new Map<string, L7Fragment>(),
  rest: new Map<string, RestFragment>(),
};
const PARSED_MAX = 100_000;

function parseAll<O, A>(
  list: string[],
  cache: Map<string, Fragment<O, A>>,
  kind: FragmentKind<O, A>,
): (Fragment<O, A> | undefined)[] {
  if (cache.size > PARSED_MAX) cache.clear();
  const out: (Fragment<O, A> | undefined)[] = [undefined];
  for (const json of list) {
    let f = cache.get(json);
    if (!f) {
      f = parseFragment(kind, json);
      cache.set(json, f);
    }
    out.push(f);
  }
  return out;
}

/** A RowSource over a FlowBatch (parses its fragments, reusing earlier parses). */
export function batchRows(b: FlowBatch): RowSource & { seq: Float64Array; count: number } {
  const ep = parseAll(b.endpoints, parsed.endpoint, FRAGMENT_KINDS.endpoint);
  const l7 = parseAll(b.l7s, parsed.l7, FRAGMENT_KINDS.l7);
  const rest = parseAll(b.rests, parsed.rest, FRAGMENT_KINDS.rest);
  return {
    cols: b,
    seq: b.seq,
    count: b.count,
    frags: { endpoint: (id) => ep[id], l7: (id) => l7[id], rest: (id) => rest[id] },
  };
}

/** A fragment-id column of a row (the destination port stands for its own value). */
type IdReader = (r: RowSource, i: number) => number;

const ID_READERS: Record<DimSourceName, IdReader> = {
  src: (r, i) => r.cols.src[i],
  dst: (r, i) => r.cols.dst[i],
  l7: (r, i) => r.cols.l7[i],
  rest: (r, i) => r.cols.rest[i],
  dport: (r, i) => r.cols.dport[i],
};
type DimSourceName = (typeof DIMENSIONS)[Dimension]['source'];

/**
 * Memoises a function of a row's dimensions by the fragment ids it depends on: rows sharing
 * those fragments (most rows) get the cached value without reading attributes. The cache is
 * dropped whenever the row source changes, since ids are only meaningful within one source (a
 * store page numbers its fragments itself). Callers must not let the source's fragments change
 * while they scan it (the ring is scanned synchronously).
 */
export function memoByFragments<T>(
  dims: Iterable<Dimension>,
  compute: (r: RowSource, i: number) => T,
): (r: RowSource, i: number) => T {
  const readers = [...new Set([...dims].map((d) => DIMENSIONS[d].source))].map((s) => ID_READERS[s]);
  let source: RowSource | undefined;
  let root = new Map<number, unknown>();
  let single: { v: T } | undefined;
  const last = readers.length - 1;
  return (r, i) => {
    if (r !== source) {
      source = r;
      root = new Map();
      single = undefined;
    }
    if (last < 0) return (single ??= { v: compute(r, i) }).v;
    let m = root;
    for (let d = 0; d < last; d++) {
      const id = readers[d](r, i);
      let next = m.get(id) as Map<number, unknown> | undefined;
      if (!next) m.set(id, (next = new Map()));
      m = next;
    }
    const id = readers[last](r, i);
    let hit = m.get(id) as { v: T } | undefined;
    if (!hit) m.set(id, (hit = { v: compute(r, i) }));
    return hit.v;
  };
}
