/**
 * The ground truth of a run: every injected fault with its time window and the namespace,
 * workload and pods it affects, plus the connections that NetworkPolicies deny (computed with
 * the same evaluator that enforces them), so a diagnosis can be scored against it.
 */
import { timeFromMillis } from '../flow/index.js';
import { resolveFaults, type RuntimeFault } from './faults.js';
import type { Side } from './flow-factory.js';
import { PolicyState } from './policy-state.js';
import { FaultIndex } from './faults.js';
import type { FaultKind } from './schema.js';
import type { SimPod, Topology } from './topology.js';

/** One entry of the truth file. */
export interface TruthEntry {
  /** A fault kind, or `policy-denied` for connections denied by NetworkPolicies. */
  kind: FaultKind | 'policy-denied';
  /** RFC 3339 window, clipped to the run. */
  start: string;
  end: string;
  namespace?: string;
  workload?: string;
  /** Every workload concerned (`namespace/name`), when there are several. */
  workloads?: string[];
  pods: string[];
  node?: string;
  description?: string;
  /** Kind-specific parameters (rates, codes, names, policies…). */
  details: Record<string, unknown>;
}

function workloadsOf(pods: SimPod[]): string[] {
  return [...new Set(pods.map((p) => `${p.namespace}/${p.workload.name}`))];
}

function details(f: RuntimeFault): Record<string, unknown> {
  const s = f.spec;
  switch (s.kind) {
    case 'dns-upstream-down':
    case 'dns-a-fail':
      return {
        mode: s.mode,
        rcode: s.mode === 'servfail' ? 2 : undefined,
        names: s.names.length ? s.names : ['(all names outside the cluster)'],
        ratio: s.ratio,
        qtypes: s.kind === 'dns-a-fail' ? ['A'] : ['A', 'AAAA'],
      };
    case 'dns-refused':
      return { rcode: 5, ratio: s.ratio, clients: s.clients.map((c) => `${c.namespace}/${c.name}`) };
    case 'dns-nxdomain':
      return { name: s.name, rate: s.rate, rcode: 3 };
    case 'policy-change':
      return {
        policy: `${s.policy.metadata.namespace}/${s.policy.metadata.name}`,
        policyTypes: s.policy.spec.policyTypes,
      };
    case 'lb-skew':
      return { weights: Object.fromEntries(f.pods.map((p, i) => [p.name, s.weights[i] ?? 1])) };
    case 'tcp-reset':
      return {
        role: s.role,
        peer: s.peer ? `${s.peer.namespace}/${s.peer.name}` : undefined,
        ratio: s.ratio,
      };
    case 'http-errors':
      return { status: s.status, ratio: s.ratio, paths: s.paths.length ? s.paths : undefined };
    case 'latency':
      return { factor: s.factor, addMs: s.add, ratio: s.ratio };
    case 'kafka-errors':
      return { errorCode: s.errorCode, topic: s.topic, ratio: s.ratio, noResponse: s.noResponse };
    case 'node-drops':
      return {
        reason: s.reason === 'NO_ROUTE' ? 'FIB_LOOKUP_FAILED' : s.reason,
        code: f.dropCode,
        ratio: s.ratio,
      };
    case 'traffic-surge':
      return { factor: s.factor };
  }
}

