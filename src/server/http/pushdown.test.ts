import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { decodeEvent, type FlowEvent } from '../../flow/index.js';
import { FlowStore } from '../../store/flow-store.js';
import { goldenEvents, tempDir } from '../../store/testing.js';
import { syntheticFlows } from '../../store/synthetic.js';
import type { Dimension, Measure } from './contract.js';
import { parseSelection } from './selection.js';
import { filterWhere, pushdown } from './pushdown.js';

/** Numbers to 12 significant digits: SQL and JS sum and interpolate latencies in another order. */
const round = <T>(v: T): T =>
  JSON.parse(JSON.stringify(v), (_, x: unknown) =>
    typeof x === 'number' ? Number(x.toPrecision(12)) : x,
  ) as T;

const sel = (params: Record<string, string>) => parseSelection(new URLSearchParams(params), 100, 0);

describe('pushdown: what is translated', () => {
  it('maps protocol, verdict, traffic direction and TCP flags onto dimensions', () => {
    expect(pushdown(sel({ filter: '--protocol dns' }))).toEqual({ where: { l7_protocol: ['dns'] } });
    expect(pushdown(sel({ filter: '--protocol TCP --protocol udp' }))).toEqual({
      where: { protocol: ['TCP', 'UDP'] },
    });
    expect(pushdown(sel({ filter: '--protocol icmp' }))).toEqual({
      where: { protocol: ['ICMPv4', 'ICMPv6'] },
    });
    expect(pushdown(sel({ filter: '--verdict DROPPED' }))).toEqual({ where: { verdict: ['DROPPED', '2'] } });
    expect(pushdown(sel({ filter: '--traffic-direction egress' }))).toEqual({
      where: { traffic_direction: ['EGRESS', '2'] },
    });
    expect(pushdown(sel({ filter: '--protocol http --verdict DROPPED' }))).toEqual({
      where: { l7_protocol: ['http'], verdict: ['DROPPED', '2'] },
    });
    const syn = pushdown(sel({ filter: '--tcp-flags SYN' })).where!.tcp_flag!;
    expect(syn).toHaveLength(256);
    expect(syn).toContain('SYN');
    expect(syn).toContain('SYN,ACK');
    expect(syn).not.toContain('ACK');
    const synAck = pushdown(sel({ filter: '--tcp-flags SYN,ACK' })).where!.tcp_flag!;
    expect(synAck).toHaveLength(128);
    expect(synAck).not.toContain('SYN');
  });

  it('keeps the zero value of an enum (absent on the flow) and ORs filter lists', () => {
    expect(filterWhere({ verdict: ['VERDICT_UNKNOWN'] })).toEqual({ verdict: ['VERDICT_UNKNOWN', '0', ''] });
    expect(
      pushdown(sel({ allow: JSON.stringify([{ verdict: ['DROPPED'] }, { protocol: ['dns'] }]) })),
    ).toEqual({
      whereAny: [{ verdict: ['DROPPED', '2'] }, { l7_protocol: ['dns'] }],
    });
  });

  it('turns either-side variables into alternatives, combined with the filters', () => {
    expect(pushdown(sel({ namespace: 'shop' }))).toEqual({
      whereAny: [{ source_namespace: ['shop'] }, { destination_namespace: ['shop'] }],
    });
    expect(pushdown(sel({ filter: '--protocol dns', node: 'n1', workload: 'kube-system/coredns' }))).toEqual({
      whereAny: [
        {
          l7_protocol: ['dns'],
          node: ['n1'],
          source_namespace: ['kube-system'],
          source_workload: ['coredns'],
        },
        {
          l7_protocol: ['dns'],
          node: ['n1'],
          destination_namespace: ['kube-system'],
          destination_workload: ['coredns'],
        },
      ],
    });
    expect(pushdown(sel({ namespace: 'shop', side: 'source', filter: '--verdict DROPPED' }))).toEqual({
      where: { verdict: ['DROPPED', '2'], source_namespace: ['shop'] },
    });
    expect(pushdown(sel({}))).toEqual({ where: {} });
  });

  it('keeps the predicate when a translation would not be exact', () => {
    for (const p of [
      { filter: '--not --verdict DROPPED' },
      { filter: '--protocol tcp --protocol dns' },
      { filter: '--from-ip 10.0.0.1' },
      { filter: '--type drop' },
      { filter: '--namespace shop' },
      { filter: '--http-status 5+' },
      { filter: '--port 53' },
      { filter: '--verdict DROPPED --pod x' },
      { namespace: 'a', workload: 'b/c' },
      { allow: JSON.stringify({ tcp_flags: [{}] }) },
      { allow: JSON.stringify({ verdict: [99] }) },
    ] as Record<string, string>[]) {
      const s = sel(p);
      const pd = pushdown(s);
      expect(pd.where, JSON.stringify(p)).toBeUndefined();
      expect(pd.whereAny).toBeUndefined();
      expect(pd.predicate).toBe(s.predicate);
    }
  });
});

