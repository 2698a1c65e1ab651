/**
 * Ingest throughput: flows through the real pipeline as `serve` wires it (FlowStore: ring +
 * persistent store in its worker thread, namespaces, metrics) — first from already decoded
 * events, then end to end from a flow log followed by the file source (read + JSON parse +
 * decode + pipeline). CPU time per flow is reported too: it does not depend on machine load.
 *
 *   npx tsx bench/ingest.ts [flows=500000] [file=bench/out/flows-1m.jsonl]
 * Target: >= 200,000 flows/s (issue #5).
 */
import { createMetricsPipeline } from '../src/metrics/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { NamespaceTracker, Pipeline, StoreHistory } from '../src/pipeline/index.js';
import { FileSource } from '../src/sources/file/index.js';
import { readFlowLog } from '../src/sources/jsonl/index.js';
import type { FlowEvent } from '../src/flow/index.js';

const N = Number(process.argv[2] ?? 500_000);
const file = process.argv[3] ?? 'bench/out/flows-1m.jsonl';

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

function report(name: string, n: number, ms: number, cpu: NodeJS.CpuUsage): void {
  const s = ms / 1000;
  const cpuS = (cpu.user + cpu.system) / 1e6;
  console.log(
    `${name.padEnd(46)} ${n} flows in ${s.toFixed(2)} s = ${Math.round(n / s)
      .toLocaleString('en-US')
      .padStart(9)} flows/s  (CPU ${((cpuS / n) * 1e6).toFixed(2)} µs/flow)`,
  );
}

// 1. Decoded events -> pipeline.
const events: FlowEvent[] = [];
for await (const batch of await readFlowLog([file])) {
  for (const ev of batch) if (events.length < N) events.push(ev);
  if (events.length >= N) break;
}
for (const persistent of [false, true, true]) {
  const dir = persistent ? mkdtempSync(`${tmpdir()}/flowlens-bench-`) : undefined;
  const { pipeline, metrics, history } = await build(1_048_575, dir);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < events.length; i += 1000)
    await pipeline.emit(events.slice(i, i + 1000).map((e) => ({ ...e })));
  await pipeline.stop();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  report(`decoded -> ring${persistent ? ' + store' : ''} + metrics`, events.length, ms, cpu);
  if (persistent) {
    const t1 = performance.now();
    await history.close();
    console.log(
      `  store flush+close ${(performance.now() - t1).toFixed(0)} ms; stored ${history.stats().storeFlows} (stats lag 1 s); metric series: ${metrics.seriesCount()}`,
    );
    rmSync(dir!, { recursive: true, force: true });
  } else await history.close();
}

// 2. File source (read + parse + decode) -> pipeline with the persistent store.
{
  const dir = mkdtempSync(`${tmpdir()}/flowlens-bench-`);
  const { pipeline, history } = await build(1_048_575, dir);
  const src = new FileSource(file);
  const ac = new AbortController();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  await src.run(async (b) => {
    await pipeline.emit(b);
    n += b.length;
    if (n >= N) ac.abort();
  }, ac.signal);
  await pipeline.stop();
  report('file -> parse -> ring + store + metrics', n, performance.now() - t0, process.cpuUsage(c0));
  await history.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
