/**
 * Diagnosis speed.
 *
 * 1. A flow-log file (default bench/out/flows-1m.jsonl from bench/gen-flows.ts, or any file):
 *    read + accumulate + rules, end to end, as `flowlens diagnose --input-file` does it.
 * 2. An hour of a busy cluster from aggregates: 60 per-minute accumulators of a simulated
 *    cluster at 10,000 flows/s (36 M flows, folded in with exporter-style aggregate weights),
 *    merged and diagnosed, as `serve` does it from the store's per-minute aggregates.
 *
 *   npx tsx bench/diagnose.ts [file=bench/out/flows-1m.jsonl] [--workers N] [--skip-file] [--skip-hour]
 */
import { existsSync } from 'node:fs';
import { diagnose, DiagnosisAccumulator } from '../src/diagnose/index.js';
import { accumulateFlowLogs } from '../src/diagnose/input/read.js';
import type { FlowEvent } from '../src/flow/index.js';
import { loadScenario, simulate } from '../src/sim/index.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const file =
  args.find((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--workers'))) ??
  'bench/out/flows-1m.jsonl';
const workers = opt('--workers') !== undefined ? Number(opt('--workers')) : undefined;

async function benchFile(): Promise<void> {
  if (!existsSync(file)) {
    console.log(`no ${file}: generate it with  npx tsx bench/gen-flows.ts 1000000 ${file}`);
    return;
  }
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const { acc, stats, workers: used } = await accumulateFlowLogs([file], { workers });
  const t1 = performance.now();
  const report = diagnose(acc, { clock: () => 0 });
  const t2 = performance.now();
  const cpu = process.cpuUsage(c0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  console.log(
    `file ${file}: ${stats.events.toLocaleString('en-US')} flows, read+accumulate ${((t1 - t0) / 1000).toFixed(2)} s (${used || 1} thread${used > 1 ? 's' : ''}, ${stats.decoded} lines decoded), rules ${((t2 - t1) / 1000).toFixed(2)} s, total ${((t2 - t0) / 1000).toFixed(2)} s wall, ${cpuS.toFixed(2)} s CPU (${((cpuS * 1e6) / stats.events).toFixed(1)} µs/flow); ${report.findings.length} findings`,
  );
}

/** One minute of a cluster at `rate` flows/s folded into an accumulator with weights. */
function minuteAggregate(
  sample: FlowEvent[],
  minute: number,
  startMs: number,
  rate: number,
): DiagnosisAccumulator {
  const acc = new DiagnosisAccumulator();
  const weight = Math.max(1, Math.round((rate * 60) / sample.length));
  const offset = minute * 60_000;
  for (const ev of sample) {
    const f = ev.flow!;
    const t = Date.parse(f.time!) - startMs;
    const time = new Date(startMs + offset + (t % 60_000)).toISOString();
    acc.add({ ...ev, time, flow: { ...f, time, aggregate: { ingress_flow_count: weight } } });
  }
  return acc;
}

function benchHour(): void {
  const scenario = loadScenario('dns');
  const sample = [...simulate(scenario, { seed: 3, durationMs: 60_000 })].filter((e) => e.flow);
  const startMs = Date.parse(sample[0].flow!.time!);
  const minutes: DiagnosisAccumulator[] = [];
  const b0 = performance.now();
  for (let m = 0; m < 60; m++) minutes.push(minuteAggregate(sample, m, startMs, 10_000));
  const b1 = performance.now();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const hour = new DiagnosisAccumulator();
  for (const m of minutes) hour.merge(m);
  const t1 = performance.now();
  const report = diagnose(hour, { clock: () => 0 });
  const t2 = performance.now();
  const cpu = process.cpuUsage(c0);
  console.log(
    `(${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU) hour from aggregates: ${hour.flows.total.toLocaleString('en-US')} flows in 60 per-minute aggregates (built in ${((b1 - b0) / 1000).toFixed(1)} s from ${sample.length} distinct flows), merge ${((t1 - t0) / 1000).toFixed(2)} s, rules ${((t2 - t1) / 1000).toFixed(2)} s, total ${((t2 - t0) / 1000).toFixed(2)} s; ${report.findings.length} findings`,
  );
}

if (!flag('--skip-file')) await benchFile();
if (!flag('--skip-hour')) benchHour();