/** Golden flows, every shared Hubble fixture and varied synthetic flows. */
function events(): FlowEvent[] {
  const dir = new URL('../../../test/fixtures/hubble/', import.meta.url);
  const fixtures = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) =>
      readFileSync(new URL(f, dir), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => decodeEvent(JSON.parse(l))),
    );
  return [
    ...goldenEvents(),
    ...fixtures,
    ...syntheticFlows(goldenEvents(), 6000, { seed: 7, startMs: Date.parse('2026-11-20T09:00:00Z') }),
  ];
}

/** The dashboards' filters (src/web/model/dashboards) and a few more, with their variables. */
const FILTERS = [
  '--protocol dns',
  '--protocol http',
  '--protocol kafka',
  '--protocol tcp',
  '--protocol udp',
  '--protocol icmp',
  '--verdict DROPPED',
  '--verdict FORWARDED',
  '--protocol http --verdict DROPPED',
  '--tcp-flags SYN',
  '--tcp-flags SYN,ACK',
  '--tcp-flags RST',
  '--tcp-flags FIN --tcp-flags RST',
  '--verdict FORWARDED --traffic-direction egress',
  '--verdict FORWARDED --traffic-direction ingress',
];
const VARS: Record<string, string>[] = [
  {},
  { namespace: 'kube-system' },
  { namespace: 'identity', side: 'source' },
  { namespace: 'identity', side: 'destination' },
  { namespace: 'payments', workload: 'payments-api' },
  { workload: 'kube-system/coredns' },
  { workload: 'coredns', side: 'destination' },
  { node: 'kind-worker', namespace: 'shop' },
];
const QUERIES: { groupBy: Dimension[]; measure?: Measure; step?: number; k: number }[] = [
  { groupBy: ['source_namespace', 'source_pod'], step: 60, k: 1000 },
  { groupBy: ['verdict', 'dns_rcode', 'tcp_flag'], k: 1000 },
  { groupBy: ['l7_protocol'], measure: 'latency_p95_ms', step: 300, k: 1000 },
];

describe('pushdown: the pushed-down answer equals the predicate answer', () => {
  const all = events();
  const t = tempDir();
  let ring: FlowStore;
  let duck: FlowStore;
  beforeAll(async () => {
    ring = await FlowStore.open({ ring: { capacity: all.length + 10 } });
    duck = await FlowStore.open({ ring: { capacity: 500 }, history: { dir: t.dir, batchSize: 4096 } });
    for (const s of [ring, duck]) {
      s.append(all);
      await s.flush();
    }
  });
  afterAll(async () => {
    await ring?.close();
    await duck?.close();
    t.cleanup();
  });

  const cases: Record<string, string>[] = [
    ...FILTERS.map((filter) => ({ filter })),
    ...VARS.filter((v) => Object.keys(v).length > 0),
    ...FILTERS.flatMap((filter) => VARS.slice(1, 6).map((v) => ({ filter, ...v }))),
    { allow: JSON.stringify([{ verdict: ['DROPPED'] }, { protocol: ['dns'] }]), namespace: 'kube-system' },
  ];
  for (const [name, store] of [
    ['ring (memory-only)', () => ring],
    ['DuckDB', () => duck],
  ] as const) {
    it(`${name}: aggregates and the service map`, async () => {
      let nonEmpty = 0;
      for (const c of cases) {
        const s = sel(c);
        const pd = pushdown(s);
        expect(pd.predicate, JSON.stringify(c)).toBeUndefined();
        for (const q of QUERIES) {
          const { coverage: ca, ...a } = await store().aggregate({ ...q, ...pd });
          const { coverage: cb, ...b } = await store().aggregate({ ...q, predicate: s.predicate });
          expect(round(a), `${JSON.stringify(c)} ${JSON.stringify(q)}`).toEqual(round(b));
          expect(ca.examined).toBe(cb.examined);
          if (b.groups.length > 0) nonEmpty++;
        }
        const { coverage: ga, ...g1 } = await store().graph({ level: 'pod', ...pd });
        const { coverage: gb, ...g2 } = await store().graph({ level: 'pod', predicate: s.predicate });
        expect(g1, JSON.stringify(c)).toEqual(g2);
        expect(ga.examined).toBe(gb.examined);
      }
      // Most cases select something (the comparison is not between empty answers).
      expect(nonEmpty).toBeGreaterThan(cases.length * QUERIES.length * 0.6);
    }, 120_000);
  }
});