function clean(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Policy change points of the run (ns offsets), including 0 and the end. */
function policyBreaks(faults: RuntimeFault[], endNs: number): number[] {
  const pts = new Set<number>([0]);
  for (const f of faults)
    if (f.spec.kind === 'policy-change')
      for (const x of [f.fromNs, f.toNs]) if (x > 0 && x < endNs) pts.add(x);
  return [...pts].sort((a, b) => a - b);
}

function policyDenials(
  t: Topology,
  faults: RuntimeFault[],
  endNs: number,
  at: (ns: number) => string,
): TruthEntry[] {
  const state = new PolicyState(t, new FaultIndex(faults));
  const out: TruthEntry[] = [];
  const breaks = policyBreaks(faults, endNs);
  breaks.forEach((from, bi) => {
    const to = bi + 1 < breaks.length ? breaks[bi + 1] : endNs;
    for (const edge of t.edges) {
      const clients: Side[] = edge.externalClient
        ? edge.externalClient.spec.ips.map((ip) => ({ ip }))
        : edge.clients.map((p) => ({ pod: p, ip: p.ip }));
      const denied = new Map<string, { pods: Set<string>; deniedBy: string; policies: Set<string> }>();
      const check = (c: Side, s: Side, port: number, proto: 'TCP' | 'UDP', what: string) => {
        const d = state.decide(from, c, s, port, proto);
        if (d.allowed) return;
        const v = d.deniedBy === 'egress' ? d.egress : d.ingress;
        const e = denied.get(what) ?? {
          pods: new Set<string>(),
          deniedBy: d.deniedBy!,
          policies: new Set<string>(),
        };
        e.pods.add(c.pod ? c.pod.name : c.ip);
        for (const r of v.selectedBy) e.policies.add(`${r.namespace}/${r.name}`);
        denied.set(what, e);
      };
      for (const c of clients) {
        if (edge.resolve && c.pod)
          for (const d of t.dns.backends) check(c, { pod: d, ip: d.ip }, 53, 'UDP', 'dns');
        if (edge.target === 'external')
          for (const ip of edge.external!.spec.ips) check(c, { ip }, edge.port, edge.l4, 'traffic');
        else
          edge.backends.forEach((b, i) =>
            check(c, { pod: b, ip: b.ip }, edge.backendPorts[i], edge.l4, 'traffic'),
          );
      }
      for (const [what, e] of denied) {
        const from0 = edge.spec.from;
        out.push({
          kind: 'policy-denied',
          start: at(from),
          end: at(to),
          namespace: from0.kind === 'workload' ? from0.namespace : undefined,
          workload: from0.kind === 'workload' ? from0.name : undefined,
          pods: [...e.pods].sort(),
          details: {
            traffic: edge.spec.name,
            connection:
              what === 'dns'
                ? 'DNS lookups to kube-system/kube-dns'
                : `to ${edge.spec.to.kind === 'external' ? edge.spec.to.name : `${edge.spec.to.namespace}/${edge.spec.to.name}`} port ${edge.port}/${edge.l4}`,
            deniedBy: e.deniedBy,
            selectedBy: [...e.policies].sort(),
          },
        });
      }
    }
  });
  return out;
}

/**
 * The truth entries of a run of `topo` starting at `startMs` and lasting `durationNs`: faults
 * whose window overlaps the run (clipped to it), then policy denials per traffic edge.
 */
export function truthOf(topo: Topology, startMs: number, durationNs: number): TruthEntry[] {
  const faults = resolveFaults(topo);
  const endNs = Number.isFinite(durationNs)
    ? durationNs
    : Math.max(...faults.map((f) => (Number.isFinite(f.toNs) ? f.toNs : f.fromNs)), 0) + 3600e9;
  const at = (ns: number) => timeFromMillis(startMs + ns / 1e6);
  const out: TruthEntry[] = [];
  for (const f of faults) {
    if (f.fromNs >= endNs) continue;
    const pods = f.pods;
    const wls = workloadsOf(pods);
    const [ns, wl] = wls.length === 1 ? wls[0].split('/') : [pods[0]?.namespace, undefined];
    const entry: TruthEntry = {
      kind: f.spec.kind,
      start: at(f.fromNs),
      end: at(Math.min(f.toNs, endNs)),
      namespace: ns,
      workload: wl,
      pods: pods.map((p) => p.name),
      details: clean(details(f)),
    };
    if (wls.length > 1) entry.workloads = wls;
    if (f.node) entry.node = f.node.name;
    if (f.spec.description) entry.description = f.spec.description;
    if (f.spec.kind === 'policy-change') entry.namespace = f.spec.policy.metadata.namespace;
    out.push(entry);
  }
  return [...out, ...mergeAdjacent(policyDenials(topo, faults, endNs, at))];
}

/** Joins entries that only differ by their window when one ends where the next starts. */
function mergeAdjacent(entries: TruthEntry[]): TruthEntry[] {
  const out: TruthEntry[] = [];
  const open = new Map<string, TruthEntry>();
  for (const e of entries) {
    const key = JSON.stringify([e.kind, e.namespace, e.workload, e.pods, e.details]);
    const prev = open.get(key);
    if (prev && prev.end === e.start) prev.end = e.end;
    else {
      const copy = { ...e };
      open.set(key, copy);
      out.push(copy);
    }
  }
  return out;
}
