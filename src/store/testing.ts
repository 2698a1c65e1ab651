/** Test helpers of the store (not part of the public API). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { decodeEvent, type FlowEvent, type VerdictName } from '../flow/index.js';
import type { FlowStore } from './flow-store.js';

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
 * The age-retention case every history backend must pass: three hours of flows, one every 10 s
 * from `base`, in a store whose maxAge is one hour and whose ring holds 100 flows. After a
 * retention pass the flows older than one hour before the newest are gone from the history,
 * the stats say so, and since/until queries across the cutoff still work.
 */
export async function expectAgeRetention(store: FlowStore, base: number): Promise<void> {
  store.append(Array.from({ length: 1080 }, (_, i) => flowAt(base + i * 10_000)));
  await store.flush();
  const r = await store.history!.retain();
  // Newest at base + 10790 s; cutoff second = 10790 - 3600 = 7190 -> flows with t >= 7190 s stay (i >= 719).
  expect(r.deletedFlows).toBe(719);
  const s = await store.stats();
  expect(s.history).toMatchObject({
    flows: 361,
    expiredFlows: 719,
    oldest: new Date(base + 7190_000).toISOString().replace('.000Z', 'Z'),
  });
  // History before the cutoff is gone (the ring holds only seqs 980..1079); since/until still work.
  expect(
    (await collect(store.query({ since: new Date(base), until: new Date(base + 7200_000) }))).map(
      (i) => i.kind === 'flow' && i.seq,
    ),
  ).toEqual([719, 720]);
}
