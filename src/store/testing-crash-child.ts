/**
 * Crash-test child (see duckdb/crash.test.ts): ingests flows into a FlowStore in `argv[2]`
 * forever, printing "committed <nextSeq>" after each flush, until it is killed.
 */
import { FlowStore } from './flow-store.js';
import { flowAt } from './testing.js';

const dir = process.argv[2];
const store = await FlowStore.open({
  ring: { capacity: 1000 },
  history: { dir, batchSize: 500, flushIntervalMs: 50, maxAgeMs: 0 },
});
const base = Date.parse('2026-11-20T08:00:00Z');
let i = 0;
for (;;) {
  store.append(Array.from({ length: 250 }, () => flowAt(base + i++ * 10, { pod: `p${i % 7}` })));
  if (i % 2000 === 0) {
    await store.flush();
    process.stdout.write(`committed ${store.ring.nextSeq}\n`);
  }
  await new Promise((r) => setImmediate(r));
}
