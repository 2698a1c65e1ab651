/**
 * Filter-engine throughput: predicate evaluations/s for a few filter sets over the golden input
 * (300 varied flows) repeated to ~1M evaluations — "hot" (the 300 decoded flows, cache-resident,
 * like a freshly decoded flow in the pipeline) and "cold" (30 distinct decoded copies of each,
 * ~9,000 objects, so most property reads miss the CPU caches) — plus the raw-line path of
 * `observe` (line prefilter, then JSON.parse + decode + predicate on the lines it keeps).
 *
 *   npx tsx bench/filter.ts
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { decodeEvent, type FlowEvent } from '../src/flow/index.js';
import { compileFilters, compileLinePrefilter, type FlowFilter } from '../src/filter/index.js';

const lines = readFileSync(new URL('../test/golden-hubble/input.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l !== '');
const COPIES = 30;
const hot: FlowEvent[] = lines.map((l) => decodeEvent(JSON.parse(l)));
const cold: FlowEvent[] = [];
for (let c = 0; c < COPIES; c++) for (const l of lines) cold.push(decodeEvent(JSON.parse(l)));
const TARGET = 1_000_000;

const ns = (n: string): FlowFilter[] => [{ source_pod: [`${n}/`] }, { destination_pod: [`${n}/`] }];
const cases: { name: string; allow: FlowFilter[]; deny?: FlowFilter[] }[] = [
  { name: '--verdict DROPPED', allow: [{ verdict: ['DROPPED'] }] },
  {
    name: '--verdict DROPPED --namespace shop',
    allow: ns('shop').map((f) => ({ ...f, verdict: ['DROPPED'] })),
  },
  { name: '--protocol dns', allow: [{ protocol: ['dns'] }] },
  { name: '--not --namespace kube-system', allow: [], deny: ns('kube-system') },
  {
    name: '--from-ip 10.244.0.0/16 --to-port 8080',
    allow: [{ source_ip: ['10.244.0.0/16'], destination_port: ['8080'] }],
  },
  {
    name: '--label k8s:app=frontend',
    allow: [{ source_label: ['k8s:app=frontend'] }, { destination_label: ['k8s:app=frontend'] }],
  },
  {
    name: '--to-fqdn *.github.com --fqdn ...',
    allow: [{ destination_fqdn: ['*.github.com', 'github.com'] }],
  },
  { name: '--node-name kind-worker*', allow: [{ node_name: ['kind-worker*'] }] },
  { name: '--http-path ^/api --http-status 2+', allow: [{ http_path: ['^/api'], http_status_code: ['2+'] }] },
  {
    name: 'namespace shop, tcp, egress, not 10.0.0.0/8',
    allow: ns('shop').map((f) => ({ ...f, protocol: ['tcp'], traffic_direction: ['EGRESS'] })),
    deny: [{ destination_ip: ['10.0.0.0/8'] }],
  },
];

function time(fn: () => number): { s: number; n: number } {
  const t0 = process.hrtime.bigint();
  const n = fn();
  return { s: Number(process.hrtime.bigint() - t0) / 1e9, n };
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

/** Evaluations per second of `pass` over `events` cycled to ~TARGET (best of 3 runs). */
function rate(pass: (ev: FlowEvent) => boolean, events: FlowEvent[]): number {
  const rounds = Math.ceil(TARGET / events.length);
  let best = 0;
  for (let k = 0; k < 3; k++) {
    const { s } = time(() => {
      let m = 0;
      for (let r = 0; r < rounds; r++) for (let i = 0; i < events.length; i++) if (pass(events[i])) m++;
      return m;
    });
    best = Math.max(best, (rounds * events.length) / s);
  }
  return best;
}

console.log(
  `predicate evaluations/s (~${fmt(TARGET)} per run, best of 3, node ${process.version}, load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} CPUs)`,
);
console.log(`  ${'filter'.padEnd(48)} ${'hot'.padStart(12)} ${'cold'.padStart(12)}  match`);
for (const c of cases) {
  const pass = compileFilters(c.allow, c.deny ?? []);
  const matched = hot.filter((ev) => pass(ev)).length;
  console.log(
    `  ${c.name.padEnd(48)} ${fmt(rate(pass, hot)).padStart(12)} ${fmt(rate(pass, cold)).padStart(12)}  ${((matched / hot.length) * 100).toFixed(1)}%`,
  );
}

// The observe hot path on in-memory lines: prefilter, then parse + decode + predicate.
const allLines: string[] = [];
for (let r = 0; r < Math.ceil(TARGET / lines.length); r++) allLines.push(...lines);
console.log(`\nraw-line path (${fmt(allLines.length)} lines in memory, no I/O)`);
for (const c of cases.slice(0, 3)) {
  const pass = compileFilters(c.allow, c.deny ?? []);
  const pre = compileLinePrefilter(c.allow, c.deny ?? []);
  const run = (usePre: boolean): { s: number; n: number } =>
    time(() => {
      let m = 0;
      for (const line of allLines) {
        if (usePre && pre && !pre(line)) continue;
        if (pass(decodeEvent(JSON.parse(line)))) m++;
      }
      return m;
    });
  const preOnly = pre
    ? time(() => {
        let m = 0;
        for (const line of allLines) if (pre(line)) m++;
        return m;
      })
    : undefined;
  const withPre = run(true);
  const without = c === cases[0] ? run(false) : undefined;
  console.log(
    `  ${c.name.padEnd(48)} ${fmt(allLines.length / withPre.s).padStart(12)} lines/s with prefilter` +
      (without ? `, ${fmt(allLines.length / without.s)} lines/s without` : '') +
      (preOnly
        ? `; prefilter alone ${fmt(allLines.length / preOnly.s)} lines/s keeps ${fmt(preOnly.n)}`
        : '') +
      `  (${fmt(withPre.n)} matched)`,
  );
}
