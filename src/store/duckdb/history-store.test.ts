import { afterEach, describe, expect, it } from 'vitest';
import { expectAgeRetention } from '../history-conformance.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlowStore, type FlowStoreOptions } from '../flow-store.js';
import { collect, flowAt, tempDir } from '../testing.js';
import { syntheticFlows } from '../synthetic.js';
import { goldenEvents } from '../testing.js';
import { DuckDBHistoryStore } from './client.js';
import { StoreError } from '../errors.js';

const base = Date.parse('2026-11-20T08:00:00Z');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function open(opts: NonNullable<FlowStoreOptions['history']>, ring = 1000): Promise<FlowStore> {
  const store = await FlowStore.open({ ring: { capacity: ring }, history: opts });
  cleanups.push(() => store.close());
  return store;
}

function tmp(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('DuckDBHistoryStore options', () => {
  const cases = [
    { name: 'batchSize 0', o: { batchSize: 0 }, re: /batchSize/ },
    { name: 'maxQueuedBatches 0', o: { maxQueuedBatches: 0 }, re: /maxQueuedBatches/ },
    { name: 'negative maxBytes', o: { maxBytes: -1 }, re: /maxBytes/ },
    { name: 'empty dir', o: { dir: '' }, re: /dir/ },
  ];
  for (const c of cases) {
    it(`rejects ${c.name}`, async () => {
      await expect(DuckDBHistoryStore.open({ dir: '/tmp/unused', ...c.o })).rejects.toThrow(c.re);
    });
  }
  it('fails to open a directory it cannot create, with STORE_IO', async () => {
    const file = join(tmp(), 'a-file');
    writeFileSync(file, '');
    await expect(DuckDBHistoryStore.open({ dir: join(file, 'sub') })).rejects.toMatchObject({
      code: 'STORE_IO',
    });
  });
});

describe('DuckDBHistoryStore round trip', () => {
  it('returns exactly what was stored, page by page, in both orders', async () => {
    const store = await open({ dir: tmp(), batchSize: 64 }, 16);
    const events = goldenEvents();
    store.append(events);
    await store.flush();
    const asc = await store.history!.page({ order: 'asc', limit: 100, fromSeq: 250 });
    expect(Array.from(asc.seq.subarray(0, asc.count))).toEqual(Array.from({ length: 50 }, (_, k) => 250 + k));
    const desc = await store.history!.page({ order: 'desc', limit: 3, toSeq: 10 });
    expect(Array.from(desc.seq.subarray(0, desc.count))).toEqual([9, 8, 7]);
    const all = await collect(store.query({}));
    expect(all.map((it) => it.event)).toStrictEqual(events);
  });
});

describe('DuckDBHistoryStore retention', () => {
  it('deletes flows older than maxAge (relative to the newest flow)', async () => {
    const store = await open({ dir: tmp(), maxAgeMs: 3600_000, retentionIntervalMs: 3600_000 }, 100);
    await expectAgeRetention(store, base);
  });

  it('keeps the data in use under maxBytes by deleting the oldest flows', async () => {
    const N = 60_000;
    const dir = tmp();
    const store = await open({ dir, maxAgeMs: 0, retentionIntervalMs: 3600_000, batchSize: 8192 }, 100);
    const batch = [...syntheticFlows(goldenEvents(), N, { seed: 3 })];
    for (let i = 0; i < batch.length; i += 10_000) {
      store.append(batch.slice(i, i + 10_000));
      await store.flush();
    }
    const before = await store.stats();
    expect(before.history).toMatchObject({ flows: N, droppedFlows: 0 });
    // Retention reads its limit from the options the worker started with: reopen with half the
    // (checkpointed) file as the limit.
    await store.close();
    cleanups.pop();
    const limit = Math.floor(statSync(join(dir, 'flows.duckdb')).size / 2);
    const small = await open({ dir, maxAgeMs: 0, maxBytes: limit, retentionIntervalMs: 3600_000 }, 100);
    const r = await small.history!.retain();
    expect(r.bytesBefore).toBeGreaterThan(limit);
    expect(r.bytesAfter).toBeLessThanOrEqual(limit);
    expect(r.deletedFlows).toBeGreaterThan(0);
    const s = await small.stats();
    expect(s.history!.flows).toBe(N - r.deletedFlows);
    // The oldest flows went, the newest stayed.
    const first = await collect(small.query({ first: true, number: 1 }));
    expect(first[0]).toMatchObject({ kind: 'flow', seq: r.deletedFlows });
  }, 120_000);
});

describe('DuckDBHistoryStore back-pressure', () => {
  it('drops and counts batches when the write queue is full, never silently', async () => {
    const store = await open({ dir: tmp(), batchSize: 10, maxQueuedBatches: 2 });
    // 100 batches posted in one synchronous burst: the worker cannot drain in between.
    for (let i = 0; i < 100; i++)
      store.append(Array.from({ length: 10 }, (_, k) => flowAt(base + (i * 10 + k) * 1000)));
    await store.flush();
    const s = await store.stats();
    expect(s.history!.droppedBatches).toBeGreaterThan(0);
    expect(s.history!.flows + s.history!.droppedFlows).toBe(1000);
    expect(s.lost).toBe(s.history!.droppedFlows);
  });
});

describe('DuckDBHistoryStore crash recovery', () => {
  it('reopens cleanly after kill -9 and reports the bounded loss', async () => {
    const dir = tmp();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('../testing-crash-child.ts', import.meta.url)), dir],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    cleanups.push(() => void child.kill('SIGKILL'));
    let committed = 0;
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        const m = /committed (\d+)/g;
        for (let x = m.exec(d.toString()); x; x = m.exec(d.toString())) committed = Number(x[1]);
        if (committed >= 20_000) resolve();
      });
      child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const store = await open({ dir, batchSize: 500, maxAgeMs: 0 });
    const rec = store.history!.recovery;
    expect(rec.unclean).toBe(true);
    expect(rec.nextSeq).toBeGreaterThanOrEqual(committed);
    expect(rec.lossBound).toBe(500 * (8 + 1));
    expect(rec.lostAtLeast).toBeGreaterThanOrEqual(0);
    const s = await store.stats();
    // Every committed batch survived, with no gap and no partial flow.
    expect(s.history!.flows).toBe(rec.nextSeq);
    expect(s.lost).toBe(rec.lostAtLeast);
    const tail = await collect(store.query({ number: 3 }));
    expect(tail.map((i) => i.kind === 'flow' && i.seq)).toEqual([
      rec.nextSeq - 3,
      rec.nextSeq - 2,
      rec.nextSeq - 1,
    ]);
    expect(tail[2].event.flow?.source?.namespace).toBe('shop');
    // New flows continue the numbering.
    expect(store.append([flowAt(base)])).toBe(rec.nextSeq);
  }, 60_000);
});

it('StoreError is what a closed store reports', async () => {
  const store = await DuckDBHistoryStore.open({ dir: tmp() });
  await store.close();
  await expect(store.stats()).rejects.toBeInstanceOf(StoreError);
});
