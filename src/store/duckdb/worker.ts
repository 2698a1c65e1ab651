/**
 * The store worker: owns the DuckDB database, writes batches in arrival order, answers queries,
 * runs retention and keeps the progress mark that lets the next run report what a crash lost.
 *
 * Writes (appends, retention, close) are serialised on one chain; queries run on their own
 * connection meanwhile. Each batch is one commit, so after kill -9 the database reopens with
 * every acknowledged batch (DuckDB replays its WAL) and loses only batches still queued.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { formatTimeKey } from '../time-key.js';
import type { HistoryStats, RecoveryInfo, RetentionResult } from '../history-store.js';
import type { CallOp, FromWorker, ProgressMark, ToWorker, WorkerInit } from './protocol.js';
import { rollupInsertSql, SCHEMA } from './sql.js';
import { FlowWriter } from './writer.js';
import { FlowReader } from './reader.js';

const init = workerData as WorkerInit;
const opts = init.options;
const accepted = new BigInt64Array(init.accepted);
const dropped = new Float64Array(init.dropped);
const port = parentPort!;
const dbPath = join(opts.dir, 'flows.duckdb');
const markPath = join(opts.dir, 'progress.json');

let inst: DuckDBInstance;
let con: DuckDBConnection;
let queryCon: DuckDBConnection;
let snapCon: DuckDBConnection;
let lastError: string | undefined;
let writer: FlowWriter;
let reader: FlowReader;
let chain: Promise<unknown> = Promise.resolve();
let nextSeq = 0;
let committedFlows = 0;
let expiredFlows = 0;
let lastMark = 0;
let closing = false;
const timers: NodeJS.Timeout[] = [];

const post = (m: FromWorker): void => port.postMessage(m);
const serial = <T>(fn: () => T | Promise<T>): Promise<T> => {
  const p = chain.then(fn);
  chain = p.catch(() => undefined);
  return p;
};

function readMark(): ProgressMark | undefined {
  try {
    return JSON.parse(readFileSync(markPath, 'utf8')) as ProgressMark;
  } catch {
    return undefined;
  }
}

function writeMark(clean: boolean): void {
  const m: ProgressMark = {
    pid: process.pid,
    clean,
    accepted: Math.max(nextSeq, Number(Atomics.load(accepted, 0))),
    committed: nextSeq,
    droppedFlows: dropped[0],
    time: new Date().toISOString(),
  };
  // Write-then-rename so a crash never leaves a torn mark.
  writeFileSync(markPath + '.tmp', JSON.stringify(m));
  renameSync(markPath + '.tmp', markPath);
  lastMark = Date.now();
}

async function scalar(sql: string): Promise<number> {
  const r = await con.runAndReadAll(sql);
  const v = r.getRows()[0]?.[0];
  return v === null || v === undefined ? 0 : Number(v);
}

async function usedBytes(): Promise<number> {
  const r = await con.runAndReadAll('PRAGMA database_size');
  const row = r.getRowObjects()[0];
  return Number(row.used_blocks) * Number(row.block_size);
}

async function open(): Promise<RecoveryInfo> {
  mkdirSync(opts.dir, { recursive: true });
  const prev = readMark();
  inst = await DuckDBInstance.create(dbPath, { threads: String(opts.threads) });
  con = await inst.connect();
  for (const ddl of SCHEMA) await con.run(ddl);
  writer = new FlowWriter(con);
  await writer.init();
  await writer.loadDict();
  queryCon = await inst.connect();
  snapCon = await inst.connect();
  reader = new FlowReader(queryCon, writer, snapCon);
  const max = await con.runAndReadAll('SELECT max(seq) FROM flows');
  const m = max.getRows()[0][0];
  nextSeq = m === null ? 0 : Number(m) + 1;
  await catchUpRollup();
  const unclean = prev !== undefined && !prev.clean;
  const recovery: RecoveryInfo = {
    unclean,
    nextSeq,
    lostAtLeast: unclean ? Math.max(0, prev.accepted - nextSeq) : 0,
    lossBound: opts.batchSize * (opts.maxQueuedBatches + 1),
  };
  writeMark(false);
  return recovery;
}

const codeOf = (d: Parameters<FlowWriter['dict']['codeOf']>[0], v: string): number | undefined =>
  writer.dict.codeOf(d, v);

/**
 * Adds the rollup rows of flows beyond the rollup's newest seq: flows stored before the rollup
 * existed, added to `flows` in SQL (the 10M benchmark), or whose rows were still in memory when
 * the previous run stopped.
 */
