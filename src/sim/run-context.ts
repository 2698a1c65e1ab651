/**
 * Shared state of one simulation run: the topology, the flow factory, faults and policies, the
 * pods' ephemeral ports and DNS caches, and the buffer in which one connection's flows are
 * collected before the engine merges them into the time-ordered output.
 */
import type { FlowEvent } from '../flow/index.js';
import type { FaultIndex } from './faults.js';
import type { FlowFactory } from './flow-factory.js';
import type { PolicyState } from './policy-state.js';
import type { Prng } from './prng.js';
import type { LatencySpec } from './schema.js';
import type { SimPod, Topology } from './topology.js';

/** A resolved DNS cache entry of a pod. */
export interface DnsCacheEntry {
  expiresNs: number;
  ip: string;
}

/** The flows of one connection (or lookup), sorted by time. */
export interface Run {
  times: number[];
  events: FlowEvent[];
  /** With RunContext.keepStamps: per event, the stamp FlowFactory made it with (STAMP numbers each). */
  stamps?: number[];
}

/** Numbers per event in Run.stamps: the run offset its time was made from and its four UUID words. */
export const STAMP = 5;

const Z99 = 2.3263478740408408;

/** Moves the stamp of event `from` to `to` (< from), shifting those between up by one. */
function moveStamp(s: number[], from: number, to: number): void {
  const k = from * STAMP;
  const a = s[k],
    b = s[k + 1],
    c = s[k + 2],
    d = s[k + 3],
    e = s[k + 4];
  s.copyWithin((to + 1) * STAMP, to * STAMP, k);
  const m = to * STAMP;
  s[m] = a;
  s[m + 1] = b;
  s[m + 2] = c;
  s[m + 3] = d;
  s[m + 4] = e;
}

/** Mutable per-run state handed to the generators. */
export class RunContext {
  /** Per-pod DNS caches (by the name the application resolves). */
  readonly dnsCache: Array<Map<string, DnsCacheEntry>>;
  private readonly ports: Int32Array;
  private times: number[] = [];
  private events: FlowEvent[] = [];
  /** Collects the stamps of the flows (Run.stamps) when set. */
  private stamps: number[] | undefined;

  constructor(
    readonly topo: Topology,
    readonly factory: FlowFactory,
    readonly prng: Prng,
    readonly faults: FaultIndex,
    readonly policy: PolicyState,
  ) {
    this.dnsCache = topo.pods.map(() => new Map());
    this.ports = new Int32Array(topo.pods.length);
    topo.pods.forEach((p, i) => (this.ports[i] = 32768 + ((p.endpointId * 7919) % 28000)));
  }

  /**
   * From now on, keeps the stamps of the flows with them (Run.stamps) instead of their time and
   * uuid strings (FlowFactory.stampsOnly).
   */
  keepStamps(): void {
    this.stamps ??= [];
    this.factory.stampsOnly = true;
  }

  /**
   * Adds a flow at run offset `tNs` (rounded to whole nanoseconds) to the current run. With
   * stamps, the flow must be the one the factory made last (every caller emits a flow as it
   * makes it).
   */
  emit(tNs: number, ev: FlowEvent): void {
    this.times.push(tNs);
    this.events.push(ev);
    const s = this.stamps;
    if (s !== undefined) {
      const f = this.factory;
      if (f.last !== ev) throw new Error('simulator: a flow was emitted after another was made');
      const u = f.lastUuid;
      s.push(f.lastNs, u[0], u[1], u[2], u[3]);
    }
  }

  /** Takes the flows collected since the last call, sorted by time (stable). */
  take(): Run | undefined {
    const n = this.times.length;
    if (n === 0) return undefined;
    const times = this.times;
    const events = this.events;
    const stamps = this.stamps;
    this.times = [];
    this.events = [];
    if (stamps !== undefined) this.stamps = [];
    // Insertion sort: runs are short and almost sorted.
    for (let i = 1; i < n; i++) {
      const t = times[i];
      if (t >= times[i - 1]) continue;
      const e = events[i];
      let j = i - 1;
      while (j >= 0 && times[j] > t) {
        times[j + 1] = times[j];
        events[j + 1] = events[j];
        j--;
      }
      times[j + 1] = t;
      events[j + 1] = e;
      if (stamps !== undefined) moveStamp(stamps, i, j + 1);
    }
    return { times, events, stamps };
  }

  /** Next ephemeral port of a pod (Linux range 32768-60999, advancing like a busy host). */
  port(pod: SimPod): number {
    let p = this.ports[pod.index] + 1 + this.prng.int(7);
    if (p > 60999) p = 32768 + (p - 61000);
    this.ports[pod.index] = p;
    return p;
  }

  private readonly worldPorts = new Map<string, number>();

  /**
   * Next ephemeral port of a world client address. Sequential per address (as a NAT gateway or
   * a host allocates them), so a connection's 5-tuple is not reused within the run.
   */
  worldPort(ip: string): number {
    let p = (this.worldPorts.get(ip) ?? 32768 + this.prng.int(20000)) + 1 + this.prng.int(5);
    if (p > 60999) p = 32768 + (p - 61000);
    this.worldPorts.set(ip, p);
    return p;
  }

  /** A log-normal latency in whole nanoseconds with the given median and 99th percentile (ms). */
  latencyNs(l: LatencySpec): number {
    const mu = Math.log(Math.max(l.p50, 1e-3));
    const sigma = Math.max(0, (Math.log(Math.max(l.p99, l.p50, 1e-3)) - mu) / Z99);
    return Math.max(1000, Math.round(Math.exp(mu + sigma * this.prng.normal()) * 1e6));
  }

  /** A uniform duration in [minUs, maxUs] microseconds, as whole nanoseconds. */
  us(minUs: number, maxUs: number): number {
    return Math.round((minUs + this.prng.next() * (maxUs - minUs)) * 1000);
  }
}
