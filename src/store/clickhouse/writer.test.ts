import { describe, expect, it } from 'vitest';
import { FlowBatchBuilder, type FlowBatch } from '../batch.js';
import { captureBatches, flowAt, goldenEvents } from '../testing.js';
import { FLOW_COLUMNS } from './sql.js';
import { BatchEncoder, dayText, fragmentId } from './writer.js';
import { InProcessEncoder, WorkerEncoder } from './encoder.js';

/** Batches a FlowStore would send. */
function batchesOf(events: ReturnType<typeof goldenEvents>, batchSize = 1000): Promise<FlowBatch[]> {
  return captureBatches(events, { batchSize, ringCapacity: 100 });
}

describe('BatchEncoder', () => {
  it('writes one TSV row per flow with every column, fragments once per day', async () => {
    const events = goldenEvents();
    const [b] = await batchesOf(events);
    const enc = new BatchEncoder();
    const bodies = enc.encode(b);
    const rows = bodies.flows.slice(0, -1).split('\n');
    expect(rows.length).toBe(events.length);
    for (const r of rows) expect(r.split('\t').length).toBe(FLOW_COLUMNS.length);
    const ep = bodies.fragments.endpoint.slice(0, -1).split('\n');
    // (a batch may list one JSON under two local ids when the ring re-interned it)
    expect(ep.length).toBe(new Set(b.endpoints).size);
    expect(new Set(ep.map((l) => l.split('\t')[1])).size).toBe(ep.length);
    expect(bodies.newFragments.length).toBe(
      new Set(b.endpoints).size + new Set(b.l7s).size + new Set(b.rests).size,
    );
    // Once marked written, the same fragments are not sent again for the same day.
    enc.markWritten(bodies.newFragments);
    const again = enc.encode(b);
    expect(again.fragments).toEqual({ endpoint: '', l7: '', rest: '' });
    expect(again.flows).toBe(bodies.flows);
    // ...but they are for a day whose partitions were dropped.
    enc.forgetBefore(99_999);
    expect(enc.encode(b).fragments.rest).not.toBe('');
  });

  it('writes a fragment again into each day that uses it', async () => {
    const day = 86_400_000;
    const t = Date.parse('2026-11-20T23:59:59Z');
    const [b] = await batchesOf([flowAt(t), flowAt(t + 2000), flowAt(t + 2 * day)]);
    const bodies = new BatchEncoder().encode(b);
    const days = bodies.fragments.rest
      .slice(0, -1)
      .split('\n')
      .map((l) => l.split('\t')[0]);
    expect(days).toEqual(['2026-11-20', '2026-11-21', '2026-11-22']);
    expect(bodies.minNs).toBe(`${t / 1000}000000000`);
    expect(bodies.maxNs).toBe(`${(t + 2 * day) / 1000}000000000`);
  });

  it('first row of the golden input, column by column', async () => {
    const [b] = await batchesOf(goldenEvents().slice(0, 1));
    const row = new BatchEncoder().encode(b).flows.slice(0, -1).split('\t');
    const v = Object.fromEntries(FLOW_COLUMNS.map((c, i) => [c, row[i]]));
    expect(v.seq).toBe('0');
    expect(v.time_ns).toMatch(/^\d{19}$/);
    expect(v.rest_id).toBe(fragmentId(b.rests[0]));
    expect(v.verdict).toBe('FORWARDED');
    expect(['', 'TCP', 'UDP', 'ICMPv4', 'ICMPv6']).toContain(v.protocol);
  });

  it('fragment ids are stable 64-bit content hashes, never 0', () => {
    expect(fragmentId('{"a":1}')).toBe(fragmentId('{"a":1}'));
    expect(fragmentId('{"a":1}')).not.toBe(fragmentId('{"a":2}'));
    expect(fragmentId('x')).toMatch(/^[1-9]\d{0,19}$/);
    expect(dayText(20_412)).toBe('2025-11-20');
  });

  it('a FlowBatchBuilder batch without flows encodes to nothing', () => {
    const b = new FlowBatchBuilder(4).take();
    expect(b).toBeUndefined();
  });
});

describe('the encoder worker', () => {
  it('gives the same bodies as the in-process encoder, keeping its written marks in order', async () => {
    const events = goldenEvents();
    const batches = await batchesOf([...events, ...events.map((e) => ({ ...e }))], 7);
    const local = new InProcessEncoder();
    const worker = new WorkerEncoder();
    try {
      for (const b of batches) {
        const [a, w] = await Promise.all([local.encode(b), worker.encode(b)]);
        expect(w).toEqual(a);
        local.markWritten(a.newFragments);
        worker.markWritten(w.newFragments);
      }
      // Everything was marked written: a batch again adds no fragment rows, in either.
      const again = await worker.encode(batches[0]);
      expect(again.newFragments).toEqual([]);
      expect(again).toEqual(await local.encode(batches[0]));
      // forgetBefore reaches the worker: the fragments are written again for their day.
      const day = Math.floor(batches[0].secs[0] / 86400);
      worker.forgetBefore(day + 1);
      local.forgetBefore(day + 1);
      const after = await worker.encode(batches[0]);
      expect(after.newFragments.length).toBeGreaterThan(0);
      expect(after).toEqual(await local.encode(batches[0]));
    } finally {
      await worker.close();
    }
  });

  it('rejects instead of hanging when encoding fails', async () => {
    const [b] = await batchesOf(goldenEvents());
    const broken = { ...b, rest: new Uint32Array(b.count) }; // a flow without its rest fragment
    const worker = new WorkerEncoder();
    try {
      await expect(worker.encode(broken)).rejects.toThrow(/has no rest fragment/);
      // and it keeps working
      expect((await worker.encode(b)).flows.length).toBeGreaterThan(0);
    } finally {
      await worker.close();
    }
  });
});

describe('the encoder worker and the event loop', () => {
  it('keeps the process alive while a reply is awaited', async () => {
    const { spawnSync } = await import('node:child_process');
    const script = `
      import { WorkerEncoder } from ${JSON.stringify(new URL('./encoder.ts', import.meta.url).href)};
      import { allocBatch } from ${JSON.stringify(new URL('../batch.ts', import.meta.url).href)};
      const w = new WorkerEncoder();
      const bodies = await w.encode(allocBatch(1));
      console.log('encoded', bodies.flows.length);
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.stdout + r.stderr).toContain('encoded 0');
    expect(r.status).toBe(0);
  });
});
