/**
 * NetworkPolicy enforcement for a run: the scenario's policies plus those switched on and off by
 * `policy-change` faults, judged by the pure evaluator in src/policy. Decisions are cached per
 * policy-set version and connection key, since pods and ports repeat endlessly.
 */
import {
  compilePolicies,
  evaluate,
  type NetworkPolicy,
  type PolicyDecision,
  type PolicyEndpoint,
  type PolicySet,
} from '../policy/index.js';
import type { FaultIndex } from './faults.js';
import type { Side } from './flow-factory.js';
import type { Topology } from './topology.js';

interface Version {
  set: PolicySet;
  cache: Map<string, PolicyDecision>;
}

/** Answers "is this new connection allowed?" at any time of the run. */
export class PolicyState {
  private readonly versions = new Map<string, Version>();
  private readonly changes;
  private readonly base: NetworkPolicy[];

  constructor(topo: Topology, faults: FaultIndex) {
    this.base = topo.scenario.policies;
    this.changes = faults.all.filter((f) => f.spec.kind === 'policy-change');
  }

  private version(tNs: number): Version {
    let key = '';
    for (const f of this.changes) key += tNs >= f.fromNs && tNs < f.toNs ? '1' : '0';
    let v = this.versions.get(key);
    if (!v) {
      const byName = new Map<string, NetworkPolicy>();
      for (const p of this.base) byName.set(`${p.metadata.namespace}/${p.metadata.name}`, p);
      this.changes.forEach((f, i) => {
        if (key[i] !== '1' || f.spec.kind !== 'policy-change') return;
        const p = f.spec.policy;
        byName.set(`${p.metadata.namespace}/${p.metadata.name}`, p); // applying replaces a policy of the same name
      });
      v = { set: compilePolicies([...byName.values()]), cache: new Map() };
      this.versions.set(key, v);
    }
    return v;
  }

  /** The policies in force at `tNs`. */
  policiesAt(tNs: number): readonly NetworkPolicy[] {
    return this.version(tNs).set.policies;
  }

  /** The evaluator's decision for a new connection from `client` to `server` at `tNs`. */
  decide(tNs: number, client: Side, server: Side, port: number, protocol: 'TCP' | 'UDP'): PolicyDecision {
    const v = this.version(tNs);
    const key = `${client.pod ? client.pod.index : client.ip}|${server.pod ? server.pod.index : server.ip}|${port}|${protocol}`;
    let d = v.cache.get(key);
    if (!d) {
      d = evaluate(v.set, { source: endpointOf(client), destination: endpointOf(server), protocol, port });
      v.cache.set(key, d);
    }
    return d;
  }
}

function endpointOf(side: Side): PolicyEndpoint {
  return side.pod ? side.pod.policy : { kind: 'external', ip: side.ip, name: side.ip };
}
