/**
 * Every built-in scenario: valid, canonical, consistent flows, and the symptoms of its story.
 */
import { describe, expect, it } from 'vitest';
import { decodeEvent, encodeEvent, timeMillis, type Flow, type FlowEvent } from '../flow/index.js';
import { checkInvariants } from './invariants.js';
import { encodeSimEvent } from './fast-encode.js';
import { listBuiltinScenarios, loadScenario } from './load.js';
import { simulate, truth } from './simulate.js';

const RATE = 60; // flows/s: a full 10-minute run stays fast to check

const runs = new Map<string, FlowEvent[]>();
function run(name: string): FlowEvent[] {
  let evs = runs.get(name);
  if (!evs) runs.set(name, (evs = [...simulate(loadScenario(name), { seed: 42, rate: RATE })]));
  return evs;
}

const offsetS = (f: Flow, start: string) => (timeMillis(f.time) - timeMillis(start)) / 1000;
const pod = (f: Flow, side: 'source' | 'destination') => `${f[side]?.namespace}/${f[side]?.pod_name}`;

/** What each story must show; `check` gets the flows and the scenario start. */
const stories: Array<{ name: string; check: (flows: Flow[], start: string) => void }> = [
  {
    name: 'healthy',
    check: (flows) => {
      expect(flows.filter((f) => f.verdict === 'DROPPED')).toHaveLength(0);
      expect(flows.filter((f) => (f.l7?.http?.code ?? 0) >= 500)).toHaveLength(0);
      expect(flows.filter((f) => f.l4?.TCP?.flags?.RST)).toHaveLength(0);
      // NXDOMAIN only from search-path expansion of external names, never for the names themselves.
      const nx = flows.filter((f) => f.l7?.dns?.rcode);
      expect(
        nx.every((f) => f.l7!.dns!.rcode === 3 && /\.(svc\.)?cluster\.local\.$/.test(f.l7!.dns!.query!)),
      ).toBe(true);
    },
  },
  {
    name: 'dns',
    check: (flows, start) => {
      const rc = (code: number) => flows.filter((f) => f.l7?.dns?.rcode === code);
      expect(rc(3).some((f) => f.l7!.dns!.query === 'api.contso.com.')).toBe(true);
      expect(rc(2).length).toBeGreaterThan(0);
      expect(rc(5).length).toBeGreaterThan(0);
      for (const f of rc(5)) expect(offsetS(f, start)).toBeGreaterThanOrEqual(240);
      // A fails while AAAA succeeds for the API between 6m and 8m.
      const api = flows.filter(
        (f) =>
          f.l7?.type === 'RESPONSE' &&
          f.l7.dns?.query === 'api.contoso.com.' &&
          offsetS(f, start) >= 360 &&
          offsetS(f, start) < 480,
      );
      expect(api.filter((f) => f.l7!.dns!.qtypes![0] === 'A').every((f) => f.l7!.dns!.rcode === 2)).toBe(
        true,
      );
      expect(api.some((f) => f.l7!.dns!.qtypes![0] === 'AAAA' && f.l7!.dns!.ips?.[0]?.includes(':'))).toBe(
        true,
      );
    },
  },
  {
    name: 'policy-drops',
    check: (flows, start) => {
      const drops = flows.filter((f) => f.event_type?.type === 1);
      expect(drops.every((f) => f.drop_reason_desc === 'POLICY_DENIED')).toBe(true);
      const bad = drops.filter((f) => f.source?.workloads?.[0]?.name === 'kapinger-bad');
      expect(bad.length).toBeGreaterThan(100);
      expect(bad.every((f) => f.traffic_direction === 'EGRESS')).toBe(true);
      // "tens of packets per second" at the scenario's own rates (the run above is scaled down).
      let natural = 0;
      for (const ev of simulate(loadScenario('policy-drops'), { seed: 3, durationMs: 30_000 })) {
        if (ev.flow!.event_type?.type === 1 && ev.flow!.source?.workloads?.[0]?.name === 'kapinger-bad')
          natural++;
      }
      expect(natural / 30).toBeGreaterThan(10);
      const fe = drops.filter(
        (f) =>
          pod(f, 'source').startsWith('microservices/frontend') &&
          pod(f, 'destination').startsWith('microservices/backend'),
      );
      expect(fe.length).toBeGreaterThan(0);
      expect(fe.every((f) => offsetS(f, start) >= 120 && f.traffic_direction === 'INGRESS')).toBe(true);
    },
  },
  {
    name: 'traffic-imbalance',
    check: (flows, start) => {
      const syns = flows.filter(
        (f) =>
          f.trace_observation_point === 'TO_ENDPOINT' &&
          f.l4?.TCP?.flags?.SYN &&
          !f.l4.TCP.flags.ACK &&
          f.destination?.workloads?.[0]?.name === 'product-search',
      );
      const share = (from: number, to: number) => {
        const counts = new Map<string, number>();
        const sel = syns.filter((f) => offsetS(f, start) >= from && offsetS(f, start) < to);
        for (const f of sel)
          counts.set(f.destination!.pod_name!, (counts.get(f.destination!.pod_name!) ?? 0) + 1);
        const top2 = [...counts.values()].sort((a, b) => b - a).slice(0, 2);
        return { n: sel.length, share: (top2[0] + top2[1]) / sel.length };
      };
      const before = share(0, 60);
      const during = share(180, 540);
      expect(during.n / 360).toBeGreaterThan((before.n / 60) * 2.5); // the surge
      expect(during.share).toBeGreaterThan(0.7); // the skew
      expect(before.share).toBeLessThan(0.6);
    },
  },
  {
    name: 'tcp-resets',
    check: (flows, start) => {
      const rst = flows.filter((f) => f.l4?.TCP?.flags?.RST);
      const storm = rst.filter(
        (f) => f.source?.pod_name === 'rabbitmq-0' && f.destination?.pod_name === 'mongodb-0',
      );
      expect(storm.length).toBeGreaterThan(20);
      expect(storm.every((f) => offsetS(f, start) >= 120 && offsetS(f, start) < 481)).toBe(true);
      const ct = flows.filter((f) => f.drop_reason_desc === 'CT_MAP_INSERTION_FAILED');
      expect(ct.length).toBeGreaterThan(0);
      expect(ct.every((f) => f.node_name === 'aks-nodepool1-12345678-vmss000001')).toBe(true);
    },
  },
  {
    name: 'l7-errors',
    check: (flows, start) => {
      const resp = flows.filter((f) => f.l7?.type === 'RESPONSE' && f.l7.http);
      expect(resp.some((f) => f.l7!.http!.url!.endsWith('/checkout') && f.l7!.http!.code! >= 500)).toBe(true);
      const grpc = resp.filter((f) => f.l7!.http!.protocol === 'HTTP/2');
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const lat = (from: number, to: number) =>
        median(
          grpc
            .filter((f) => offsetS(f, start) >= from && offsetS(f, start) < to)
            .map((f) => Number(f.l7!.latency_ns)),
        );
      expect(lat(90, 480)).toBeGreaterThan(lat(0, 60) * 4);
      const kafka = flows.filter((f) => f.l7?.kafka && f.l7.type === 'RESPONSE');
      expect(kafka.some((f) => f.l7!.kafka!.error_code === 6)).toBe(true);
    },
  },
];

