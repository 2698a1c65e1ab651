/**
 * FlowBatch: the columnar, transferable unit that moves split flows between threads — from the
 * ingest thread to the store worker (append), and from the worker back (query pages).
 *
 * Fragments are carried by value (JSON text) with batch-local ids (1-based; 0 = none), so a batch
 * is self-contained: a receiver needs no shared state with the sender. A batch of 4096 typical
 * flows carries a few hundred distinct fragments.
 */
import { F_L7_VARS, F_SUMMARY, fillL7, type L7Vars } from './flow-split.js';
import type { FlowInterner } from './flow-interner.js';
import type { FlowEvent, Layer7 } from '../flow/types.js';

/** Columns of `count` split flows plus the fragments they reference. */
export interface FlowBatch {
  count: number;
  /** Global sequence numbers (append order); exact integers below 2^53. */
  seq: Float64Array;
  secs: Uint32Array;
  nanos: Uint32Array;
  flags: Uint8Array;
  /** 16 bytes per flow. */
  uuid: Uint8Array;
  src: Uint32Array;
  dst: Uint32Array;
  l7: Uint32Array;
  rest: Uint32Array;
  sport: Uint16Array;
  dport: Uint16Array;
  latency: Uint32Array;
  /** Endpoint fragment JSON; local id i is endpoints[i - 1] (shared by src and dst). */
  endpoints: string[];
  l7s: string[];
  rests: string[];
  /**
   * Only between the ring and the store's thread: the per-request L7 values (HTTP header values,
   * or a Kafka correlation id) of the rows flagged F_L7_VARS, whose `l7` fragment is then the
   * ring's template. {@link storeForm} turns
   * them into whole L7 records on the store's side, off the ingest thread.
   */
  l7vars?: (L7Vars | undefined)[];
  /**
   * Likewise, for the rows flagged F_SUMMARY (whose `rest` fragment then lacks its
   * `flow.Summary`): `summary[i]` is a batch-local id, 1-based, into `summaryTexts`.
   */
  summary?: Uint32Array;
  summaryTexts?: string[];
}

/** Allocates an empty batch with room for `n` flows. */
export function allocBatch(n: number): FlowBatch {
  return {
    count: 0,
    seq: new Float64Array(n),
    secs: new Uint32Array(n),
    nanos: new Uint32Array(n),
    flags: new Uint8Array(n),
    uuid: new Uint8Array(n * 16),
    src: new Uint32Array(n),
    dst: new Uint32Array(n),
    l7: new Uint32Array(n),
    rest: new Uint32Array(n),
    sport: new Uint16Array(n),
    dport: new Uint16Array(n),
    latency: new Uint32Array(n),
    endpoints: [],
    l7s: [],
    rests: [],
  };
}

/** The ArrayBuffers of a batch, for postMessage's transfer list. */
export function batchTransferList(b: FlowBatch): ArrayBuffer[] {
  return [
    b.seq,
    b.secs,
    b.nanos,
    b.flags,
    b.uuid,
    b.src,
    b.dst,
    b.l7,
    b.rest,
    b.sport,
    b.dport,
    b.latency,
    ...(b.summary ? [b.summary] : []),
  ].map((a) => a.buffer as ArrayBuffer);
}

/** Batch-local ids of fragments, keyed by the (interned, hence unique) fragment object. */
class LocalIds {
  private readonly ids = new Map<object, number>();
  constructor(private readonly list: string[]) {}
  id(frag: { json: string } | undefined): number {
    if (frag === undefined) return 0;
    let id = this.ids.get(frag);
    if (id === undefined) {
      this.list.push(frag.json);
      id = this.list.length;
      this.ids.set(frag, id);
    }
    return id;
  }
}

/** Accumulates split flows into FlowBatches of a fixed capacity. */
export class FlowBatchBuilder {
  private b: FlowBatch;
  private ep!: LocalIds;
  private l7!: LocalIds;
  private rest!: LocalIds;
  /** Batch-local summary ids, keyed by the ring's interned summary string. */
  private sums = new Map<string, number>();

  constructor(readonly capacity: number) {
    this.b = allocBatch(capacity);
    this.resetIds();
  }

  private resetIds(): void {
    this.ep = new LocalIds(this.b.endpoints);
    this.l7 = new LocalIds(this.b.l7s);
    this.rest = new LocalIds(this.b.rests);
    this.sums = new Map();
  }

  /** Flows in the current batch. */
  get length(): number {
    return this.b.count;
  }

  /** Sequence number of the first flow of the current batch (NaN when empty). */
  get firstSeq(): number {
    return this.b.count ? this.b.seq[0] : NaN;
  }

