/**
 * The generation loop: connection arrivals of every traffic edge (Poisson, with daily variation,
 * jitter and traffic surges) and of fault-driven lookups, each expanded into a short run of
 * time-sorted flows, all merged through one min-heap so the output is globally time-ordered.
 * Everything random comes from seeded generators, so a seed fixes the output byte for byte.
 */
import type { FlowEvent } from '../flow/index.js';
import { SimClock } from './clock.js';
import { runConnection } from './conn.js';
import { lookup } from './dns.js';
import type { SimEdge } from './edges.js';
import { FaultIndex, resolveFaults, type RuntimeFault } from './faults.js';
import { FlowFactory } from './flow-factory.js';
import { PolicyState } from './policy-state.js';
import { Prng, hash32 } from './prng.js';
import { RunContext, type Run } from './run-context.js';
import { prewarmDns } from './prewarm.js';
import type { Topology } from './topology.js';

/** A source of connection arrivals. */
interface Source {
  kind: 'edge' | 'nxdomain';
  edge?: SimEdge;
  fault?: RuntimeFault;
  prng: Prng;
  baseRate: number;
}

interface Entry {
  t: number;
  seq: number;
  source?: Source;
  run?: Run;
  i: number;
}

/** Engine parameters (already defaulted and validated by simulate()). */
export interface EngineParams {
  seed: string;
  startMs: number;
  durationNs: number;
  /** Multiplier applied to every edge rate (from --rate calibration). */
  scale: number;
}

function less(a: Entry, b: Entry): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}

/** A binary min-heap of entries ordered by (t, seq). */
class Heap {
  readonly items: Entry[] = [];
  push(e: Entry): void {
    const h = this.items;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  /** Restores order after the top entry's key grew (or removes it when `remove`). */
  fixTop(remove: boolean): void {
    const h = this.items;
    const last = h.pop()!;
    if (remove) {
      if (h.length === 0) return;
      h[0] = last;
    } else if (h.length === 0) {
      h.push(last);
      return;
    } else {
      h.push(last);
    }
    let i = 0;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && less(h[r], h[l]) ? r : l;
      if (!less(h[c], h[i])) break;
      [h[i], h[c]] = [h[c], h[i]];
      i = c;
    }
  }
}

/** The rate of a source at run offset tNs (connections per second). */
function rateAt(
  src: Source,
  tNs: number,
  params: EngineParams,
  faults: FaultIndex,
  seedHash: number,
): number {
  if (src.kind === 'nxdomain') return src.baseRate;
  const spec = src.edge!.spec;
  let r = src.baseRate;
  const epochMs = params.startMs + tNs / 1e6;
  if (spec.daily.amplitude > 0) {
    const hour = (epochMs / 3_600_000) % 24;
    r *= 1 + spec.daily.amplitude * Math.cos((2 * Math.PI * (hour - spec.daily.peakHour)) / 24);
  }
  if (spec.jitter > 0) {
    const sec = Math.floor(epochMs / 1000);
    const u = hash32(`${sec}`, seedHash ^ (src.edge!.index * 0x9e3779b1)) / 4294967296;
    r *= 1 + spec.jitter * (2 * u - 1);
  }
  if (faults.has('traffic-surge')) {
    for (const f of faults.active('traffic-surge', tNs)) {
      if (src.edge!.targetWorkloads.has(`${f.spec.workload.namespace}/${f.spec.workload.name}`))
        r *= f.spec.factor;
    }
  }
  return r;
}

/** Time of the next arrival after `tNs` (Poisson process, rate re-read at each arrival). */
function nextArrival(
  src: Source,
  tNs: number,
  params: EngineParams,
  faults: FaultIndex,
  seedHash: number,
): number {
  const rate = rateAt(src, tNs, params, faults, seedHash);
  if (rate <= 1e-9) return tNs + 1e9; // idle: look again in a second
  return tNs + Math.max(1, Math.round(src.prng.exp(1e9 / rate)));
}

