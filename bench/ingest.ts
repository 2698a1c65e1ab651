/**
 * Ingest throughput: flows through the real pipeline as `serve` wires it (FlowStore: ring +
 * persistent store in its worker thread, namespaces, metrics) — first from already decoded
 * events, then end to end from a flow log followed by the file source (read + JSON parse +
 * decode + pipeline). CPU time per flow is reported too: it does not depend on machine load.
 *
 *   npx tsx bench/ingest.ts [flows=500000] [file=bench/out/flows-1m.jsonl] [phases=decoded,grpc,sim,file]
 * Target: >= 200,000 flows/s (issue #5).
 *
 * Phase sim: the simulator's `healthy` scenario generated in-process, generation timed with the
 * pipeline (as `serve --source simulator` runs).
 * Phase grpc: GetFlowsResponse messages (encoded up front, the peer's work) decoded as a `hubble:`
 * source decodes them, then the pipeline; PREDECODE=1 decodes them before the clock starts.
 * NOSTORE=1 leaves the persistent store out of the grpc and sim phases.
 *
 * "main" is the CPU time of the main (ingest) thread alone (Linux, from /proc); the process
 * figure includes the store's worker thread and V8's helper threads (GC). INGEST_THREADS=1 also
 * lists the CPU time of every thread during the sim and file phases.
 */
import { createMetricsPipeline } from '../src/metrics/index.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { NamespaceTracker, Pipeline, StoreHistory } from '../src/pipeline/index.js';
import { FileSource } from '../src/sources/file/index.js';
import { readFlowLog } from '../src/sources/jsonl/index.js';
import type { FlowEvent } from '../src/flow/index.js';
import { loadScenario, simulate } from '../src/sim/index.js';
import { decodeEventBytes, ProtoWriter, writeEvent } from '../src/server/grpc/wire/index.js';

const N = Number(process.argv[2] ?? 500_000);
const file = process.argv[3] ?? 'bench/out/flows-1m.jsonl';
const phases = new Set((process.argv[4] ?? 'decoded,grpc,sim,file').split(','));
/** Ring capacity (RING=65535 makes the ring wrap, so that releasing old slots is measured too). */
const RING = Number(process.env.RING ?? 1_048_575);

/** CPU seconds per thread id (Linux), for INGEST_THREADS=1. */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(`${tid} ${name}`, (Number(f[11]) + Number(f[12])) / 100);
    }
  } catch {
    // not Linux
  }
  return out;
}

function threadReport(t0: Map<string, number>, t1: Map<string, number>, n: number): void {
  if (!process.env.INGEST_THREADS) return;
  for (const [k, v] of t1) {
    const d = v - (t0.get(k) ?? 0);
    if (d > 0.05) console.log(`  thread ${k.padEnd(24)} ${((d / n) * 1e6).toFixed(2)} µs/flow`);
  }
}

/** CPU seconds of the main thread (utime + stime of the task whose id is the pid), or NaN. */
function mainThreadCpu(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

async function build(capacity: number, dir?: string) {
  const history = await StoreHistory.open({ ringCapacity: capacity, nodeName: 'bench', dir });
  const metrics = createMetricsPipeline({});
  const ns = new NamespaceTracker();
  const pipeline = new Pipeline(
    [
      { name: 'store', process: (b) => history.append(b) },
      ns,
      { name: 'metrics', process: (b, s) => metrics.observe(b, s || undefined) },
    ],
    { nodeName: 'bench' },
  );
  pipeline.start();
  return { history, metrics, pipeline };
}

function report(name: string, n: number, ms: number, cpu: NodeJS.CpuUsage, main0: number): void {
  const s = ms / 1000;
  const perFlow = (sec: number): string => ((sec / n) * 1e6).toFixed(2);
  const rate = Math.round(n / s).toLocaleString('en-US');
  const cpuS = (cpu.user + cpu.system) / 1e6;
  console.log(
    `${name.padEnd(46)} ${n} flows in ${s.toFixed(2)} s = ${rate.padStart(9)} flows/s  ` +
      `(CPU ${perFlow(cpuS)} µs/flow, main ${perFlow(mainThreadCpu() - main0)})`,
  );
}

// 1. Decoded events -> pipeline.
const events: FlowEvent[] = [];
if (phases.has('decoded'))
  for await (const batch of await readFlowLog([file])) {
    for (const ev of batch) if (events.length < N) events.push(ev);
    if (events.length >= N) break;
  }
for (const persistent of phases.has('decoded') ? [false, true, true] : []) {
  const dir = persistent ? mkdtempSync(`${tmpdir()}/flowlens-bench-`) : undefined;
  const { pipeline, metrics, history } = await build(RING, dir);
  const m0 = mainThreadCpu();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < events.length; i += 1000)
    await pipeline.emit(events.slice(i, i + 1000).map((e) => ({ ...e })));
  await pipeline.stop();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  report(`decoded -> ring${persistent ? ' + store' : ''} + metrics`, events.length, ms, cpu, m0);
  if (persistent) {
    const t1 = performance.now();
    await history.close();
    console.log(
      `  store flush+close ${(performance.now() - t1).toFixed(0)} ms; stored ${history.stats().storeFlows} (stats lag 1 s); metric series: ${metrics.seriesCount()}`,
    );
    rmSync(dir!, { recursive: true, force: true });
  } else await history.close();
}