  /**
   * Adds the flow the ring's interner `it` split last (its scalars, fragment ids and fragments);
   * returns true when the batch is now full. A flow whose per-request L7 values went to the
   * ring's slot column (F_L7_VARS) keeps the ring's template and its values (`l7vars`), and a
   * summary in the ring's column (F_SUMMARY) travels in `summary`; the store's thread makes
   * whole records with {@link storeForm}.
   */
  add(seq: number, it: FlowInterner): boolean {
    const p = it.parts;
    const ids = it.ids;
    const frags = it.lookup;
    const b = this.b;
    const i = b.count++;
    b.seq[i] = seq;
    b.secs[i] = p.secs;
    b.nanos[i] = p.nanos;
    b.flags[i] = p.flags;
    for (let k = 0, at = i * 16; k < 16; k++) b.uuid[at + k] = p.uuid[k];
    b.src[i] = this.ep.id(frags.endpoint(ids.src));
    b.dst[i] = this.ep.id(frags.endpoint(ids.dst));
    b.l7[i] = this.l7.id(frags.l7(ids.l7));
    b.rest[i] = this.rest.id(frags.rest(ids.rest));
    if (p.flags & F_L7_VARS)
      (b.l7vars ??= new Array<L7Vars | undefined>(this.capacity).fill(undefined))[i] = p.l7vars;
    if (p.flags & F_SUMMARY) {
      // The table's string (its hash is kept), each once per batch: a batch is posted to the
      // store's thread, and cloning a string per flow cost the ingest thread more than the rest.
      const text = it.summaries.get(ids.summary)!;
      let local = this.sums.get(text);
      if (local === undefined) this.sums.set(text, (local = (b.summaryTexts ??= []).push(text)));
      (b.summary ??= new Uint32Array(this.capacity))[i] = local;
    }
    b.sport[i] = p.sport;
    b.dport[i] = p.dport;
    b.latency[i] = p.latency;
    return b.count === this.capacity;
  }

  /** Returns the current batch (undefined when empty) and starts a new one. */
  take(): FlowBatch | undefined {
    if (this.b.count === 0) return undefined;
    const out = this.b;
    this.b = allocBatch(this.capacity);
    this.resetIds();
    return out;
  }
}

const FLOW_OPEN = '{"flow":{';

/**
 * Turns a batch from the ring's form into the persistent store's (in place), on the store's
 * thread, before it reads the batch:
 * - every row flagged F_L7_VARS gets its whole L7 record (the template filled with its per-request
 *   values) as a fragment of its own;
 * - every row flagged F_SUMMARY gets a rest fragment with its summary, one per distinct
 *   (rest fragment, summary) pair of the batch;
 * - the flags are cleared, and fragments no row uses any more are dropped from the lists.
 */
export function storeForm(b: FlowBatch): void {
  const vars = b.l7vars;
  if (vars !== undefined) {
    const templates = new Map<number, Layer7>();
    b.l7s = remap(b, b.l7, b.l7s, F_L7_VARS, (id, old, i) => {
      let t = templates.get(id);
      if (t === undefined) templates.set(id, (t = JSON.parse(old[id - 1]) as Layer7));
      return { key: undefined, json: () => JSON.stringify(fillL7(t, vars[i]!)) };
    });
    b.l7vars = undefined;
  }
  const sid = b.summary;
  const texts = b.summaryTexts;
  if (sid !== undefined && texts !== undefined) {
    const rests = new Map<number, FlowEvent>();
    b.rests = remap(b, b.rest, b.rests, F_SUMMARY, (id, old, i) => {
      const s = texts[sid[i] - 1];
      return {
        // Unique per (rest, summary) pair: both ids are at most b.count.
        key: id * (b.count + 1) + sid[i],
        json: () => {
          const json = old[id - 1];
          // The rest fragment of a flow starts with its flow object: put the summary first in
          // it (readers do not depend on key order), without parsing and serialising again.
          if (json.startsWith(FLOW_OPEN))
            return `${FLOW_OPEN}"Summary":${JSON.stringify(s)}${json.charCodeAt(FLOW_OPEN.length) === 125 ? '' : ','}${json.slice(FLOW_OPEN.length)}`;
          let t = rests.get(id);
          if (t === undefined) rests.set(id, (t = JSON.parse(json) as FlowEvent));
          return JSON.stringify({ ...t, flow: { ...t.flow, Summary: s } });
        },
      };
    });
  }
  b.summary = undefined;
  b.summaryTexts = undefined;
}

/**
 * New fragment list for one column: rows flagged `flag` get the fragment `made` describes
 * (shared within the batch when it gives a key), the others keep theirs; the flag is cleared.
 */
function remap(
  b: FlowBatch,
  col: Uint32Array,
  old: readonly string[],
  flag: number,
  made: (id: number, old: readonly string[], row: number) => { key: number | undefined; json: () => string },
): string[] {
  const list: string[] = [];
  const kept = new Map<number, number>();
  const byKey = new Map<number, number>();
  for (let i = 0; i < b.count; i++) {
    const id = col[i];
    if (id === 0) continue;
    if (b.flags[i] & flag) {
      const m = made(id, old, i);
      let n = m.key === undefined ? undefined : byKey.get(m.key);
      if (n === undefined) {
        n = list.push(m.json());
        if (m.key !== undefined) byKey.set(m.key, n);
      }
      col[i] = n;
      b.flags[i] &= ~flag;
    } else {
      let n = kept.get(id);
      if (n === undefined) kept.set(id, (n = list.push(old[id - 1])));
      col[i] = n;
    }
  }
  return list;
}
