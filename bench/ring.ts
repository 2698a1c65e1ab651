/**
 * RingStore figures: memory per flow, append rate, read rate.
 *
 *   node --expose-gc --import tsx bench/ring.ts [count=1000000] [mode=varied|templates|sim|both|all]
 *
 * Flows are the 300 flows of test/golden-hubble/input.jsonl replayed by src/store/synthetic.ts
 * ("varied" adds random ports, latencies, unique HTTP request ids and 5,000 world IPs), or
 * ("sim") the simulator's `healthy` scenario, as `serve --source simulator` ingests it. "both"
 * runs templates and varied, "all" the three.
 * Memory is heap + ArrayBuffers after forced GCs, before vs. after filling a ring of `count`
 * slots, so it covers the columns, the fragment pool and its maps. The events are generated on
 * the fly and dropped, so they are not counted.
 */
import { readFileSync } from 'node:fs';
import { decodeEvent, type FlowEvent } from '../src/flow/index.js';
import { RingStore, readRing, syntheticFlows, RING_SLOT_BYTES } from '../src/store/index.js';
import { loadScenario, simulate } from '../src/sim/index.js';

const count = Number(process.argv[2] ?? 1_000_000);
const modeArg = process.argv[3] ?? 'both';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc --import tsx bench/ring.ts');
  process.exit(2);
}
const templates = readFileSync(new URL('../test/golden-hubble/input.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => decodeEvent(JSON.parse(l)));

function mem(): number {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Runs f and returns [wall seconds, process CPU seconds]: on a loaded machine CPU time is the steadier figure. */
function timed(f: () => void): [number, number] {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const c = process.cpuUsage(c0);
  return [(performance.now() - t0) / 1000, (c.user + c.system) / 1e6];
}

type Mode = 'varied' | 'templates' | 'sim';

/** `n` flows of a mode. */
function* flows(mode: Mode, n: number, seed = 1): Generator<FlowEvent> {
  if (mode !== 'sim') {
    yield* syntheticFlows(templates, n, { mode, seed });
    return;
  }
  // The healthy scenario makes about 530 flows per simulated second.
  let left = n;
  for (const ev of simulate(loadScenario('healthy'), { seed, durationMs: Math.ceil(n / 400) * 1000 })) {
    if (left-- === 0) return;
    yield ev;
  }
  throw new Error(`the healthy scenario gave fewer than ${n} flows`);
}

function memory(mode: Mode): RingStore {
  const before = mem();
  const ring = new RingStore({ capacity: count });
  const buf: FlowEvent[] = [];
  for (const ev of flows(mode, count)) {
    buf.push(ev);
    if (buf.length === 4096) ring.appendBatch(buf.splice(0));
  }
  ring.appendBatch(buf);
  const after = mem();
  const s = ring.stats();
  const per = (after - before) / count;
  console.log(
    `[${mode}] memory: ${per.toFixed(1)} B/flow (${RING_SLOT_BYTES} B columns + ${(per - RING_SLOT_BYTES).toFixed(1)} B fragments and per-request header values; ` +
      `${fmt(s.fragments)} live fragments, ${(s.fragmentChars / 1e6).toFixed(1)} M chars) for ${fmt(count)} flows`,
  );
  return ring;
}

function appendRate(mode: Mode): void {
  const pre = [...flows(mode, 200_000, 7)];
  const ring = new RingStore({ capacity: Math.min(count, 1_000_000) });
  const total = 2_000_000;
  const [wall, cpu] = timed(() => {
    for (let n = 0; n < total; n += 1000) {
      const off = n % pre.length;
      ring.appendBatch(pre.slice(off, off + 1000));
    }
  });
  console.log(
    `[${mode}] append: ${fmt(total / wall)} flows/s wall, ${fmt(total / cpu)} flows/s of CPU time (split + intern + columns, ring full and wrapping)`,
  );
}

function readRate(ring: RingStore, mode: string): void {
  let n = 0;
  const [wall, cpu] = timed(() => {
    for (const it of readRing(ring)) if (it.kind === 'flow') n++;
  });
  console.log(
    `[${mode}] read all (join events): ${fmt(n / wall)} flows/s wall, ${fmt(n / cpu)} flows/s of CPU time`,
  );
  let m = 0;
  const [w2] = timed(() => {
    for (const it of readRing(ring, { number: 1000, predicate: (ev) => ev.flow?.verdict === 'DROPPED' }))
      if (it.kind === 'flow') m++;
  });
  console.log(
    `[${mode}] last 1000 DROPPED (predicate on every flow, backward + forward): ${(w2 * 1000).toFixed(0)} ms for ${m}`,
  );
}

console.log(
  `load average at start: ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} on ${(await import('node:os')).cpus().length} CPUs`,
);
for (const mode of modeArg === 'both'
  ? (['templates', 'varied'] as const)
  : modeArg === 'all'
    ? (['templates', 'varied', 'sim'] as const)
    : [modeArg as Mode]) {
  let ring: RingStore | undefined = memory(mode);
  readRate(ring, mode);
  ring = undefined;
  appendRate(mode);
}
