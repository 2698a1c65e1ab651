/**
 * Diagnosis quality against the simulator's ground truth: every built-in scenario's top finding
 * names an injected fault (kind and workload), every fault of a mix of all scenarios is found,
 * and the healthy baseline yields nothing above `info`.
 */
import { describe, expect, it } from 'vitest';
import {
  listBuiltinScenarios,
  loadScenario,
  simulate,
  truth,
  type Scenario,
  type TruthEntry,
} from '../sim/index.js';
import {
  DiagnosisAccumulator,
  diagnose,
  type DiagnosisReport,
  type Finding,
  type FindingKind,
} from './index.js';

/** The finding kind that reports each fault kind. */
const KIND_OF: Record<string, FindingKind[]> = {
  'dns-upstream-down': ['dns'],
  'dns-refused': ['dns'],
  'dns-nxdomain': ['dns'],
  'dns-a-fail': ['dns'],
  'policy-change': ['policy-drop'],
  'policy-denied': ['policy-drop'],
  'lb-skew': ['imbalance'],
  'tcp-reset': ['tcp-reset'],
  'http-errors': ['l7-errors'],
  'kafka-errors': ['l7-errors'],
  latency: ['latency'],
  'node-drops': ['drop'],
  // A surge is load, not a fault: any finding about the surging workload counts.
  'traffic-surge': ['imbalance', 'latency', 'l7-errors', 'tcp-reset', 'dns'],
};

function names(f: Finding, t: TruthEntry): boolean {
  if (t.node && !t.workload) return f.subject.node === t.node;
  const wls = t.workloads ?? (t.workload ? [`${t.namespace}/${t.workload}`] : []);
  const sides = [f.subject, f.peer].filter(Boolean).map((x) => `${x!.namespace}/${x!.workload}`);
  if (wls.some((w) => sides.includes(w))) return true;
  // A policy change names the policy's namespace and the pods it selects (the peer's pods).
  return t.kind === 'policy-change' && (f.peer?.pods ?? []).some((p) => t.pods.includes(p));
}

function overlaps(f: Finding, t: TruthEntry, slackMs: number): boolean {
  return (
    Date.parse(f.since) <= Date.parse(t.end) + slackMs &&
    Date.parse(f.lastSeen) >= Date.parse(t.start) - slackMs
  );
}

function matches(f: Finding, t: TruthEntry): boolean {
  return KIND_OF[t.kind].includes(f.kind) && names(f, t) && overlaps(f, t, 30_000);
}

const cache = new Map<string, Promise<{ report: DiagnosisReport; truths: TruthEntry[] }>>();

/** Simulates and diagnoses a scenario once per test file, yielding to the runner as it goes. */
function run(s: Scenario, seed = 1): Promise<{ report: DiagnosisReport; truths: TruthEntry[] }> {
  const key = `${s.name}/${seed}`;
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const acc = new DiagnosisAccumulator();
      let n = 0;
      for (const ev of simulate(s, { seed })) {
        acc.add(ev);
        if (++n % 20_000 === 0) await new Promise((r) => setImmediate(r));
      }
      return { report: diagnose(acc, { clock: () => 0 }), truths: truth(s, { seed }) };
    })();
    cache.set(key, p);
  }
  return p;
}

function describeFindings(r: DiagnosisReport): string {
  return r.findings
    .map((f) => `${f.severity} ${f.kind} ${f.subject.namespace}/${f.subject.workload} ${f.since} ${f.title}`)
    .join('\n');
}

const builtins = listBuiltinScenarios().map((s) => s.name);

describe('diagnosis of the built-in scenarios', () => {
  it('has the scenarios the stories need', () => {
    expect(builtins).toEqual(
      expect.arrayContaining([
        'healthy',
        'dns',
        'policy-drops',
        'traffic-imbalance',
        'tcp-resets',
        'l7-errors',
      ]),
    );
  });

  it('healthy baseline > no finding above info', { timeout: 180_000 }, async () => {
    const { report } = await run(loadScenario('healthy'));
    expect(
      report.findings.filter((f) => f.severity !== 'info'),
      describeFindings(report),
    ).toEqual([]);
    expect(report.summary.headline).toBe('No problems found');
    expect(report.coverage.flows).toBeGreaterThan(10_000);
  });

  for (const name of builtins.filter((n) => n !== 'healthy')) {
    it(
      `${name} > the top finding names an injected fault's kind and workload`,
      { timeout: 180_000 },
      async () => {
        const { report, truths } = await run(loadScenario(name));
        expect(truths.length).toBeGreaterThan(0);
        const top = report.findings[0];
        expect(top, describeFindings(report)).toBeDefined();
        expect(top.severity).not.toBe('info');
        const hit = truths.find((t) => matches(top, t));
        expect(
          hit,
          `top finding ${top.kind} ${top.subject.namespace}/${top.subject.workload} vs truth ${JSON.stringify(truths.map((t) => [t.kind, t.workload ?? t.node]))}`,
        ).toBeDefined();
      },
    );

    it(`${name} > every injected fault is found`, { timeout: 180_000 }, async () => {
      const { report, truths } = await run(loadScenario(name));
      const missed = truths.filter((t) => !report.findings.some((f) => matches(f, t)));
      expect(
        missed.map((t) => `${t.kind} ${t.namespace}/${t.workload ?? t.node} ${t.start}`),
        describeFindings(report),
      ).toEqual([]);
    });
  }
});

/** One scenario holding the faults, workloads, traffic and policies of all built-ins. */
function mixOfAll(): Scenario {
  const base = loadScenario('healthy');
  const mix: Scenario = {
    ...base,
    name: 'mix',
    workloads: [...base.workloads],
    traffic: [...base.traffic],
    policies: [...base.policies],
    faults: [],
  };
  const wl = new Set(mix.workloads.map((w) => `${w.namespace}/${w.name}`));
  const tr = new Set(mix.traffic.map((t) => t.name));
  const po = new Set(mix.policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`));
  for (const name of builtins.filter((n) => n !== 'healthy')) {
    const s = loadScenario(name);
    for (const w of s.workloads) {
      if (wl.has(`${w.namespace}/${w.name}`)) continue;
      wl.add(`${w.namespace}/${w.name}`);
      mix.workloads.push(w);
    }
    for (const t of s.traffic) {
      if (tr.has(t.name)) continue;
      tr.add(t.name);
      mix.traffic.push(t);
    }
    for (const p of s.policies) {
      if (po.has(`${p.metadata.namespace}/${p.metadata.name}`)) continue;
      po.add(`${p.metadata.namespace}/${p.metadata.name}`);
      mix.policies.push(p);
    }
    mix.faults.push(...s.faults);
  }
  return mix;
}

describe('diagnosis of a mix of all scenarios', () => {
  it('finds every injected fault', { timeout: 300_000 }, async () => {
    const { report, truths } = await run(mixOfAll(), 7);
    const faults = truths.filter((t) => t.kind !== 'traffic-surge');
    expect(faults.length).toBeGreaterThan(10);
    const missed = faults.filter((t) => !report.findings.some((f) => matches(f, t)));
    expect(
      missed.map((t) => `${t.kind} ${t.namespace}/${t.workload ?? t.node} ${t.start}-${t.end}`),
      describeFindings(report),
    ).toEqual([]);
  });
});
