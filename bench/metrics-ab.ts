/**
 * In-process A/B of two builds of the metrics exporter (docs/metrics.md, "Stop 16").
 *
 *   npx tsc -p tsconfig.build.json                # build B (this tree) into dist/
 *   git worktree add /tmp/base <rev> && ln -s $PWD/node_modules /tmp/base/ &&
 *     (cd /tmp/base && npx tsc -p tsconfig.build.json)   # build A
 *   npx tsx bench/metrics-ab.ts /tmp/base/dist dist [file] [flows]
 *
 * Why: on this shared machine the same build's throughput swings by 2x between runs minutes
 * apart, so runs in separate processes cannot show a change of a few percent. Here both builds
 * run in one process. Each build gets its own freshly decoded copy of every 256-flow batch, by
 * its own line parser, and the builds take turns going first from batch to batch, so both see
 * the machine alike. Two copies of the same build (two directories: one directory twice shares
 * its modules) give a ratio within 0.98–1.02.
 *
 * Env: METRICS_A / METRICS_B (handler specs separated by `|`; default each build's default set)
 * time a handler set against another, e.g. the default set without one handler to get its
 * share; REPS (default 3) passes over the flows. Prints µs per flow (wall and process CPU) and
 * the wall ratio B/A, and whether the two expositions are equal (lag and time-driven expiry
 * can differ between two live pipelines; compare with a fixed clock in tests for identity).
 */
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

type FlowModule = typeof import('../src/flow/index.js');
type MetricsModule = typeof import('../src/metrics/index.js');

const [distA, distB, file = 'bench/out/flows-1m.jsonl', flowsArg = '300000'] = process.argv.slice(2);
if (distA === undefined || distB === undefined) {
  console.error('usage: npx tsx bench/metrics-ab.ts DIST_A DIST_B [file] [flows]');
  process.exit(2);
}
const total = Number(flowsArg);
const REPS = Number(process.env.REPS ?? 3);
const BATCH = 256;

async function load(dist: string): Promise<{ flow: FlowModule; metrics: MetricsModule }> {
  const url = (p: string) => pathToFileURL(resolve(dist, p)).href;
  return {
    flow: (await import(url('flow/index.js'))) as FlowModule,
    metrics: (await import(url('metrics/index.js'))) as MetricsModule,
  };
}

const lines: string[] = [];
const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
for await (const line of rl) {
  if (line) lines.push(line);
  if (lines.length >= total) break;
}
rl.close();

const builds = await Promise.all([load(distA), load(distB)]);
const specs = (env: string | undefined, m: MetricsModule) => (env ? env.split('|') : m.DEFAULT_METRICS);
const runs = builds.map((b, i) => ({
  b,
  parser: new b.flow.FlowLineParser(),
  pipeline: b.metrics.createMetricsPipeline({
    metrics: specs(i === 0 ? process.env.METRICS_A : process.env.METRICS_B, b.metrics),
  }),
  ns: 0n,
  cpuUs: 0,
  n: 0,
}));
type Run = (typeof runs)[number];

function turn(run: Run, batch: string[]): void {
  const { isCanonicalEvent, decodeEvent } = run.b.flow;
  const events = batch.map((l) => {
    const v = run.parser.parse(l);
    return isCanonicalEvent(v) ? v : decodeEvent(v);
  });
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  run.pipeline.observe(events, 'bench');
  run.ns += process.hrtime.bigint() - t0;
  const c = process.cpuUsage(c0);
  run.cpuUs += c.user + c.system;
  run.n += events.length;
}

for (let r = 0; r < REPS; r++)
  for (let i = 0, k = 0; i < lines.length; i += BATCH, k++) {
    const batch = lines.slice(i, i + BATCH);
    const [first, second] = k % 2 === 0 ? [runs[0]!, runs[1]!] : [runs[1]!, runs[0]!];
    turn(first, batch);
    turn(second, batch);
  }

const us = (run: Run) =>
  `wall ${(Number(run.ns) / run.n / 1000).toFixed(3)} µs, CPU ${(run.cpuUs / run.n).toFixed(3)} µs per flow`;
const same = runs[0]!.pipeline.render('prometheus') === runs[1]!.pipeline.render('prometheus');
console.log(`A ${distA}: ${us(runs[0]!)}`);
console.log(`B ${distB}: ${us(runs[1]!)}`);
console.log(
  `B/A wall ${(Number(runs[1]!.ns) / Number(runs[0]!.ns)).toFixed(3)}, CPU ${(runs[1]!.cpuUs / runs[0]!.cpuUs).toFixed(3)}; expositions ${same ? 'equal' : 'differ'} (${lines.length.toLocaleString('en-US')} flows x ${REPS})`,
);
