/**
 * FlowBatch: the columnar, transferable unit that moves split flows between threads — from the
 * ingest thread to the store worker (append), and from the worker back (query pages).
 *
 * Fragments are carried by value (JSON text) with batch-local ids (1-based; 0 = none), so a batch
 * is self-contained: a receiver needs no shared state with the sender. A batch of 4096 typical
 * flows carries a few hundred distinct fragments.
 */
import { F_L7_VARS } from './flow-split.js';
import type { FlowInterner } from './flow-interner.js';

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
  /** A fragment used by one flow only (not shared within the batch). */
  own(json: string): number {
    return this.list.push(json);
  }
}

/** Accumulates split flows into FlowBatches of a fixed capacity. */
export class FlowBatchBuilder {
  private b: FlowBatch;
  private ep!: LocalIds;
  private l7!: LocalIds;
  private rest!: LocalIds;

  constructor(readonly capacity: number) {
    this.b = allocBatch(capacity);
    this.resetIds();
  }

  private resetIds(): void {
    this.ep = new LocalIds(this.b.endpoints);
    this.l7 = new LocalIds(this.b.l7s);
    this.rest = new LocalIds(this.b.rests);
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
   * returns true when the batch is now full. A flow whose per-request header values went to the
   * ring's slot column (F_L7_VARS) gets its whole L7 record as a fragment of its own here: the
   * persistent store keeps whole fragments and knows nothing of the ring's templates.
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
    b.flags[i] = p.flags & ~F_L7_VARS;
    for (let k = 0, at = i * 16; k < 16; k++) b.uuid[at + k] = p.uuid[k];
    b.src[i] = this.ep.id(frags.endpoint(ids.src));
    b.dst[i] = this.ep.id(frags.endpoint(ids.dst));
    b.l7[i] = p.flags & F_L7_VARS ? this.l7.own(it.l7FullJson()) : this.l7.id(frags.l7(ids.l7));
    b.rest[i] = this.rest.id(frags.rest(ids.rest));
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
