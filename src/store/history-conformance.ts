/**
 * Cases every history backend (DuckDB, ClickHouse) must pass, shared by their test suites. Kept
 * apart from testing.ts because it imports vitest, and testing.ts is also loaded by child
 * processes the tests spawn.
 */
import { expect } from 'vitest';
import type { FlowStore } from './flow-store.js';
import { collect, flowAt } from './testing.js';

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
