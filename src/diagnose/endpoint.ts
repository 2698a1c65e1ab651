/**
 * Who a flow endpoint is, at the granularity diagnosis reasons about: namespace, workload and
 * pod for pods; a reserved name (`world`, `host`, `remote-node`, ...) for everything else.
 * The registry interns endpoints (one object per pod) and remembers when each pod was seen, so
 * rules can tell which replicas of a workload were alive.
 */
import type { Endpoint } from '../flow/index.js';

/** What an endpoint is. */
export type EndpointKind = 'pod' | 'world' | 'host' | 'reserved' | 'unknown';

/** An interned endpoint. */
export interface EndpointInfo {
  /** `ns/pod` for pods, `~name` otherwise. */
  readonly key: string;
  /** `ns/workload` for pods, `~name` otherwise: the workload-level key. */
  readonly workloadKey: string;
  readonly kind: EndpointKind;
  readonly namespace: string;
  readonly workload: string;
  readonly pod?: string;
}

const RESERVED_BY_IDENTITY: Record<number, string> = {
  1: 'host',
  2: 'world',
  3: 'unmanaged',
  4: 'health',
  5: 'init',
  6: 'remote-node',
  7: 'kube-apiserver',
  8: 'ingress',
  9: 'world',
  10: 'world',
};

// Kubernetes' random name suffix alphabet (no vowels, no 0/1/3), for pods without `workloads`.
const RS_POD = /^(.+)-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/;
const STS_POD = /^(.+)-\d+$/;
const DS_POD = /^(.+)-[bcdfghjklmnpqrstvwxz2456789]{5}$/;

/**
 * The workload a pod belongs to: the flow's `workloads[0].name` when present, else guessed
 * from the pod name (Deployment `name-<hash>-<id>`, StatefulSet `name-<n>`, DaemonSet/Job
 * `name-<id>`), else the pod name itself.
 */
export function workloadFromPodName(pod: string): string {
  const m = RS_POD.exec(pod) ?? STS_POD.exec(pod) ?? DS_POD.exec(pod);
  return m ? m[1] : pod;
}

function reservedName(ep: Endpoint | undefined): { kind: EndpointKind; name: string } {
  const labels = ep?.labels;
  if (labels) {
    for (const l of labels) {
      if (!l.startsWith('reserved:')) continue;
      const name = l.slice(9);
      if (name === 'world' || name === 'world-ipv4' || name === 'world-ipv6')
        return { kind: 'world', name: 'world' };
      if (name === 'host') return { kind: 'host', name: 'host' };
      return { kind: 'reserved', name };
    }
  }
  const byId = ep?.identity !== undefined ? RESERVED_BY_IDENTITY[ep.identity] : undefined;
  if (byId) return { kind: byId === 'world' ? 'world' : byId === 'host' ? 'host' : 'reserved', name: byId };
  if (labels?.some((l) => l.startsWith('cidr:') || l.startsWith('fqdn:')))
    return { kind: 'world', name: 'world' };
  return { kind: 'unknown', name: 'unknown' };
}

/** Pod liveness: first and last time bucket a pod was seen in any flow. */
export interface PodSeen {
  first: number;
  last: number;
  flows: number;
}

/** Interns endpoints and tracks the pods of every workload. */
export class EndpointRegistry {
  private readonly byPod = new Map<string, EndpointInfo>();
  private readonly byNsPod = new Map<string, Map<string, EndpointInfo>>();
  private readonly seenOf = new Map<EndpointInfo, PodSeen>();
  private readonly byName = new Map<string, EndpointInfo>();
  /** workloadKey → pod key → liveness. */
  readonly podsOf = new Map<string, Map<string, PodSeen>>();
  /** pod key → node names it was observed on (as the local endpoint). */
  readonly nodeOf = new Map<string, string>();

  /** The endpoint of one side of a flow; `bucket` records liveness. */
  resolve(ep: Endpoint | undefined, bucket: number, weight: number): EndpointInfo {
    const ns = ep?.namespace;
    const pod = ep?.pod_name;
    if (ns && pod) {
      // Two-level lookup: no key string is built for pods already seen.
      let inNs = this.byNsPod.get(ns);
      if (!inNs) this.byNsPod.set(ns, (inNs = new Map()));
      let info = inNs.get(pod);
      if (!info) {
        const key = ns + '/' + pod;
        info = this.byPod.get(key);
        if (!info) {
          const wl = ep.workloads?.[0]?.name || workloadFromPodName(pod);
          info = { key, workloadKey: ns + '/' + wl, kind: 'pod', namespace: ns, workload: wl, pod };
          this.byPod.set(key, info);
        }
        inNs.set(pod, info);
      }
      this.seen(info, bucket, weight);
      return info;
    }
    const r = reservedName(ep);
    // A namespaced endpoint without pod name (rare): treat its namespace as the workload scope.
    const name = ns && r.kind === 'unknown' ? `${ns}` : r.name;
    const key = '~' + name;
    let info = this.byName.get(key);
    if (!info) {
      info = { key, workloadKey: key, kind: r.kind, namespace: ns ?? '', workload: name };
      this.byName.set(key, info);
    }
    return info;
  }

  private seen(info: EndpointInfo, bucket: number, weight: number): void {
    const s = this.seenOf.get(info);
    if (!s) {
      let pods = this.podsOf.get(info.workloadKey);
      if (!pods) this.podsOf.set(info.workloadKey, (pods = new Map()));
      let ps = pods.get(info.key);
      if (!ps) pods.set(info.key, (ps = { first: bucket, last: bucket, flows: 0 }));
      ps.flows += weight;
      this.seenOf.set(info, ps);
    } else {
      if (bucket < s.first) s.first = bucket;
      if (bucket > s.last) s.last = bucket;
      s.flows += weight;
    }
  }

  /** The interned endpoint of a pod key, if seen. */
  pod(key: string): EndpointInfo | undefined {
    return this.byPod.get(key);
  }

  /** Splits a workload key back into namespace and workload. */
  static splitWorkloadKey(wk: string): { namespace: string; workload: string } {
    if (wk.startsWith('~')) return { namespace: '', workload: wk.slice(1) };
    const i = wk.indexOf('/');
    return { namespace: wk.slice(0, i), workload: wk.slice(i + 1) };
  }

  /** Pod name from a pod key (`ns/pod`). */
  static podName(podKey: string): string {
    return podKey.slice(podKey.indexOf('/') + 1);
  }

  merge(o: EndpointRegistry): void {
    for (const [k, v] of o.byPod) if (!this.byPod.has(k)) this.byPod.set(k, v);
    for (const [k, v] of o.byName) if (!this.byName.has(k)) this.byName.set(k, v);
    for (const [wk, pods] of o.podsOf) {
      let mine = this.podsOf.get(wk);
      if (!mine) this.podsOf.set(wk, (mine = new Map()));
      for (const [pk, s] of pods) {
        const m = mine.get(pk);
        if (!m) mine.set(pk, { ...s });
        else {
          m.first = Math.min(m.first, s.first);
          m.last = Math.max(m.last, s.last);
          m.flows += s.flows;
        }
      }
    }
    for (const [k, v] of o.nodeOf) if (!this.nodeOf.has(k)) this.nodeOf.set(k, v);
  }
}
