import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowStore } from './flow-store.js';
import { goldenEvents, tempDir } from './testing.js';
import type { Flow, FlowEvent } from '../flow/index.js';
import type { GraphResponse } from '../server/http/contract.js';

/**
 * Edge flow counts between workloads, counted straight from the JSON (pod endpoints only).
 * A reply (is_reply true) counts on the edge of its request: endpoints swapped, source port.
 */
function handEdges(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of goldenEvents()) {
    const f = e.flow!;
    const reply = f.is_reply === true;
    const s = reply ? f.destination : f.source;
    const d = reply ? f.source : f.destination;
    if (!s?.pod_name || !d?.pod_name) continue;
    const name = (ep: typeof s): string => `${ep.namespace}/${ep.workloads?.[0]?.name ?? ep.pod_name}`;
    const l4 = f.l4?.TCP ?? f.l4?.UDP;
    const proto = f.l4?.TCP ? 'TCP' : f.l4?.UDP ? 'UDP' : Object.keys(f.l4 ?? {})[0];
    const port = (reply ? l4?.source_port : l4?.destination_port) ?? 0;
    const id = `${name(s)}->${name(d)}:${proto}/${port}`;
    out[id] = (out[id] ?? 0) + 1;
  }
  return out;
}

const results: Partial<Record<'duckdb' | 'memory', GraphResponse>> = {};

for (const engine of ['duckdb', 'memory'] as const) {
  describe(`graph (${engine})`, () => {
    const tmp = tempDir();
    let store: FlowStore;
    beforeAll(async () => {
      store = await FlowStore.open(engine === 'duckdb' ? { history: { dir: tmp.dir, maxAgeMs: 0 } } : {});
      store.append(goldenEvents());
      results[engine] = await store.graph({ level: 'workload' });
    });
    afterAll(async () => {
      await store.close();
      tmp.cleanup();
    });

    it('covers all 300 flows', () => {
      const g = results[engine]!;
      expect(g.edges.reduce((s, e) => s + e.flows, 0)).toBe(300);
      expect(g.coverage.examined).toBe(300);
    });

    it('has the hand-counted workload-to-workload edges', () => {
      const g = results[engine]!;
      const podEdges = Object.fromEntries(
        g.edges
          .filter(
            (e) =>
              g.nodes.find((n) => n.id === e.source)?.kind === 'workload' &&
              g.nodes.find((n) => n.id === e.target)?.kind === 'workload',
          )
          .map((e) => [e.id, e.flows]),
      );
      expect(podEdges).toEqual(handEdges());
    });

    it('counts verdicts, L7 classes and drop reasons on edges', () => {
      const g = results[engine]!;
      const sum = (pick: (e: (typeof g.edges)[number]) => Record<string, number> | undefined): number =>
        g.edges.reduce((s, e) => s + Object.values(pick(e) ?? {}).reduce((a, b) => a + b, 0), 0);
      expect(sum((e) => e.verdicts as Record<string, number>)).toBe(300);
      expect(g.edges.reduce((s, e) => s + (e.verdicts.DROPPED ?? 0), 0)).toBe(22);
      // 36 NOERROR + 7 NXDOMAIN + 3 SERVFAIL DNS responses, plus the HTTP responses' classes.
      const l7 = g.edges.reduce<Record<string, number>>((acc, e) => {
        for (const [k, v] of Object.entries(e.l7 ?? {})) acc[k] = (acc[k] ?? 0) + v;
        return acc;
      }, {});
      expect(l7).toMatchObject({ NOERROR: 36, NXDOMAIN: 7, SERVFAIL: 3 });
      expect(sum((e) => e.dropReasons)).toBe(22);
    });

    it('lists workload pods and outside identities as nodes', () => {
      const g = results[engine]!;
      const kinds = new Set(g.nodes.map((n) => n.kind));
      expect(kinds.has('workload')).toBe(true);
      const checkout = g.nodes.find((n) => n.id === 'shop/checkout');
      expect(checkout?.pods?.length).toBeGreaterThan(0);
      for (const n of g.nodes) if (n.kind !== 'workload') expect(n.pods).toBeUndefined();
    });
  });
}

describe('graph engines', () => {
  it('agree', () => {
    expect(results.duckdb).toBeDefined();
    expect({ ...results.duckdb, coverage: undefined }).toEqual({ ...results.memory, coverage: undefined });
  });
});

/**
 * A client talking to a database from 200 ephemeral ports: 200 requests, 200 replies (is_reply
 * true, from the server's port 5432 to the client's port), and 5 drop notifications of reply
 * packets whose direction Hubble does not know (is_reply unset).
 */
