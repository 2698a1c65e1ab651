/**
 * Metrics exporter benchmarks (issue 4 targets: ≥ 1,000,000 flows/s per core through the
 * default handler set; /metrics with 50,000 series rendered in ≤ 150 ms).
 *
 *   npx tsx bench/metrics.ts [file=bench/out/flows-1m.jsonl] [flows=1000000]
 *
 * 1. Throughput: flows are read in batches of 256 by each reader (untimed; see READERS below:
 *    as a flow log is read, the same then appended to a ring as `serve` does, as a gRPC peer's
 *    flows are decoded, and decoded afresh), and
 *    `pipeline.observe(batch)` is timed right after, in wall and CPU time (CPU time is the
 *    per-core figure on a shared machine). Runs the default handler set, the ACNS set, then
 *    every handler together. 256 is the slice the ingest
 *    pipeline hands to each of its stages in turn (src/pipeline/pipeline.ts), so in `serve` the
 *    metrics read flows that the ring has just read (reader `serve`); `BATCH=4096` shows the cost of cold flows (whole
 *    batches of a few megabytes of objects, about a third slower).
 * 2. Render: 50,000 series across the default families (unique pods), Prometheus text and
 *    OpenMetrics, first render (includes sorting) and steady-state renders.
 * 3. Reference: raw keyed-Map increments with a 7-label key, the "plain keyed map" figure of
 *    the issue, measured here for comparison.
 * 4. Reference: the memory floor of the default set, timed like 1. on the same batches:
 *    only reading the flow fields its handlers label with and interning the label strings
 *    (one Map lookup per string), without any metric. No handler set can go below it.
 *
 * If the file is missing, generate it with `npx tsx bench/gen-flows.ts`; without it the
 * 300 golden flows are cycled with fresh copies.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  decodeEvent,
  FlowLineParser,
  isCanonicalEvent,
  type Flow,
  type FlowEvent,
} from '../src/flow/index.js';
import { createMetricsPipeline, DEFAULT_METRICS } from '../src/metrics/index.js';
import { decodeEventBytes, ProtoWriter, writeEvent } from '../src/server/grpc/wire/index.js';
import { RingStore } from '../src/store/ring-store.js';

const file = process.argv[2] ?? 'bench/out/flows-1m.jsonl';
const total = Number(process.argv[3] ?? 1_000_000);
const BATCH = Number(process.env.BATCH ?? 256);
/**
 * How the flows are read (untimed), which decides which objects they share. Each reader in
 * READERS (default all four) has its own pipeline; they take turns of 64K flows over the same
 * lines, so that all see the machine in the same state (interleaved A/B):
 * - file: as the file source and the flow-log readers read them (FlowLineParser: the flows of
 *   one pod share one frozen endpoint object);
 * - serve: as `file`, then appended to a ring before `observe` (see beforeObserve);
 * - grpc: as a `hubble:` source receives them, encoded to protobuf and decoded by the gRPC
 *   client's decoder (which shares endpoints by their bytes);
 * - fresh: every line decoded afresh, nothing shared (what was measured before the sharing).
 */
const READERS = (process.env.READERS ?? 'file,serve,grpc,fresh').split(',') as Reader[];
type Reader = 'file' | 'serve' | 'grpc' | 'fresh';
/**
 * `serve`: read as `file` reads, then appended to a ring (untimed) before `observe`, as
 * `flowlens serve` runs its store stage before the metrics on every slice
 * (src/pipeline/pipeline.ts), so that the metrics read flows the ring has just read.
 */
const rings = new Map<Reader, RingStore>();
function beforeObserve(reader: Reader, batch: FlowEvent[]): void {
  if (reader !== 'serve') return;
  let ring = rings.get(reader);
  if (ring === undefined) rings.set(reader, (ring = new RingStore({ capacity: 65_535 })));
  ring.appendBatch(batch);
}
const canonical = (v: unknown): FlowEvent => (isCanonicalEvent(v) ? v : decodeEvent(v));
const wire = new ProtoWriter(1 << 16);
const parser = new FlowLineParser();
/**
 * What a reader receives for a line: the line itself, or (grpc) the protobuf bytes a peer would
 * send. Encoding is the peer's work: it is done for a whole turn before the turn is read, so
 * that its garbage is not collected inside the timed `observe` calls.
 */
function received(reader: Reader, line: string): string | Uint8Array {
  if (reader !== 'grpc') return line;
  wire.reset();
  writeEvent(wire, decodeEvent(JSON.parse(line)));
  return wire.finish().slice();
}
/** Reads what `received` gave, as the reader's source does. */
function readLine(reader: Reader, got: string | Uint8Array): FlowEvent {
  if (typeof got !== 'string') return decodeEventBytes(got);
  if (reader === 'file' || reader === 'serve') return canonical(parser.parse(got));
  return decodeEvent(JSON.parse(got));
}

