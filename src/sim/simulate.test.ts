import { describe, expect, it } from 'vitest';
import { encodeEvent, timeMillis } from '../flow/index.js';
import { loadScenario, scenarioFromText } from './load.js';
import { simulate, simulateChunks, simulateLines, simulateLive, truth } from './simulate.js';
import { buildTopology } from './topology.js';
import { searchCandidates } from './dns.js';
import { SimClock, TimeWriter, drawUuid, uuidFrom, uuidText, writeUuid } from './clock.js';
import { listBuiltinScenarios } from './load.js';
import { FlowFactory } from './flow-factory.js';
import { RunContext } from './run-context.js';
import { FaultIndex } from './faults.js';
import { PolicyState } from './policy-state.js';
import { Prng } from './prng.js';
import { formatTime } from '../flow/index.js';
import { parseDuration, parseRate } from './duration.js';

const TINY = `name: tiny
duration: 20s
nodes: [node-a, node-b]
workloads:
  - { kind: Deployment, name: web, namespace: shop, replicas: 2, ports: [{ name: http, port: 8080 }] }
  - { kind: Deployment, name: client, namespace: shop, replicas: 2 }
  - { kind: DaemonSet, name: agent, namespace: kube-system }
services:
  - { name: web, namespace: shop, ports: [{ port: 80, targetPort: http }] }
traffic:
  - { from: shop/client, to: shop/web, port: 80, protocol: http, rate: 20/s }
`;

const joined = (it: Iterable<string>) => [...it].join('\n');