/**
 * The flows of `topo` in time order, one per next() call. Lazy: nothing is computed beyond what
 * the consumer pulls, so an infinite duration is fine.
 */
export class FlowGenerator {
  /** The clock the flows' times are made with. */
  readonly clock: SimClock;
  /** The run of the event next() returned last, and its index there. */
  run: Run | undefined;
  index = 0;
  private readonly heap = new Heap();
  private readonly ctx: RunContext;
  private readonly faults: FaultIndex;
  private readonly prng: Prng;
  private readonly seedHash: number;
  private seq = 0;

  /**
   * `stamps`: flows come with stamps (Run.stamps) instead of time and uuid strings, for a writer
   * that writes them from the stamps (simulateChunks).
   */
  constructor(
    topo: Topology,
    private readonly params: EngineParams,
    stamps = false,
  ) {
    const faults = (this.faults = new FaultIndex(resolveFaults(topo)));
    const prng = (this.prng = Prng.derive(params.seed, 'flows'));
    const clock = (this.clock = new SimClock(params.startMs));
    const ctx = (this.ctx = new RunContext(
      topo,
      new FlowFactory(clock, prng),
      prng,
      faults,
      new PolicyState(topo, faults),
    ));
    if (stamps) ctx.keepStamps();
    prewarmDns(ctx, Prng.derive(params.seed, 'prewarm'));
    const seedHash = (this.seedHash = hash32(params.seed));
    const sources: Source[] = topo.edges.map((edge) => ({
      kind: 'edge' as const,
      edge,
      prng: Prng.derive(params.seed, `edge/${edge.index}/${edge.spec.name}`),
      baseRate: edge.spec.rate * params.scale,
    }));
    for (const f of faults.all) {
      if (f.spec.kind === 'dns-nxdomain')
        sources.push({
          kind: 'nxdomain',
          fault: f,
          prng: Prng.derive(params.seed, `fault/${f.index}`),
          baseRate: f.spec.rate * params.scale,
        });
    }
    for (const src of sources) {
      const from = src.fault ? src.fault.fromNs : 0;
      this.heap.push({
        t: from + Math.round(src.prng.exp(1e9 / Math.max(rateAt(src, from, params, faults, seedHash), 1e-6))),
        seq: this.seq++,
        source: src,
        i: 0,
      });
    }
  }

  /** The next flow, or undefined at the end of the run. */
  next(): FlowEvent | undefined {
    const { heap, params, faults, ctx, prng } = this;
    const end = params.durationNs;
    const h = heap.items;
    while (h.length > 0) {
      const top = h[0];
      if (top.t >= end) break;
      if (top.run) {
        const i = top.i;
        this.run = top.run;
        this.index = i;
        top.i++;
        if (top.i < top.run.times.length) {
          top.t = top.run.times[top.i];
          heap.fixTop(false);
        } else heap.fixTop(true);
        return this.run.events[i];
      }
      const src = top.source!;
      const t = top.t;
      if (src.kind === 'edge') runConnection(ctx, src.edge!, t);
      else if (t < src.fault!.toNs) {
        const pods = src.fault!.pods;
        if (pods.length > 0 && src.fault!.spec.kind === 'dns-nxdomain')
          lookup(ctx, t, pods[prng.int(pods.length)], src.fault!.spec.name, false);
      }
      const run = ctx.take();
      top.t = nextArrival(src, t, params, faults, this.seedHash);
      if (src.kind === 'nxdomain' && top.t >= src.fault!.toNs) heap.fixTop(true);
      else heap.fixTop(false);
      if (run) heap.push({ t: run.times[0], seq: this.seq++, run, i: 0 });
    }
    this.run = undefined;
    return undefined;
  }
}

/**
 * Generates the flows of `topo` in time order. Lazy: nothing is computed beyond what the
 * consumer pulls, so an infinite duration is fine.
 */
export function* generate(topo: Topology, params: EngineParams): Generator<FlowEvent, void, undefined> {
  const g = new FlowGenerator(topo, params);
  for (let ev = g.next(); ev !== undefined; ev = g.next()) yield ev;
}
