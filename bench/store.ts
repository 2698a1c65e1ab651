/**
 * Persistent store figures: the store worker's write rate alone (prebuilt batches), ingest
 * through FlowStore (ring + DuckDB worker), disk per million flows, and dashboard query latency
 * over N stored flows.
 *
 *   node --import tsx bench/store.ts [N=1000000] [ingest=min(N,1000000)]
 *   node --import tsx bench/store.ts 10000000          # the 10M figure
 *
 * Flows: src/store/synthetic.ts "varied" replay of the golden input at 700 flows/s of simulated
 * time (1M flows = 24 min). `ingest` flows go through FlowStore.append for real; when N is
 * larger, the rest are time-shifted copies inserted in SQL (as the perf baselines did), so the
 * 10M database does not take an hour to build. Queries go through FlowStore.aggregate/graph
 * (worker round trip included): warm p50 of 10 runs, and the first run.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { DuckDBInstance } from '@duckdb/node-api';
import { decodeEvent, type FlowEvent } from '../src/flow/index.js';
import { DuckDBHistoryStore, FlowStore, syntheticFlows } from '../src/store/index.js';
import { timeQueries } from './store-queries.js';
import { captureBatches, tempDir } from '../src/store/testing.js';

const N = Number(process.argv[2] ?? 1_000_000);
const INGEST = Number(process.argv[3] ?? Math.min(N, 1_000_000));
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const templates = readFileSync(new URL('../test/golden-hubble/input.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => decodeEvent(JSON.parse(l)));
const tmp = tempDir('flowlens-bench-store-');
const dbFile = join(tmp.dir, 'flows.duckdb');

/**
 * The store worker's write rate alone: the same flows split into FlowBatches first (a store that
 * only collects them), then appended to a fresh DuckDBHistoryStore, paced to what it takes,
 * until flushed. Process CPU includes the worker thread (DuckDB's appends, commits, the rollup).
 */
async function writer(): Promise<void> {
  const batches = await captureBatches(syntheticFlows(templates, INGEST, { seed: 11 }));
  const w = tempDir('flowlens-bench-writer-');
  try {
    const h = await DuckDBHistoryStore.open({ dir: w.dir, maxAgeMs: 0, maxBytes: 0 });
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (const b of batches) {
      while (h.queued >= 4) await new Promise((r) => setTimeout(r, 1));
      if (!h.append(b)) throw new Error('dropped');
    }
    await h.flush();
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1000;
    await h.close();
    console.log(
      `store worker alone (${batches.length} prebuilt batches of ${fmt(INGEST)} flows, appended until flushed): ${fmt(INGEST / (wall / 1000))} rows/s wall, ${((cpu * 1000) / INGEST).toFixed(2)} µs of process CPU per row`,
    );
  } finally {
    w.cleanup();
  }
}

async function ingest(): Promise<void> {
  const store = await FlowStore.open({
    ring: { capacity: 1_000_000 },
    history: { dir: tmp.dir, maxAgeMs: 0, maxBytes: 0 },
  });
  const history = store.history as DuckDBHistoryStore;
  const gen = syntheticFlows(templates, INGEST, { seed: 11 });
  let appendMs = 0;
  let cpu = 0;
  const t0 = performance.now();
  for (;;) {
    const chunk: FlowEvent[] = [];
    for (let r = gen.next(); !r.done; r = gen.next()) if (chunk.push(r.value) === 4096) break;
    if (chunk.length === 0) break;
    const c0 = process.cpuUsage();
    const a = performance.now();
    store.append(chunk);
    appendMs += performance.now() - a;
    const c = process.cpuUsage(c0);
    cpu += (c.user + c.system) / 1000;
    // The benchmark paces itself to what the worker sustains (the server would drop and count).
    if (history.queued >= 4) await store.flush();
  }
  await store.flush();
  const wall = performance.now() - t0;
  const s = await store.stats();
  await store.close();
  console.log(`ingest ${fmt(INGEST)} flows:`);
  console.log(
    `  FlowStore.append on the ingest thread: ${fmt(INGEST / (appendMs / 1000))} flows/s wall, ${fmt(INGEST / (cpu / 1000))} flows/s of process CPU (ring + split + batches)`,
  );
  console.log(
    `  sustained end to end (paced to the worker, incl. generating the flows): ${fmt(INGEST / (wall / 1000))} flows/s`,
  );
  console.log(
    `  dropped by the write queue: ${fmt(s.history!.droppedFlows)} flows in ${s.history!.droppedBatches} batches`,
  );
}

async function grow(): Promise<void> {
  if (N <= INGEST) return;
  const t0 = performance.now();
  const inst = await DuckDBInstance.create(dbFile);
  const con = await inst.connect();
  const [rows, next, span] = (
    await con.runAndReadAll('SELECT count(*), max(seq) + 1, max(secs) - min(secs) + 1 FROM flows')
  )
    .getRows()[0]
    .map(Number);
  for (let k = 1; k * rows < N; k++) {
    const n = Math.min(rows, N - k * rows);
    await con.run(
      `INSERT INTO flows SELECT * REPLACE (seq + ${k * next} AS seq, secs + ${k * span} AS secs) FROM flows WHERE seq < ${next} ORDER BY seq LIMIT ${n}`,
    );
  }
  await con.run('CHECKPOINT');
  con.closeSync();
  inst.closeSync();
  console.log(
    `grew to ${fmt(N)} flows with time-shifted copies in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

async function queries(): Promise<void> {
  console.log(
    `disk: ${(statSync(dbFile).size / 1e6).toFixed(1)} MB for ${fmt(N)} flows = ${(((statSync(dbFile).size / N) * 1e6) / 1e6).toFixed(1)} MB per million flows`,
  );
  const t0 = performance.now();
  const store = await FlowStore.open({
    ring: { capacity: 1000 },
    history: { dir: tmp.dir, maxAgeMs: 0, maxBytes: 0 },
  });
  // Flows added in SQL by grow() get their rollup rows when the store opens.
  console.log(`store opened in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await timeQueries(store);
  await store.close();
}

console.log(
  `load average at start: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} on ${cpus().length} CPUs`,
);
try {
  if (process.env.BENCH_STORE_WRITER !== '0') await writer();
  await ingest();
  await grow();
  await queries();
} finally {
  tmp.cleanup();
}