describe('built-in scenarios', () => {
  it('lists the five stories and the healthy baseline with descriptions', () => {
    const list = listBuiltinScenarios();
    expect(list.map((s) => s.name).sort()).toEqual(stories.map((s) => s.name).sort());
    for (const s of list) expect(s.description.length).toBeGreaterThan(20);
  });

  for (const story of stories) {
    describe(story.name, () => {
      it('writes canonical lines that decode with zero warnings', () => {
        // Plain comparisons, one assertion: expect() per flow would dominate the run time.
        const problems: string[] = [];
        const ctx = { unknownFields: [] as string[] };
        for (const ev of run(story.name)) {
          const line = encodeEvent(ev);
          if (encodeSimEvent(ev) !== line) problems.push(`fast encoder differs: ${line}`);
          const back = decodeEvent(JSON.parse(line), ctx);
          if (encodeEvent(back) !== line) problems.push(`does not round-trip: ${line}`);
          if (problems.length > 3) break;
        }
        expect(ctx.unknownFields).toEqual([]);
        expect(problems).toEqual([]);
      });

      it('keeps time order, replies after requests, DNS answers after queries, drops never forwarded', () => {
        const report = checkInvariants(run(story.name));
        expect(report.violations).toEqual([]);
        expect(report.stats.flows).toBeGreaterThan(RATE * 300);
        expect(report.stats.dnsResponses).toBeGreaterThan(0);
      });

      it('shows the symptoms of its story', () => {
        const s = loadScenario(story.name);
        story.check(
          run(story.name).map((e) => e.flow!),
          s.start,
        );
      });

      it('has a truth file matching its faults', () => {
        const s = loadScenario(story.name);
        const t = truth(s).filter((e) => e.kind !== 'policy-denied');
        expect(t.map((e) => e.kind)).toEqual(s.faults.map((f) => f.kind));
        for (const e of t) expect(timeMillis(e.end)).toBeGreaterThan(timeMillis(e.start));
      });
    });
  }
});