function conversation(): FlowEvent[] {
  const t0 = Date.parse('2026-11-20T08:00:00Z');
  const ep = (namespace: string, pod: string, workload: string, id: number) => ({
    ID: id,
    identity: id * 10,
    namespace,
    pod_name: pod,
    labels: [`k8s:app=${workload}`],
    workloads: [{ name: workload, kind: 'Deployment' }],
  });
  const web = ep('shop', 'web-1', 'web', 1);
  const db = ep('data', 'db-0', 'db', 2);
  const out: FlowEvent[] = [];
  /** One flow of connection i; `back` = server to client; `isReply` as Hubble reports it. */
  const flow = (i: number, back: boolean, isReply: boolean | undefined, over: Partial<Flow> = {}): void => {
    const time = new Date(t0 + i * 100).toISOString();
    const client = 32768 + i;
    out.push({
      time,
      node_name: 'node-a',
      flow: {
        time,
        verdict: 'FORWARDED',
        IP: back
          ? { source: '10.0.0.2', destination: '10.0.0.1', ipVersion: 'IPv4' }
          : { source: '10.0.0.1', destination: '10.0.0.2', ipVersion: 'IPv4' },
        l4: {
          TCP: back
            ? { source_port: 5432, destination_port: client }
            : { source_port: client, destination_port: 5432 },
        },
        source: back ? db : web,
        destination: back ? web : db,
        Type: 'L3_L4',
        node_name: 'node-a',
        traffic_direction: 'EGRESS',
        is_reply: isReply,
        ...over,
      },
    });
  };
  for (let i = 0; i < 200; i++) {
    flow(i, false, false);
    flow(i, true, true);
  }
  for (let i = 0; i < 5; i++)
    flow(i, true, undefined, { verdict: 'DROPPED', drop_reason_desc: 'CT_MAP_INSERTION_FAILED' });
  return out;
}

const folded: Partial<Record<'duckdb' | 'memory', GraphResponse>> = {};

for (const engine of ['duckdb', 'memory'] as const) {
  describe(`graph folds replies into their request's edge (${engine})`, () => {
    const tmp = tempDir();
    let store: FlowStore;
    beforeAll(async () => {
      store = await FlowStore.open(engine === 'duckdb' ? { history: { dir: tmp.dir, maxAgeMs: 0 } } : {});
      store.append(conversation());
      folded[engine] = await store.graph({ level: 'workload' });
    });
    afterAll(async () => {
      await store.close();
      tmp.cleanup();
    });

    it('draws one edge for 200 client ports, on the service port, with the replies counted', () => {
      const g = folded[engine]!;
      const e = g.edges.find((x) => x.id === 'shop/web->data/db:TCP/5432');
      expect(e).toMatchObject({ source: 'shop/web', target: 'data/db', port: 5432, flows: 400 });
      expect(e!.verdicts).toEqual({ FORWARDED: 400 });
      // No edge on a client port from a reply.
      expect(g.edges.filter((x) => x.verdicts.FORWARDED && x.id !== e!.id)).toEqual([]);
    });

    it('takes flows of unknown direction as recorded', () => {
      const g = folded[engine]!;
      const drops = g.edges.filter((x) => x.verdicts.DROPPED);
      expect(drops.map((x) => [x.source, x.target, x.flows])).toEqual(
        Array.from({ length: 5 }, () => ['data/db', 'shop/web', 1]),
      );
      expect(g.edges).toHaveLength(6);
    });

    it('filters on the flow as recorded, then folds', async () => {
      // Flows into shop are the replies (and the drops): they land on the web -> db edge.
      const g = await store.graph({ level: 'workload', where: { destination_namespace: ['shop'] } });
      const fwd = g.edges.find((x) => x.verdicts.FORWARDED)!;
      expect(fwd).toMatchObject({ id: 'shop/web->data/db:TCP/5432', flows: 200 });
      const byPort = await store.graph({ level: 'workload', where: { destination_port: ['5432'] } });
      expect(byPort.edges.map((x) => [x.id, x.flows])).toEqual([['shop/web->data/db:TCP/5432', 200]]);
    });

    it('folds at pod level too', async () => {
      const g = await store.graph({ level: 'pod' });
      expect(g.edges.find((x) => x.verdicts.FORWARDED)).toMatchObject({
        id: 'shop/web-1->data/db-0:TCP/5432',
        flows: 400,
      });
    });
  });
}

describe('reply folding engines', () => {
  it('agree', () => {
    expect(folded.duckdb).toBeDefined();
    expect({ ...folded.duckdb, coverage: undefined }).toEqual({ ...folded.memory, coverage: undefined });
  });
});
