/**
 * Simulator throughput: flows generated per second on one core, for every built-in scenario,
 * as FlowEvent objects (simulate) and as the bytes of `hubble observe -o json` lines
 * (simulateChunks: every line encoded into a buffer, as `flowlens simulate -o FILE` writes them).
 * An earlier version counted the lines of simulateLines without touching their text; V8 builds
 * those strings lazily (ropes), so that figure left out most of the encoding cost.
 *
 *   npx tsx bench/simulate.ts [--seconds 600] [--runs 3] [--scenario NAME]
 *
 * Each measurement generates `--seconds` of simulated time at the scenario's own rates (10
 * minutes of a built-in is about 300,000 flows) after a warm-up, `--runs` times, and keeps the
 * best run. Rates are flows per second of CPU time used by this single-threaded process, so the
 * figure means "on one core" even on a busy machine; wall-clock rates are in brackets.
 */
import { listBuiltinScenarios, loadScenario, simulate, simulateChunks } from '../src/sim/index.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const seconds = Number(arg('seconds', '600'));
const runs = Number(arg('runs', '3'));
const only = arg('scenario', '');
const names = only ? [only] : listBuiltinScenarios().map((s) => s.name);

interface Result {
  flows: number;
  perSec: number;
  wallPerSec: number;
}

function measure(fn: () => number): Result {
  let best: Result = { flows: 0, perSec: 0, wallPerSec: 0 };
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const flows = fn();
    const c = process.cpuUsage(c0);
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const res = { flows, perSec: flows / ((c.user + c.system) / 1e6), wallPerSec: flows / wall };
    if (res.perSec > best.perSec) best = res;
  }
  return best;
}

const fmt = (m: Result) => `${Math.round(m.perSec)} (${Math.round(m.wallPerSec)})`.padStart(20);
let flowsAll = 0;
let cpuObj = 0;
let cpuLines = 0;
console.log(`flows per CPU-second, best of ${runs} (wall-clock in brackets); ${seconds}s simulated per run`);
console.log('scenario             flows          objects/s         JSON bytes/s');
for (const name of names) {
  const s = loadScenario(name);
  const opts = { seed: 1, durationMs: seconds * 1000 };
  for (const _ of simulateChunks(s, { ...opts, durationMs: 30_000 })) void _; // warm-up
  const obj = measure(() => {
    let n = 0;
    for (const _ of simulate(s, opts)) n++;
    return n;
  });
  const lines = measure(() => {
    let n = 0;
    let bytes = 0;
    for (const c of simulateChunks(s, opts)) {
      n += c.lines;
      bytes += c.bytes.length;
    }
    return bytes > 0 ? n : 0;
  });
  flowsAll += obj.flows;
  cpuObj += obj.flows / obj.perSec;
  cpuLines += lines.flows / lines.perSec;
  console.log(`${name.padEnd(18)} ${String(obj.flows).padStart(7)} ${fmt(obj)} ${fmt(lines)}`);
}
console.log(
  `all                ${String(flowsAll).padStart(7)} ${String(Math.round(flowsAll / cpuObj)).padStart(20)} ${String(Math.round(flowsAll / cpuLines)).padStart(20)}`,
);