async function* batches(): AsyncGenerator<string[]> {
  if (existsSync(file)) {
    const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    let batch: string[] = [];
    let n = 0;
    for await (const line of rl) {
      if (!line) continue;
      batch.push(line);
      if (++n >= total) break;
      if (batch.length === BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
    rl.close();
    return;
  }
  const lines = readFileSync(new URL('../test/golden-hubble/input.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter(Boolean);
  for (let n = 0; n < total; n += BATCH) {
    const batch: string[] = [];
    for (let i = n; i < Math.min(total, n + BATCH); i++) batch.push(lines[i % lines.length]!);
    yield batch;
  }
}

async function throughput(name: string, metrics: readonly string[]): Promise<void> {
  const ps = new Map(READERS.map((r) => [r, createMetricsPipeline({ metrics })]));
  await timed(
    name,
    (r) => (b) => ps.get(r)!.observe(b, 'bench'),
    (r) => `${ps.get(r)!.seriesCount()} series`,
  );
}

/** Lines per turn of a reader: the readers take turns, so that they see the machine alike. */
const TURN = 65_536;

/** Times `observe` over fresh batches, per reader, in wall and CPU time. */
async function timed(
  name: string,
  observer: (r: Reader) => (b: FlowEvent[]) => unknown,
  note: (r: Reader) => string,
): Promise<void> {
  const runs = READERS.map((r) => ({ r, observe: observer(r), ns: 0n, cpuUs: 0, n: 0 }));
  let turn: string[][] = [];
  let lines = 0;
  const play = (): void => {
    for (const run of runs)
      for (const batch of turn.map((b) => b.map((l) => received(run.r, l)))) {
        // The batch was just read (untimed), as in the ingest loop: observe() sees warm objects.
        const b = batch.map((l) => readLine(run.r, l));
        beforeObserve(run.r, b);
        const c0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        run.observe(b);
        run.ns += process.hrtime.bigint() - t0;
        const c = process.cpuUsage(c0);
        run.cpuUs += c.user + c.system;
        run.n += b.length;
      }
    turn = [];
    lines = 0;
  };
  for await (const batch of batches()) {
    turn.push(batch);
    if ((lines += batch.length) >= TURN) play();
  }
  play();
  for (const { r, ns, cpuUs, n } of runs) {
    const s = Number(ns) / 1e9;
    const cpu = cpuUs / 1e6;
    console.log(
      `${name.padEnd(22)} ${r.padEnd(5)} ${n.toLocaleString('en-US')} flows: wall ${s.toFixed(3)} s = ${rate(n / s)} flows/s; CPU ${cpu.toFixed(3)} s = ${rate(n / cpu)} flows/s per core (${note(r)})`,
    );
  }
}

/**
 * The fields the default handlers label with (verdict, type, protocol, direction, reply, TCP
 * flags, IP version, endpoints' pod and namespace, time, DNS query/types/answers/rcode, HTTP
 * method/protocol/status/latency, drop reason, policy match, client address and port), read
 * once per flow, with every label string interned in a Map: what any implementation must do.
 */
function fieldReads(): (b: FlowEvent[]) => number {
  const ids = new Map<string, number>();
  const id = (s: string | undefined): number => {
    if (s === undefined) return 0;
    let i = ids.get(s);
    if (i === undefined) ids.set(s, (i = ids.size + 1));
    return i;
  };
  let sink = 0;
  return (events) => {
    for (let i = 0; i < events.length; i++) {
      const f: Flow | undefined = events[i]!.flow;
      if (f === undefined) continue;
      let x = f.verdict === 'FORWARDED' ? 1 : 0;
      const et = f.event_type;
      x += (et?.type ?? 0) + (et?.sub_type ?? 0);
      x += f.traffic_direction === 'EGRESS' ? 1 : 0;
      x += f.is_reply === true ? 1 : 0;
      x += f.time?.length ?? 0;
      const src = f.source;
      const dst = f.destination;
      x += id(src?.pod_name) + id(dst?.pod_name) + id(src?.namespace) + id(dst?.namespace);
      const l4 = f.l4;
      if (l4 !== undefined) {
        const tcp = l4.TCP;
        const fl = tcp?.flags;
        if (fl !== undefined) x += (fl.SYN ? 1 : 0) + (fl.FIN ? 2 : 0) + (fl.ACK ? 4 : 0) + (fl.RST ? 8 : 0);
        if (tcp !== undefined) x += f.IP?.ipVersion === 'IPv4' ? 1 : 0;
        x += f.extensions === undefined ? 0 : 1;
      }
      const l7 = f.l7;
      if (l7 !== undefined) {
        x += l7.type === 'REQUEST' ? 1 : 0;
        const dns = l7.dns;
        const http = l7.http;
        if (dns !== undefined) {
          x += id(dns.query) + id(dns.qtypes?.[0]) + (dns.rcode ?? 0);
          for (const ip of dns.ips ?? []) x += id(ip);
          for (const rr of dns.rrtypes ?? []) x += id(rr);
          x += id(f.IP?.source) + id(f.IP?.destination);
          x += (l4?.UDP?.source_port ?? 0) + (l4?.UDP?.destination_port ?? 0);
        } else if (http !== undefined) {
          x += id(http.method) + id(http.protocol) + (http.code ?? 0) + (l7.latency_ns?.length ?? 0);
        }
        x += src?.identity ?? 0;
      }
      x += f.policy_match_type ?? 0;
      if (f.verdict === 'DROPPED') x += id(String(f.drop_reason_desc));
      sink += x;
    }
    return sink; // so that the reads cannot be optimised away
  };
}

function rate(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

/** Wall and CPU milliseconds of a call. */
function time<T>(f: () => T): { wall: number; cpu: number; value: T } {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = f();
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000, value };
}

function render(): void {
  const p = createMetricsPipeline({
    metrics: ['flow:sourceEgressContext=pod;destinationIngressContext=pod'],
    defaults: { budget: 100_000 },
  });
  const verdicts = ['FORWARDED', 'DROPPED'];
  const events: FlowEvent[] = [];
  for (let i = 0; i < 50_000; i++) {
    events.push({
      flow: {
        verdict: verdicts[i % 2] as 'FORWARDED',
        event_type: { type: 4, sub_type: i % 14 },
        l4: { TCP: { source_port: 1000 + (i % 5000), destination_port: 443 } },
        traffic_direction: 'EGRESS',
        source: { namespace: `ns-${i % 50}`, pod_name: `pod-${Math.floor(i / 2)}-abcde` },
      },
    });
  }
  p.observe(events, 'bench');
  const series = p.seriesCount();
  for (const fmt of ['prometheus', 'openmetrics'] as const) {
    const runs: { wall: number; cpu: number }[] = [];
    let bytes = 0;
    for (let k = 0; k < 6; k++) {
      if (k === 0)
        p.observe([{ flow: { ...events[0]!.flow, source: { namespace: 'x', pod_name: `new-${fmt}` } } }]); // force a re-sort
      const r = time(() => p.render(fmt).length);
      bytes = r.value;
      runs.push(r);
    }
    const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const steady = runs.slice(1);
    console.log(
      `render ${fmt.padEnd(11)} ${series} series, ${(bytes / 2 ** 20).toFixed(1)} MiB: first ${runs[0]!.wall.toFixed(1)} ms wall / ${runs[0]!.cpu.toFixed(1)} ms CPU (with sort); steady median ${med(steady.map((r) => r.wall)).toFixed(1)} ms wall / ${med(steady.map((r) => r.cpu)).toFixed(1)} ms CPU`,
    );
  }
}

function rawMap(): void {
  const m = new Map<string, { v: number }>();
  const vals = ['TCP', 'Trace', 'to-endpoint', 'FORWARDED', '', '', ''];
  const pods = Array.from({ length: 1000 }, (_, i) => `shop/checkout-${i}-abcde`);
  const n = 5_000_000;
  const r = time(() => {
    for (let i = 0; i < n; i++) {
      vals[4] = pods[i % 1000]!;
      vals[5] = pods[(i * 7) % 1000]!;
      const k =
        vals[0] +
        '\u0001' +
        vals[1] +
        '\u0001' +
        vals[2] +
        '\u0001' +
        vals[3] +
        '\u0001' +
        vals[4] +
        '\u0001' +
        vals[5] +
        '\u0001' +
        vals[6];
      const s = m.get(k);
      if (s) s.v++;
      else m.set(k, { v: 1 });
    }
  });
  console.log(
    `reference: keyed Map, 7-label key: wall ${rate(n / (r.wall / 1000))} increments/s; CPU ${rate(n / (r.cpu / 1000))} increments/s`,
  );
}

console.log(
  `node ${process.version}, input ${existsSync(file) ? file : 'golden input (cycled)'}, batches of ${BATCH} flows, readers ${READERS.join(', ')}`,
);
await throughput('default handler set', DEFAULT_METRICS);
// What ACNS/Retina's Hubble control plane enables: flow, tcp, dns:query, drop with its contexts.
await throughput(
  'ACNS Hubble set',
  ['flow', 'tcp', 'dns:query', 'drop'].map(
    (h) => `${h}${h.includes(':') ? ';' : ':'}sourceEgressContext=pod;destinationIngressContext=pod`,
  ),
);
await throughput('every handler', [
  ...DEFAULT_METRICS,
  'flows-to-world:any-drop;port;sourceContext=pod',
  'icmp:sourceContext=pod',
  'kafka:sourceContext=pod',
  'port-distribution:sourceContext=pod',
  'networkobservability-adv',
]);
await timed(
  'floor: field reads only',
  () => fieldReads(),
  () => 'default set, no metric',
);
render();
rawMap();