/**
 * Builds a pipeline (with the persistent store unless NOSTORE=1), times `feed` (which returns
 * how many flows it emitted) and the drain, reports, and closes everything.
 */
async function timed(label: string, feed: (emit: (b: FlowEvent[]) => Promise<void>) => Promise<number>) {
  const dir = process.env.NOSTORE ? undefined : mkdtempSync(`${tmpdir()}/flowlens-bench-`);
  const { pipeline, history } = await build(RING, dir);
  const th0 = threadCpu();
  const m0 = mainThreadCpu();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const n = await feed((b) => pipeline.emit(b));
  const th1 = threadCpu();
  await pipeline.stop();
  report(dir ? label : label.replace(' + store', ''), n, performance.now() - t0, process.cpuUsage(c0), m0);
  threadReport(th0, th1, n);
  await history.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}

// 2. gRPC: what a `hubble:` source receives (GetFlowsResponse messages, encoded up front: the
// peer's work), decoded as the Observer client does (decodeEventBytes) -> pipeline.
// PREDECODE=1 decodes them before the clock starts: what the decoded objects cost the pipeline,
// against the flow-log objects of the `decoded` phase.
if (phases.has('grpc')) {
  const wire = new ProtoWriter(1 << 16);
  const msgs: Uint8Array[] = [];
  for await (const batch of await readFlowLog([file])) {
    for (const ev of batch) {
      if (msgs.length >= N) break;
      wire.reset();
      writeEvent(wire, ev);
      msgs.push(wire.finish().slice());
    }
    if (msgs.length >= N) break;
  }
  for (let round = 0; round < 2; round++) {
    const pre = process.env.PREDECODE ? msgs.map(decodeEventBytes) : undefined;
    await timed(
      pre ? 'grpc, decoded before -> ring + store + metrics' : 'grpc -> decode -> ring + store + metrics',
      async (emit) => {
        for (let i = 0; i < msgs.length; i += 1000)
          await emit(pre ? pre.slice(i, i + 1000) : msgs.slice(i, i + 1000).map(decodeEventBytes));
        return msgs.length;
      },
    );
  }
}

// 3. The simulator's `healthy` scenario as `serve --source simulator` ingests it: generated
// in-process (timed: it is the source's work) in batches of 1000 -> pipeline.
if (phases.has('sim')) {
  for (let round = 0; round < 2; round++) {
    const gen = simulate(loadScenario('healthy'), { seed: 1 + round, durationMs: Math.ceil(N / 400) * 1000 });
    await timed('simulator -> ring + store + metrics', async (emit) => {
      let n = 0;
      let batch: FlowEvent[] = [];
      for (const ev of gen) {
        batch.push(ev);
        if (batch.length === 1000) {
          await emit(batch);
          n += batch.length;
          batch = [];
          if (n >= N) break;
        }
      }
      return n;
    });
  }
}

// 4. File source (read + parse + decode) -> pipeline with the persistent store.
if (phases.has('file')) {
  const dir = mkdtempSync(`${tmpdir()}/flowlens-bench-`);
  const { pipeline, history } = await build(RING, dir);
  const src = new FileSource(file);
  const ac = new AbortController();
  const th0 = threadCpu();
  let th1 = th0;
  const m0 = mainThreadCpu();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  await src.run(async (b) => {
    await pipeline.emit(b);
    n += b.length;
    if (n >= N && !ac.signal.aborted) {
      th1 = threadCpu(); // at the end of the input, before threads that end on stop are gone
      ac.abort();
    }
  }, ac.signal);
  await pipeline.stop();
  report('file -> parse -> ring + store + metrics', n, performance.now() - t0, process.cpuUsage(c0), m0);
  threadReport(th0, th1, n);
  await history.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