async function catchUpRollup(): Promise<void> {
  const covered = await con.runAndReadAll('SELECT max(s1) FROM rollup');
  const s1 = covered.getRows()[0][0];
  const from = s1 === null ? -1 : Number(s1);
  if (from + 1 < nextSeq) {
    await con.run('BEGIN TRANSACTION');
    await con.run(rollupInsertSql([`f.seq > ${from}`], codeOf));
    await con.run('COMMIT');
  }
}

/**
 * Deletes flows matching `cond` and keeps the rollup equal to what remains: the rows of every
 * minute up to the newest deleted flow's are rebuilt from the remaining flows (one transaction).
 */
async function deleteFlows(cond: string): Promise<void> {
  // The rows rebuilt below come from the table: none of their flows may still be in memory.
  await writer.flushRollup();
  const newest = await scalar(`SELECT coalesce(max(secs), -1) FROM flows WHERE ${cond}`);
  if (newest < 0) return;
  const end = newest - (newest % 60) + 60;
  await con.run('BEGIN TRANSACTION');
  try {
    await con.run(`DELETE FROM flows WHERE ${cond}`);
    await con.run(`DELETE FROM rollup WHERE m < ${end}`);
    await con.run(rollupInsertSql([`f.secs < ${end}`], codeOf));
    await con.run('COMMIT');
  } catch (e) {
    await con.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** Rewrites the tables without their deleted rows (appenders are reopened on the new tables). */
async function compact(): Promise<void> {
  await writer.flushRollup();
  writer.close();
  await con.run('BEGIN TRANSACTION');
  const order: Record<string, string> = {
    flows: 'seq',
    rollup: 'm',
    endpoints: 'id',
    l7s: 'id',
    rests: 'id',
  };
  for (const t of Object.keys(order)) {
    // (dims is never compacted: codes must keep their meaning.)
    await con.run(`CREATE TABLE ${t}_compact AS SELECT * FROM ${t} ORDER BY ${order[t]}`);
    await con.run(`DROP TABLE ${t}`);
    await con.run(`ALTER TABLE ${t}_compact RENAME TO ${t}`);
  }
  await con.run('COMMIT');
  await con.run('CHECKPOINT');
  await writer.init();
}

/** Deletes fragments no flow references any more. */
async function dropOrphans(): Promise<void> {
  await con.run('DELETE FROM endpoints WHERE id NOT IN (SELECT src FROM flows UNION SELECT dst FROM flows)');
  await con.run('DELETE FROM l7s WHERE id NOT IN (SELECT l7 FROM flows)');
  await con.run('DELETE FROM rests WHERE id NOT IN (SELECT rest FROM flows)');
  for (const f of Object.values(writer.frags)) f.clear();
}

/** Deletes by age (relative to the newest stored flow) and by size, then orphan fragments. */
async function retain(): Promise<RetentionResult> {
  const bytesBefore = await usedBytes();
  const before = await scalar('SELECT count(*) FROM flows');
  if (opts.maxAgeMs > 0) {
    const newest = await scalar('SELECT max(secs) FROM flows');
    const cutoff = Math.floor(newest - opts.maxAgeMs / 1000);
    if (newest > 0) await deleteFlows(`secs < ${cutoff}`);
  }
  for (let pass = 0; opts.maxBytes > 0 && pass < 6; pass++) {
    await con.run('CHECKPOINT');
    const bytes = await usedBytes();
    if (bytes <= opts.maxBytes) break;
    const lo = await scalar('SELECT min(seq) FROM flows');
    const hi = await scalar('SELECT max(seq) FROM flows');
    const frac = Math.min(0.5, (bytes - 0.9 * opts.maxBytes) / bytes);
    await deleteFlows(`seq < ${Math.ceil(lo + frac * (hi - lo + 1))}`);
    await dropOrphans();
    await con.run('CHECKPOINT');
    // DuckDB frees only row groups (122,880 rows) deleted whole; when that freed nothing
    // (small stores), rewrite the table.
    if ((await usedBytes()) >= bytes) await compact();
  }
  const deletedFlows = before - (await scalar('SELECT count(*) FROM flows'));
  if (deletedFlows > 0) {
    await dropOrphans();
    await con.run('CHECKPOINT');
    expiredFlows += deletedFlows;
  }
  return { deletedFlows, bytesBefore, bytesAfter: await usedBytes() };
}

async function stats(): Promise<Omit<HistoryStats, 'droppedBatches' | 'droppedFlows' | 'failedBatches'>> {
  const r = await con.runAndReadAll(
    'SELECT count(*), min(secs::BIGINT * 1000000000 + nanos), max(secs::BIGINT * 1000000000 + nanos) FROM flows',
  );
  const [n, lo, hi] = r.getRows()[0];
  const t = (v: unknown): string | undefined => {
    if (v === null || v === undefined) return undefined;
    const ns = BigInt(v as bigint);
    return formatTimeKey({ secs: Number(ns / 1_000_000_000n), nanos: Number(ns % 1_000_000_000n) });
  };
  const size = (f: string): number => {
    try {
      return statSync(f).size;
    } catch {
      return 0; // no WAL right now
    }
  };
  const wal = size(dbPath + '.wal');
  // Data not yet checkpointed lives in the WAL: count it too.
  return {
    flows: Number(n),
    bytes: (await usedBytes()) + wal,
    fileBytes: size(dbPath) + wal,
    oldest: t(lo),
    newest: t(hi),
    nextSeq,
    expiredFlows,
    committedFlows,
    lastError,
    rollupAnswers: reader.rollupAnswers,
    rollupPendingFlows: writer.acc.flows,
  };
}

async function close(): Promise<void> {
  closing = true;
  for (const t of timers) clearInterval(t);
  // (Rows left in memory would be rebuilt at the next open; writing them is cheaper.)
  await writer.flushRollup().catch(() => undefined);
  writer.close();
  await con.run('CHECKPOINT');
  writeMark(true);
  queryCon.closeSync();
  snapCon.closeSync();
  con.closeSync();
  inst.closeSync();
}

async function call(op: CallOp, arg: unknown): Promise<unknown> {
  switch (op) {
    case 'flush':
      return serial(() => undefined);
    case 'page':
      return reader.page(arg as Parameters<FlowReader['page']>[0]);
    case 'aggregate':
      return reader.aggregate(arg as Parameters<FlowReader['aggregate']>[0]);
    case 'graph':
      return reader.graph(arg as Parameters<FlowReader['graph']>[0]);
    case 'retain':
      return serial(retain);
    case 'stats':
      return stats();
    case 'close':
      return serial(close);
  }
}

port.on('message', (m: ToWorker) => {
  if (m.t === 'append') {
    const b = m.batch;
    void serial(async () => {
      if (closing) return post({ t: 'ack', flows: 0, failed: b.count, error: 'store closed' });
      try {
        await writer.append(b);
        nextSeq = Math.max(nextSeq, b.seq[b.count - 1] + 1);
        committedFlows += b.count;
        if (Date.now() - lastMark > 50) writeMark(false);
        post({ t: 'ack', flows: b.count });
      } catch (e) {
        lastError = `write failed: ${e instanceof Error ? e.message : String(e)}`;
        post({ t: 'ack', flows: 0, failed: b.count, error: lastError });
      }
    });
    return;
  }
  call(m.op, m.arg)
    .then(
      (value) => post({ t: 'reply', id: m.id, ok: true, value }),
      (e: unknown) =>
        post({ t: 'reply', id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
    )
    // After close has answered, let the thread end (no timers, no database, no port left).
    .finally(() => m.op === 'close' && setImmediate(() => port.close()));
});

open().then(
  (recovery) => {
    timers.push(setInterval(() => void serial(() => closing || writeMark(false)), opts.flushIntervalMs));
    timers.push(
      setInterval(
        () =>
          void serial(retain).catch((e: unknown) => {
            lastError = `retention failed: ${e instanceof Error ? e.message : String(e)}`;
          }),
        opts.retentionIntervalMs,
      ),
    );
    post({ t: 'ready', recovery });
  },
  (e: unknown) => post({ t: 'fatal', error: e instanceof Error ? e.message : String(e) }),
);
