/**
 * Faults at run time: each scenario fault resolved against the topology (its pods, node, time
 * window in run nanoseconds) and queried by the generators. Resolution also validates the
 * fault's references and reports them at their file position.
 */
import { matchesSelector } from '../policy/index.js';
import { errorAt } from './source.js';
import type { FaultSpec, WorkloadRef } from './schema.js';
import type { SimNode, SimPod, Topology } from './topology.js';
import { NODE_DROP_REASONS } from './validate-faults.js';

/** A fault with its references resolved. */
export interface RuntimeFault {
  spec: FaultSpec;
  index: number;
  fromNs: number;
  toNs: number;
  /** Pods the fault acts on (its workload's pods, or the listed ones). */
  pods: SimPod[];
  podSet: Set<SimPod>;
  node?: SimNode;
  /** Drop code of a node-drops fault. */
  dropCode?: number;
  /** Compiled DNS name globs (empty: every name outside the cluster domain). */
  names?: RegExp[];
  /** Client pods a dns-refused fault is limited to (empty: all). */
  clientSet?: Set<SimPod>;
  peerKey?: string;
}

function globToRegExp(g: string): RegExp {
  const s = g.endsWith('.') ? g : `${g}.`;
  return new RegExp(`^${s.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^.]*')}$`);
}

function workloadPods(t: Topology, f: FaultSpec, ref: WorkloadRef, field: string): SimPod[] {
  const key = `${ref.namespace}/${ref.name}`;
  if (!t.workloads.has(key)) {
    if (f.origin)
      throw errorAt(
        f.origin,
        [field],
        `unknown workload "${key}"; expected one of: ${[...t.workloads.keys()].join(', ')}`,
        { code: 'SCENARIO_REFERENCE' },
      );
    throw new Error(`fault ${f.kind}: unknown workload ${key}`);
  }
  return t.podsByWorkload.get(key) ?? [];
}

function fail(f: FaultSpec, path: Array<string | number>, msg: string): never {
  if (f.origin) throw errorAt(f.origin, path, msg, { code: 'SCENARIO_REFERENCE' });
  throw new Error(`fault ${f.kind}: ${msg}`);
}

/** Resolves one fault; `end` is the run length in ns (for faults without `to`). */
function resolveFault(t: Topology, f: FaultSpec, index: number): RuntimeFault {
  const rf: RuntimeFault = {
    spec: f,
    index,
    fromNs: f.from * 1e6,
    toNs: f.to === undefined ? Infinity : f.to * 1e6,
    pods: [],
    podSet: new Set(),
  };
  switch (f.kind) {
    case 'dns-upstream-down':
    case 'dns-a-fail':
      rf.names = f.names.map(globToRegExp);
      rf.pods = t.dns.backends;
      break;
    case 'dns-refused':
      rf.pods = t.dns.backends;
      rf.clientSet = new Set(f.clients.flatMap((c, i) => workloadPods(t, f, c, `clients[${i}]`)));
      break;
    case 'dns-nxdomain':
      rf.pods = workloadPods(t, f, f.workload, 'workload');
      break;
    case 'policy-change':
      rf.pods = t.pods.filter(
        (p) =>
          p.namespace === f.policy.metadata.namespace &&
          p.policy.kind === 'pod' &&
          matchesSelector(f.policy.spec.podSelector, p.policy.labels),
      );
      break;
    case 'lb-skew': {
      rf.pods = workloadPods(t, f, f.workload, 'workload');
      if (f.weights.length > rf.pods.length)
        fail(
          f,
          ['weights'],
          `${f.weights.length} weights for ${rf.pods.length} replicas of ${f.workload.namespace}/${f.workload.name}`,
        );
      break;
    }
    case 'tcp-reset': {
      const all = workloadPods(t, f, f.workload, 'workload');
      rf.pods =
        f.pods.length === 0
          ? all
          : f.pods.map(
              (p, i) =>
                (typeof p === 'number' ? all[p] : all.find((x) => x.name === p)) ??
                fail(
                  f,
                  ['pods', i],
                  `workload ${f.workload.namespace}/${f.workload.name} has no pod ${JSON.stringify(p)}; it has ${all.map((x) => x.name).join(', ')}`,
                ),
            );
      if (f.peer) {
        workloadPods(t, f, f.peer, 'peer');
        rf.peerKey = `${f.peer.namespace}/${f.peer.name}`;
      }
      break;
    }
    case 'http-errors':
    case 'latency':
    case 'kafka-errors':
    case 'traffic-surge':
      rf.pods = workloadPods(t, f, f.workload, 'workload');
      break;
    case 'node-drops': {
      const node =
        t.nodeByName.get(f.node) ??
        fail(
          f,
          ['node'],
          `unknown node "${f.node}"; expected one of: ${[...t.nodeByName.keys()].join(', ')}`,
        );
      rf.node = node;
      rf.dropCode = NODE_DROP_REASONS[f.reason];
      rf.pods = t.pods.filter((p) => p.node === node);
      break;
    }
  }
  rf.podSet = new Set(rf.pods);
  return rf;
}

/** Resolves all faults of a topology's scenario (validating their references). */
export function resolveFaults(t: Topology): RuntimeFault[] {
  return t.scenario.faults.map((f, i) => resolveFault(t, f, i));
}

/** Whether a fault is on at run offset `tNs`. */
export function isActive(f: RuntimeFault, tNs: number): boolean {
  return tNs >= f.fromNs && tNs < f.toNs;
}

/** Faults of one kind, for quick lookups by the generators. */
export class FaultIndex {
  private readonly byKind = new Map<string, RuntimeFault[]>();

  constructor(readonly all: RuntimeFault[]) {
    for (const f of all) {
      const k = f.spec.kind;
      this.byKind.set(k, [...(this.byKind.get(k) ?? []), f]);
    }
  }

  /** Active faults of `kind` at `tNs`. */
  active<K extends FaultSpec['kind']>(
    kind: K,
    tNs: number,
  ): Array<RuntimeFault & { spec: Extract<FaultSpec, { kind: K }> }> {
    const list = this.byKind.get(kind);
    if (!list) return [];
    const out: RuntimeFault[] = [];
    for (const f of list) if (tNs >= f.fromNs && tNs < f.toNs) out.push(f);
    return out as Array<RuntimeFault & { spec: Extract<FaultSpec, { kind: K }> }>;
  }

  /** Whether any fault of `kind` exists at all (to skip lookups on the hot path). */
  has(kind: FaultSpec['kind']): boolean {
    return this.byKind.has(kind);
  }
}
