/**
 * ClickHouse history store figures: ingest rows/s into the store, disk per million flows, and
 * dashboard query latency over N stored flows (the same queries as bench/store.ts).
 *
 *   test/clickhouse/run.sh --exec node --import tsx bench/clickhouse.ts [N=1000000]
 *
 * run.sh starts a throw-away clickhouse-server on loopback and sets FLOWLENS_TEST_CLICKHOUSE_URL
 * (or point that variable, and FLOWLENS_TEST_CLICKHOUSE_USER/_PASSWORD, at a server of your own).
 * Flows: src/store/synthetic.ts "varied" replay of the golden input at 700 flows/s of simulated
 * time. Phase 1 splits them into FlowBatches through FlowStore (ring + split, as `serve` does);
 * phase 2 times ClickHouseHistoryStore.append of those batches until flushed (encoding to TSV and
 * the inserts); phase 3 runs the queries through FlowStore.aggregate/graph/query.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { decodeEvent } from '../src/flow/index.js';
import { FlowStore, syntheticFlows, type FlowBatch } from '../src/store/index.js';
import { timeQueries } from './store-queries.js';
import { ClickHouseHistoryStore } from '../src/store/clickhouse/client.js';
import { BatchEncoder } from '../src/store/clickhouse/writer.js';
import { captureBatches } from '../src/store/testing.js';

const N = Number(process.argv[2] ?? 1_000_000);
const url = process.env.FLOWLENS_TEST_CLICKHOUSE_URL?.replace(/\/[^/]*$/, '/flowlens_bench');
if (!url) throw new Error('set FLOWLENS_TEST_CLICKHOUSE_URL (test/clickhouse/run.sh --exec does)');
const auth = {
  username: process.env.FLOWLENS_TEST_CLICKHOUSE_USER,
  password: process.env.FLOWLENS_TEST_CLICKHOUSE_PASSWORD,
};
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const cpuMs = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1000;
const templates = readFileSync(new URL('../test/golden-hubble/input.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => decodeEvent(JSON.parse(l)));

/** Phase 1: the FlowBatches `serve` would send for N flows. */
async function buildBatches(): Promise<FlowBatch[]> {
  const t0 = performance.now();
  const out = await captureBatches(syntheticFlows(templates, N, { seed: 11 }));
  console.log(
    `phase 1: ${fmt(N)} flows generated, split and batched in ${((performance.now() - t0) / 1000).toFixed(1)} s (${out.length} batches)`,
  );
  return out;
}

async function ingest(batches: FlowBatch[]): Promise<void> {
  // The JS share alone: TSV encoding (fragment ids and attributes included), no HTTP.
  const enc = new BatchEncoder();
  const e0 = process.cpuUsage();
  for (const b of batches) enc.markWritten(enc.encode(b).newFragments);
  const encCpu = cpuMs(process.cpuUsage(e0));
  console.log(`phase 2a: TSV encoding alone: ${((encCpu * 1000) / N).toFixed(2)} µs of CPU per row`);
  const h = await ClickHouseHistoryStore.open({ url: url!, ...auth, maxAgeMs: 0, maxBytes: 0 });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let maxQueued = 0;
  for (const b of batches) {
    // Paced to what the server takes (serve would drop and count beyond maxQueuedBatches).
    while (h.queued >= 4) await new Promise((r) => setTimeout(r, 1));
    if (!h.append(b)) throw new Error('dropped');
    maxQueued = Math.max(maxQueued, h.queued);
  }
  await h.flush();
  const wall = performance.now() - t0;
  const cpu = cpuMs(process.cpuUsage(c0));
  const s = await h.stats();
  await h.close();
  console.log(`phase 2b: ClickHouseHistoryStore.append of ${fmt(N)} flows until flushed:`);
  console.log(
    `  ${fmt(N / (wall / 1000))} rows/s wall (${(wall / 1000).toFixed(1)} s); flowlens process CPU ${fmt(cpu)} ms = ${((cpu * 1000) / N).toFixed(2)} µs per row (TSV encoding + HTTP)`,
  );
  console.log(
    `  stored ${fmt(s.flows)} flows, ${(s.bytes / 1e6).toFixed(1)} MB on disk = ${(((s.bytes / s.flows) * 1e6) / 1e6).toFixed(1)} MB per million flows; dropped ${s.droppedFlows}, failed batches ${s.failedBatches}`,
  );
}

async function queries(): Promise<void> {
  const h = await ClickHouseHistoryStore.open({ url: url!, ...auth, maxAgeMs: 0, maxBytes: 0 });
  const store = await FlowStore.open({ ring: { capacity: 1000 }, historyStore: h });
  await timeQueries(store, 'phase 3: ');
  await store.close();
}

console.log(
  `load average at start: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} on ${cpus().length} CPUs; ClickHouse ${url.replace(/\/\/[^@/]*@/, '//')}`,
);
const batches = await buildBatches();
await ingest(batches);
batches.length = 0;
await queries();
