/**
 * The dashboard-style queries that bench/store.ts (DuckDB) and bench/clickhouse.ts time through
 * FlowStore, and their timing: the first run, then warm p50/max of 10, and process CPU.
 */
import type { AggregateQuery, FlowStore } from '../src/store/index.js';

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Times each query over what `store` holds; `heading` prefixes the header line. */
export async function timeQueries(store: FlowStore, heading = ''): Promise<void> {
  const s = await store.stats();
  const newest = Date.parse(s.history!.newest!);
  const qs: [string, () => Promise<unknown>][] = [
    [
      'top 10 source pods by drops, all time',
      () => store.aggregate({ groupBy: ['source_pod'], where: { verdict: ['DROPPED'] }, k: 10 }),
    ],
    [
      'top 10 source pods by drops, last 10 min',
      () =>
        store.aggregate({
          groupBy: ['source_pod'],
          where: { verdict: ['DROPPED'] },
          since: newest - 600_000,
        }),
    ],
    ['per-minute flows by verdict, all time', () => store.aggregate({ groupBy: ['verdict'], step: 60 })],
    [
      'per-minute DNS responses by rcode, last 1 h',
      () =>
        store.aggregate({
          groupBy: ['dns_rcode'],
          step: 60,
          where: { l7_protocol: ['dns'] },
          since: newest - 3600_000,
        }),
    ],
    [
      'count shop + DROPPED',
      () =>
        store.aggregate({
          groupBy: [],
          where: { source_namespace: ['shop'], verdict: ['DROPPED'] },
        } as AggregateQuery),
    ],
    [
      'p95 HTTP latency by destination workload',
      () =>
        store.aggregate({
          groupBy: ['destination_workload'],
          measure: 'latency_p95_ms',
          where: { l7_protocol: ['http'] },
        }),
    ],
    ['service map (workloads), all time', () => store.graph({ level: 'workload' })],
    [
      'newest 100 flows (GetFlows --last 100)',
      async () => {
        for await (const b of store.query({ number: 100 })) void b;
      },
    ],
  ];
  console.log(
    `${heading}queries over ${fmt(s.history!.flows)} stored flows, ms: first run, then warm p50/max of 10, and process CPU ms (all threads) p50:`,
  );
  for (const [name, run] of qs) {
    const times: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < 11; i++) {
      const c0 = process.cpuUsage();
      const a = performance.now();
      await run();
      times.push(performance.now() - a);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    const first = times.shift()!;
    cpu.shift();
    times.sort((x, y) => x - y);
    cpu.sort((x, y) => x - y);
    const f = (x: number): string => x.toFixed(1).padStart(7);
    console.log(
      `  ${name.padEnd(46)} first ${f(first)}  p50 ${f(times[5])}  max ${f(times[9])}  cpu ${f(cpu[5])}`,
    );
  }
}
