/**
 * Line parsing: `JSON.parse` + `isCanonicalEvent` against FlowLineParser (src/flow/line-parser.ts,
 * which parses each pod's endpoint text once) + `isCanonicalEvent`, on the same lines in memory,
 * alternating in one process so that machine noise hits both alike. CPU time per line.
 *
 *   npx tsx bench/parse.ts [file=bench/out/flows-1m.jsonl] [lines=200000] [rounds=5]
 */
import { openSync, readSync, closeSync, existsSync, readFileSync } from 'node:fs';
import { FlowLineParser, isCanonicalEvent } from '../src/flow/index.js';

const file = process.argv[2] ?? 'bench/out/flows-1m.jsonl';
const N = Number(process.argv[3] ?? 200_000);
const rounds = Number(process.argv[4] ?? 5);

function readLines(): string[] {
  if (!existsSync(file)) {
    const golden = readFileSync(new URL('../test/golden-hubble/input.jsonl', import.meta.url), 'utf8')
      .split('\n')
      .filter(Boolean);
    return Array.from({ length: N }, (_, i) => golden[i % golden.length]!);
  }
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(4 << 20);
  const out: string[] = [];
  let rest = '';
  while (out.length < N) {
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    const parts = (rest + buf.toString('utf8', 0, n)).split('\n');
    rest = parts.pop()!;
    // Flat copies, as a reader's lines are (not slices of one big string).
    for (const p of parts) if (p && out.length < N) out.push(Buffer.from(p).toString('latin1'));
  }
  closeSync(fd);
  return out;
}

const cpu = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};
const lines = readLines();
console.log(`node ${process.version}, ${lines.length} lines of ${file}`);
let sink = 0;
const plain: number[] = [];
const cached: number[] = [];
let parser = new FlowLineParser();
for (let r = 0; r < rounds; r++) {
  let t = cpu();
  for (const l of lines) if (isCanonicalEvent(JSON.parse(l))) sink++;
  plain.push(((cpu() - t) / lines.length) * 1e6);
  parser = new FlowLineParser(); // a fresh cache each round: admissions are timed too
  t = cpu();
  for (const l of lines) if (isCanonicalEvent(parser.parse(l))) sink++;
  cached.push(((cpu() - t) / lines.length) * 1e6);
}
const min = (a: number[]): string => Math.min(...a).toFixed(2);
const med = (a: number[]): string => [...a].sort((x, y) => x - y)[a.length >> 1]!.toFixed(2);
console.log(
  `JSON.parse + isCanonicalEvent       min ${min(plain)} µs, median ${med(plain)} µs per line (CPU)`,
);
console.log(
  `FlowLineParser + isCanonicalEvent   min ${min(cached)} µs, median ${med(cached)} µs per line (CPU)`,
);
console.log(
  `endpoints kept ${parser.size}, hits ${parser.stats.hits}, admitted ${parser.stats.admitted}, fallbacks ${parser.stats.fallbacks} (last round); canonical ${sink}`,
);