describe('simulate', () => {
  it('gives the same bytes for the same seed, and different bytes for another seed', () => {
    const s = loadScenario('dns');
    const a = joined(simulateLines(s, { seed: 7, durationMs: 20_000 }));
    const b = joined(simulateLines(s, { seed: 7, durationMs: 20_000 }));
    const c = joined(simulateLines(s, { seed: 8, durationMs: 20_000 }));
    expect(a.length).toBeGreaterThan(100_000);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('writes the same lines as bytes in chunks that end at line ends', () => {
    const s = loadScenario('l7-errors');
    const opts = { seed: 3, durationMs: 20_000 };
    const lines = [...simulateLines(s, opts)];
    const chunks = [...simulateChunks(s, opts, 64 * 1024)];
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) {
      expect(c.bytes[c.bytes.length - 1]).toBe(10);
      expect(c.bytes.toString('utf8').split('\n')).toHaveLength(c.lines + 1);
    }
    expect(chunks.reduce((n, c) => n + c.lines, 0)).toBe(lines.length);
    expect(Buffer.concat(chunks.map((c) => c.bytes)).toString('utf8')).toBe(lines.join('\n') + '\n');
  });

  // simulateChunks writes time and uuid from the numbers they were made from, and lines from
  // templates of earlier lines: every line must still be what encodeEvent makes of the flow.
  for (const { name } of listBuiltinScenarios())
    it(`writes the lines of "${name}" in chunks exactly as encodeEvent writes its flows`, () => {
      const s = loadScenario(name);
      for (const opts of [
        { seed: 11, durationMs: 30_000 },
        { seed: 12, rate: 40, durationMs: 300_000, start: '2024-12-31T23:59:30.5Z' },
      ]) {
        const want = [...simulate(s, opts)].map((e) => encodeEvent(e) + '\n').join('');
        const got = Buffer.concat([...simulateChunks(s, opts, 32 * 1024)].map((c) => c.bytes));
        expect(got.length).toBeGreaterThan(1_000_000);
        // Compared as strings only when they differ, for a readable report.
        if (!got.equals(Buffer.from(want))) expect(got.toString('utf8')).toBe(want);
      }
    });

  it('shares one IP record among the connections between two addresses', () => {
    const evs = [...simulate(loadScenario('healthy'), { seed: 2, durationMs: 20_000 })];
    const records = new Set(evs.map((e) => e.flow!.IP!));
    const pairs = new Set(evs.map((e) => `${e.flow!.IP!.source} ${e.flow!.IP!.destination}`));
    const conns = new Set(evs.map((e) => e.flow!.l4));
    expect(conns.size).toBeGreaterThan(5 * pairs.size);
    expect(records.size).toBe(pairs.size);
    for (const ip of records) expect(Object.isFrozen(ip)).toBe(true);
  });

  it('is repeatable: iterating the same Iterable twice gives the same flows', () => {
    const it = simulate(scenarioFromText(TINY), { seed: 'x', durationMs: 5000 });
    expect([...it].map((e) => encodeEvent(e))).toEqual([...it].map((e) => encodeEvent(e)));
  });

  it('starts at the given start and stays within the duration', () => {
    const evs = [...simulate(scenarioFromText(TINY), { start: '2024-02-29T23:59:50Z', durationMs: 20_000 })];
    const t0 = timeMillis('2024-02-29T23:59:50Z');
    expect(timeMillis(evs[0].time) - t0).toBeGreaterThanOrEqual(0);
    expect(timeMillis(evs[evs.length - 1].time) - t0).toBeLessThan(20_000);
    expect(evs.some((e) => e.time!.startsWith('2024-03-01T'))).toBe(true);
  });

  it('scales to the requested rate', () => {
    const n = [...simulate(loadScenario('healthy'), { durationMs: 60_000, rate: 1000 })].length;
    expect(n / 60).toBeGreaterThan(800);
    expect(n / 60).toBeLessThan(1250);
  });

  it('rejects bad options', () => {
    const s = scenarioFromText(TINY);
    expect(() => simulate(s, { start: 'soon' })).toThrow(/invalid start time "soon"/);
    expect(() => simulate(s, { rate: 0 })).toThrow(/invalid rate/);
    expect(() => simulate(s, { durationMs: -1 })).toThrow(/invalid duration/);
  });

  it('places pods realistically: names, IPs in node pod CIDRs, one DaemonSet pod per node', () => {
    const t = buildTopology(scenarioFromText(TINY));
    const web = t.podsByWorkload.get('shop/web')!;
    for (const p of web)
      expect(p.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{9,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    for (const p of t.pods) expect(p.ip.startsWith(`10.244.${p.node.index}.`)).toBe(true);
    expect(t.podsByWorkload.get('kube-system/agent')!.map((p) => p.node.name)).toEqual(['node-a', 'node-b']);
    expect(t.dns.clusterIP).toBe('10.0.0.10');
    expect(t.services.get('shop/web')!.clusterIP).toMatch(/^10\.0\.\d+\.\d+$/);
    expect(new Set(t.pods.map((p) => p.ip)).size).toBe(t.pods.length);
    // Pod names do not depend on the seed.
    expect(buildTopology(scenarioFromText(TINY)).pods.map((p) => p.name)).toEqual(t.pods.map((p) => p.name));
  });

  it('labels endpoints like Cilium: sorted, namespace labels, service account, workload', () => {
    const ev = [...simulate(loadScenario('healthy'), { durationMs: 5000 })].find(
      (e) => e.flow!.source?.namespace === 'retail',
    )!;
    const labels = ev.flow!.source!.labels!;
    expect([...labels].sort()).toEqual(labels);
    expect(labels).toContain('k8s:io.kubernetes.pod.namespace=retail');
    expect(labels).toContain('k8s:io.cilium.k8s.namespace.labels.team=retail');
    expect(labels).toContain('k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=retail');
    expect(labels.some((l) => l.startsWith('k8s:io.cilium.k8s.policy.serviceaccount='))).toBe(true);
    expect(ev.flow!.source!.workloads?.[0].kind).toMatch(/Deployment|StatefulSet|DaemonSet/);
  });
});

describe('simulateLive', () => {
  it('paces events against the clock and stops on abort', async () => {
    let clock = 1_700_000_000_000;
    const sleeps: number[] = [];
    const ac = new AbortController();
    const out: string[] = [];
    for await (const ev of simulateLive(scenarioFromText(TINY), {
      speed: 10,
      signal: ac.signal,
      now: () => clock,
      sleep: async (ms) => void (sleeps.push(ms), (clock += ms)),
    })) {
      out.push(ev.time!);
      if (out.length === 500) ac.abort();
    }
    expect(out).toHaveLength(500);
    expect(timeMillis(out[0])).toBeGreaterThanOrEqual(1_700_000_000_000);
    // Simulated time runs 10x faster than the (fake) wall clock.
    const simElapsed = timeMillis(out[499]) - timeMillis(out[0]);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThan(simElapsed / 10 - 50);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThan(simElapsed / 10 + 50);
  });

  it('ends after durationMs', async () => {
    let n = 0;
    for await (const _ of simulateLive(scenarioFromText(TINY), {
      speed: 1e9,
      durationMs: 1000,
      sleep: async () => {},
    }))
      n++;
    expect(n).toBeGreaterThan(50);
  });
});

describe('truth', () => {
  it('lists faults with windows, workloads and pods', () => {
    const s = loadScenario('tcp-resets');
    const t = truth(s);
    const rst = t.find((e) => e.kind === 'tcp-reset' && e.details.role === 'client')!;
    expect(rst).toMatchObject({
      start: '2025-06-02T18:22:00Z',
      end: '2025-06-02T18:28:00Z',
      namespace: 'pets',
      workload: 'rabbitmq',
      pods: ['rabbitmq-0'],
      details: { peer: 'pets/mongodb' },
    });
    const drops = t.find((e) => e.kind === 'node-drops')!;
    expect(drops).toMatchObject({
      node: 'aks-nodepool1-12345678-vmss000001',
      details: { reason: 'CT_MAP_INSERTION_FAILED', code: 155 },
    });
  });

  it('clips windows to the run and drops faults after it', () => {
    const t = truth(loadScenario('dns'), { durationMs: 150_000 });
    expect(t.map((e) => e.kind)).toEqual(['dns-nxdomain', 'dns-upstream-down']);
    expect(t[1].end).toBe('2025-06-02T09:02:30Z');
  });

  it('reports policy denials computed by the evaluator', () => {
    const t = truth(loadScenario('policy-drops'));
    const fe = t.find((e) => e.kind === 'policy-denied' && e.workload === 'frontend')!;
    expect(fe).toMatchObject({
      start: '2025-06-02T09:02:00Z',
      namespace: 'microservices',
      details: {
        deniedBy: 'ingress',
        selectedBy: expect.arrayContaining(['microservices/allow-frontend-to-backend']),
      },
    });
    const bad = t.filter((e) => e.kind === 'policy-denied' && e.workload === 'kapinger-bad');
    expect(bad.map((e) => e.details.deniedBy)).toContain('egress');
    expect(truth(loadScenario('healthy')).filter((e) => e.kind === 'policy-denied')).toEqual([]);
  });
});

describe('helpers', () => {
  it('expands search paths like glibc with ndots:5', () => {
    expect(searchCandidates('web', 'shop', 'cluster.local', true)).toEqual([
      'web.shop.svc.cluster.local.',
      'web.svc.cluster.local.',
      'web.cluster.local.',
      'web.',
    ]);
    expect(searchCandidates('a.b.c.d.e.f', 'shop', 'cluster.local', true)[0]).toBe('a.b.c.d.e.f.');
    expect(searchCandidates('api.contoso.com.', 'shop', 'cluster.local', true)).toEqual(['api.contoso.com.']);
    expect(searchCandidates('api.contoso.com', 'shop', 'cluster.local', false)).toEqual(['api.contoso.com.']);
  });

  it('formats timestamps exactly like the flow codec', () => {
    const c = new SimClock(1_717_318_800_123);
    for (const ns of [
      0,
      1,
      877_000_000,
      999_999_999,
      1_000_000_000,
      86_400_000_000_000 + 5_000,
      3_141_592_653,
    ]) {
      const ms = 1_717_318_800_123 + ns / 1e6;
      const sec = Math.floor(1_717_318_800_123 / 1000);
      const total = 123_000_000 + ns;
      expect(c.format(ns)).toBe(formatTime({ seconds: sec + Math.floor(total / 1e9), nanos: total % 1e9 }));
      expect(ms).toBeGreaterThan(0);
    }
  });

  it('writes the timestamps it formats as bytes, from the offsets', () => {
    const r = new Prng('times');
    for (const startMs of [1_717_318_800_123, 1_735_689_599_000, 0, 253_402_300_799_999]) {
      const c = new SimClock(startMs);
      const tw = new TimeWriter(c);
      const b = Buffer.alloc(64);
      const offsets = [0, 1, 999, 1000, 877_000_000, 999_999_999, 1_000_000_000, 123_000_000];
      for (let i = 0; i < 3000; i++) {
        const scale = [1, 1000, 1_000_000, 1_000_000_000][r.int(4)];
        offsets.push(r.int(3_600_000) * scale + (r.chance(0.5) ? r.int(1000) : 0));
      }
      // Out of order too: the writer keeps its own per-second prefix.
      for (const ns of [...offsets, ...offsets.reverse()]) {
        const end = tw.write(b, 3, ns);
        expect(b.toString('latin1', 3, end)).toBe(c.format(ns));
      }
      expect(tw.write(b, 0, 1.5)).toBe(-1);
      expect(tw.write(b, 0, -1)).toBe(-1);
    }
  });

  it('writes UUIDs as bytes from their words, as their text', () => {
    const r = new Prng('uuids');
    const words = new Uint32Array(4);
    const b = Buffer.alloc(40);
    for (const fixed of [
      [0, 0, 0, 0],
      [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
    ]) {
      expect(writeUuid(b, 2, fixed[0], fixed[1], fixed[2], fixed[3])).toBe(38);
      expect(b.toString('latin1', 2, 38)).toBe(uuidText(fixed[0], fixed[1], fixed[2], fixed[3]));
    }
    for (let i = 0; i < 1000; i++) {
      drawUuid(r, words);
      writeUuid(b, 0, words[0], words[1], words[2], words[3]);
      expect(b.toString('latin1', 0, 36)).toBe(uuidText(words[0], words[1], words[2], words[3]));
    }
    // The same draws as uuidFrom.
    drawUuid(new Prng(5), words);
    expect(uuidText(words[0], words[1], words[2], words[3])).toBe(uuidFrom(new Prng(5)));
  });

  it('keeps flow stamps in time order with their flows, and only for the flow made last', () => {
    const topo = buildTopology(scenarioFromText(TINY));
    const prng = new Prng(1);
    const factory = new FlowFactory(new SimClock(1_717_318_800_000), prng);
    const faults = new FaultIndex([]);
    const ctx = new RunContext(topo, factory, prng, faults, new PolicyState(topo, faults));
    ctx.keepStamps();
    const [a, b] = topo.pods;
    const conn = {
      client: { pod: a, ip: a.ip },
      server: { pod: b, ip: b.ip },
      cport: 40000,
      sport: 8080,
      l4: 'TCP' as const,
      fwdIP: factory.ip(a.ip, b.ip),
      revIP: factory.ip(b.ip, a.ip),
    };
    const times = [5000, 3000, 4000, 1000];
    for (const t of times) ctx.emit(t, factory.trace(t, a.node, conn, false, undefined, 'TO_STACK', true));
    const run = ctx.take()!;
    expect(run.times).toEqual([1000, 3000, 4000, 5000]);
    // Stamps only: the flows carry no time or uuid strings.
    expect(run.events.map((e) => e.flow!.time ?? e.time)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(run.stamps!.filter((_, i) => i % 5 === 0)).toEqual([1000, 3000, 4000, 5000]);
    expect(new Set(run.stamps!.filter((_, i) => i % 5 === 1)).size).toBe(4);
    const early = factory.trace(10, a.node, conn, false, undefined, 'TO_STACK', true);
    factory.trace(20, a.node, conn, false, undefined, 'TO_STACK', true);
    expect(() => ctx.emit(10, early)).toThrow(/emitted after another was made/);
  });

  it('makes version 4 UUIDs', () => {
    const r = new Prng(1);
    for (let i = 0; i < 100; i++)
      expect(uuidFrom(r)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  const durations: Array<[string, number | undefined]> = [
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['1.5s', 1500],
    ['45', 45_000],
    ['10x', undefined],
    ['', undefined],
  ];
  for (const [text, want] of durations)
    it(`parses duration "${text}"`, () => expect(parseDuration(text)).toBe(want));
  const rates: Array<[string, number | undefined]> = [
    ['20/s', 20],
    ['300/m', 5],
    ['7200/h', 2],
    ['3', 3],
    ['fast', undefined],
  ];
  for (const [text, want] of rates) it(`parses rate "${text}"`, () => expect(parseRate(text)).toBe(want));
});
