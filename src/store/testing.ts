/** Test helpers of the store (not part of the public API). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEvent, type FlowEvent, type VerdictName } from '../flow/index.js';
import type { FlowBatch } from './batch.js';
import { FlowStore } from './flow-store.js';
import type { FlowHistoryStore } from './history-store.js';

/** The 300 events of test/golden-hubble/input.jsonl, decoded. */
export function goldenEvents(): FlowEvent[] {
  return readFileSync(new URL('../../test/golden-hubble/input.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => decodeEvent(JSON.parse(l)));
}

/** A fresh temporary directory and its removal. */
export function tempDir(prefix = 'flowlens-store-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A minimal flow event at `ms` (epoch milliseconds) with a few overrides. */
export function flowAt(
  ms: number,
  over: { verdict?: VerdictName; ns?: string; pod?: string; port?: number; uuid?: string } = {},
): FlowEvent {
  const time = new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
  return {
    flow: {
      time,
      uuid: over.uuid,
      verdict: over.verdict ?? 'FORWARDED',
      IP: { source: '10.0.0.1', destination: '10.0.0.2', ipVersion: 'IPv4' },
      l4: { TCP: { source_port: 40000 + (ms % 1000), destination_port: over.port ?? 80 } },
      source: {
        ID: 1,
        identity: 100,
        namespace: over.ns ?? 'shop',
        pod_name: over.pod ?? 'web-1',
        labels: ['k8s:app=web'],
      },
      destination: { ID: 2, identity: 200, namespace: 'db', pod_name: 'db-0' },
      Type: 'L3_L4',
      node_name: 'node-a',
      traffic_direction: 'EGRESS',
      Summary: 'TCP Flags: SYN',
    },
    node_name: 'node-a',
    time,
  };
}

/** Collects every item of an async generator of batches. */
export async function collect<T>(gen: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const b of gen) out.push(...b);
  return out;
}

/**
 * The FlowBatches a FlowStore sends its history store for `events` (appended 4096 at a time),
 * captured by a fake history store: what the persistent backends receive, without one.
 */
export async function captureBatches(
  events: Iterable<FlowEvent>,
  opts: { batchSize?: number; ringCapacity?: number } = {},
): Promise<FlowBatch[]> {
  const out: FlowBatch[] = [];
  const fake = {
    recovery: { unclean: false, nextSeq: 0, lostAtLeast: 0, lossBound: 0 },
    options: { batchSize: opts.batchSize ?? 8192, flushIntervalMs: 1000 },
    append: (b: FlowBatch) => (out.push(b), true),
    markAccepted: () => undefined,
    flush: async () => undefined,
    close: async () => undefined,
  } as unknown as FlowHistoryStore;
  const store = await FlowStore.open({
    ring: { capacity: opts.ringCapacity ?? 100_000 },
    historyStore: fake,
  });
  let chunk: FlowEvent[] = [];
  for (const ev of events) {
    if (chunk.push(ev) === 4096) {
      store.append(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) store.append(chunk);
  await store.flush();
  await store.close();
  return out;
}
