import { describe, expect, it } from 'vitest';
import { encodeEvent, timeMillis } from '../flow/index.js';
import { loadScenario, scenarioFromText } from './load.js';
import { simulate, simulateChunks, simulateLines, simulateLive, truth } from './simulate.js';
import { buildTopology } from './topology.js';
import { searchCandidates } from './dns.js';
import { SimClock, uuidFrom } from './clock.js';
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
