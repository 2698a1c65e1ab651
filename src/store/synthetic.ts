/**
 * Synthetic flows for the store's benchmarks and tests: realistic flows (templates, such as the
 * Hubble golden input) replayed with fresh times and uuids and, in `varied` mode, with the
 * per-flow diversity of a real cluster: random source ports, L7 latencies, a unique
 * `x-request-id` header on HTTP flows and a pool of 5,000 outside (world) IP addresses. The
 * variation matters: interning makes repeated flows nearly free, so a benchmark that only
 * cycles templates flatters the ring.
 */
import type { FlowEvent, Flow } from '../flow/types.js';
import { timeFromMillis } from '../flow/time.js';

/** Options of syntheticFlows. */
export interface SyntheticOptions {
  /** Epoch ms of the first flow (default 2026-11-20T08:00:00Z). */
  startMs?: number;
  /** Flows per second of simulated time (default 700, like the perf baselines). */
  rate?: number;
  /** 'templates': only time and uuid change; 'varied' (default): see the module doc. */
  mode?: 'templates' | 'varied';
  /** PRNG seed (default 1). */
  seed?: number;
}

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(rnd: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ((rnd() * 16) | 0).toString(16);
  return s;
}

function uuid(rnd: () => number): string {
  return `${hex(rnd, 8)}-${hex(rnd, 4)}-4${hex(rnd, 3)}-a${hex(rnd, 3)}-${hex(rnd, 12)}`;
}

function vary(f: Flow, rnd: () => number): Flow {
  const out: Flow = { ...f };
  const l4 = f.l4;
  // A new ephemeral port on the client's side: the source of a request, the destination of a
  // reply (a reply's source port stays the server's port, as on the wire).
  const side = f.is_reply === true ? 'destination_port' : 'source_port';
  const port = 32768 + ((rnd() * 28000) | 0);
  if (l4?.TCP?.[side]) out.l4 = { ...l4, TCP: { ...l4.TCP, [side]: port } };
  else if (l4?.UDP?.[side]) out.l4 = { ...l4, UDP: { ...l4.UDP, [side]: port } };
  if (f.l7) {
    const l7 = { ...f.l7 };
    if (l7.latency_ns) l7.latency_ns = String(100_000 + ((rnd() * 50_000_000) | 0));
    if (l7.http?.headers) {
      l7.http = {
        ...l7.http,
        headers: l7.http.headers.map((h) =>
          h.key === 'x-request-id' ? { key: h.key, value: uuid(rnd) } : h,
        ),
      };
    }
    out.l7 = l7;
  }
  if (f.destination?.labels?.some((l) => l.startsWith('reserved:world')) && f.IP) {
    const n = (rnd() * 5000) | 0;
    out.IP = { ...f.IP, destination: `203.0.${n >> 8}.${n & 255}` };
  }
  return out;
}

/** Yields `count` flows built from `templates` (events with a flow). */
export function* syntheticFlows(
  templates: readonly FlowEvent[],
  count: number,
  o: SyntheticOptions = {},
): Generator<FlowEvent> {
  const flows = templates.filter((t) => t.flow);
  if (flows.length === 0) throw new Error('syntheticFlows: no flow templates');
  const rnd = prng(o.seed ?? 1);
  const start = o.startMs ?? Date.parse('2026-11-20T08:00:00Z');
  const step = 1000 / (o.rate ?? 700);
  const varied = (o.mode ?? 'varied') === 'varied';
  for (let i = 0; i < count; i++) {
    const t = flows[(rnd() * flows.length) | 0];
    const time = timeFromMillis(Math.floor(start + i * step) + ((rnd() * 1000) | 0) / 1000);
    const base = varied ? vary(t.flow!, rnd) : t.flow!;
    yield { ...t, time, flow: { ...base, time, uuid: uuid(rnd) } };
  }
}
