import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowStore } from './flow-store.js';
import { goldenEvents, tempDir } from './testing.js';
import type { GraphResponse } from '../server/http/contract.js';

/** Edge flow counts between workloads, counted straight from the JSON (pod endpoints only). */
function handEdges(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of goldenEvents()) {
    const f = e.flow!;
    const s = f.source;
    const d = f.destination;
    if (!s?.pod_name || !d?.pod_name) continue;
    const name = (ep: typeof s): string => `${ep.namespace}/${ep.workloads?.[0]?.name ?? ep.pod_name}`;
    const l4 = f.l4?.TCP ?? f.l4?.UDP;
    const proto = f.l4?.TCP ? 'TCP' : f.l4?.UDP ? 'UDP' : Object.keys(f.l4 ?? {})[0];
    const id = `${name(s)}->${name(d)}:${proto}/${l4?.destination_port ?? 0}`;
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
