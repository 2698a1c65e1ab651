/**
 * The IP → endpoint index the agent enriches flows with: pods (namespace, labels, workload,
 * identity), Services (ClusterIPs), nodes and namespaces, kept up to date from a topology file
 * or from the Kubernetes API. Endpoint records are built once per object change and shared
 * (frozen) by every flow that uses them.
 *
 * Identity labels follow Cilium: `k8s:<pod label>`, `k8s:io.kubernetes.pod.namespace=<ns>`,
 * `k8s:io.cilium.k8s.namespace.labels.<key>=<value>`, `k8s:io.cilium.k8s.policy.serviceaccount`,
 * `k8s:io.cilium.k8s.policy.cluster=default`; labels Cilium leaves out of identities
 * (pod-template-hash, controller-revision-hash, …) are left out too. Numeric identities are a
 * stable hash of the label set into the cluster range 256–65535 (no Cilium to allocate them).
 */
import type { Endpoint, Service, Workload } from '../../flow/index.js';

/** A pod as the index needs it (what the Kubernetes API or a topology file gives). */
export interface PodInfo {
  name: string;
  namespace: string;
  ips: string[];
  labels?: Record<string, string>;
  ownerReferences?: Array<{ kind: string; name: string; controller?: boolean }>;
  /** Explicit workload, when the file gives one instead of owner references. */
  workload?: Workload;
  serviceAccount?: string;
  nodeName?: string;
  hostNetwork?: boolean;
}

/** A Service: ClusterIPs map to it. */
export interface ServiceInfo {
  name: string;
  namespace: string;
  clusterIPs: string[];
  selector?: Record<string, string>;
}

/** A namespace and its labels. */
export interface NamespaceInfo {
  name: string;
  labels?: Record<string, string>;
}

/** A node and its addresses. */
export interface NodeInfo {
  name: string;
  ips: string[];
}

/** What an IP resolves to. */
export interface ResolvedEndpoint {
  kind: 'pod' | 'host' | 'remote-node' | 'service' | 'world';
  endpoint: Endpoint;
  /** The Service of a ClusterIP. */
  service?: Service;
}

/** Labels Cilium excludes from identities by default. */
const IGNORED_LABEL =
  /^(pod-template-hash|controller-revision-hash|pod-template-generation|statefulset\.kubernetes\.io\/pod-name|batch\.kubernetes\.io\/controller-uid|controller-uid|job-name|batch\.kubernetes\.io\/job-name|apps\.kubernetes\.io\/pod-index)$/;

const WORLD: ResolvedEndpoint = Object.freeze({
  kind: 'world',
  endpoint: Object.freeze({ identity: 2, labels: ['reserved:world'] }),
}) as ResolvedEndpoint;

/** FNV-1a 32-bit. */
function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The controller of a pod as Cilium reports it (ReplicaSet of a Deployment → Deployment, …). */
export function workloadOf(p: PodInfo): Workload | undefined {
  if (p.workload?.name) return { name: p.workload.name, kind: p.workload.kind ?? 'Deployment' };
  const owner = p.ownerReferences?.find((o) => o.controller !== false) ?? p.ownerReferences?.[0];
  if (!owner) return undefined;
  const hash = p.labels?.['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith('-' + hash))
    return { name: owner.name.slice(0, -hash.length - 1), kind: 'Deployment' };
  if (owner.kind === 'Job') {
    const m = /^(.*)-\d{8,10}$/.exec(owner.name);
    if (m) return { name: m[1], kind: 'CronJob' };
  }
  return { name: owner.name, kind: owner.kind };
}

/** The IP index. Mutations bump `version`. */
export class TopologyIndex {
  /** This node's name: pods on other nodes get no endpoint ID and their node IPs are remote-node. */
  nodeName: string | undefined;
  version = 0;
  private readonly pods = new Map<string, PodInfo>();
  private readonly services = new Map<string, ServiceInfo>();
  private readonly namespaces = new Map<string, NamespaceInfo>();
  private readonly nodes = new Map<string, NodeInfo>();
  private byIp = new Map<string, ResolvedEndpoint>();
  private dirty = true;

  constructor(nodeName?: string) {
    this.nodeName = nodeName;
  }

  upsertPod(p: PodInfo): void {
    this.pods.set(`${p.namespace}/${p.name}`, p);
    this.touch();
  }
  deletePod(namespace: string, name: string): void {
    if (this.pods.delete(`${namespace}/${name}`)) this.touch();
  }
  upsertService(s: ServiceInfo): void {
    this.services.set(`${s.namespace}/${s.name}`, s);
    this.touch();
  }
  deleteService(namespace: string, name: string): void {
    if (this.services.delete(`${namespace}/${name}`)) this.touch();
  }
  upsertNamespace(n: NamespaceInfo): void {
    this.namespaces.set(n.name, n);
    this.touch();
  }
  deleteNamespace(name: string): void {
    if (this.namespaces.delete(name)) this.touch();
  }
  upsertNode(n: NodeInfo): void {
    this.nodes.set(n.name, n);
    this.touch();
  }
  deleteNode(name: string): void {
    if (this.nodes.delete(name)) this.touch();
  }

  /** Replaces everything at once (a reloaded topology file). */
  replace(t: {
    pods: PodInfo[];
    services: ServiceInfo[];
    namespaces: NamespaceInfo[];
    nodes: NodeInfo[];
    nodeName?: string;
  }): void {
    this.pods.clear();
    this.services.clear();
    this.namespaces.clear();
    this.nodes.clear();
    for (const p of t.pods) this.pods.set(`${p.namespace}/${p.name}`, p);
    for (const s of t.services) this.services.set(`${s.namespace}/${s.name}`, s);
    for (const n of t.namespaces) this.namespaces.set(n.name, n);
    for (const n of t.nodes) this.nodes.set(n.name, n);
    if (t.nodeName) this.nodeName = t.nodeName;
    this.touch();
  }

  /** Counts, for status output. */
  counts(): { pods: number; services: number; namespaces: number; nodes: number } {
    return {
      pods: this.pods.size,
      services: this.services.size,
      namespaces: this.namespaces.size,
      nodes: this.nodes.size,
    };
  }

  private touch(): void {
    this.version++;
    this.dirty = true;
  }

  /** What an IP address is; `world` when unknown. */
  resolve(ip: string): ResolvedEndpoint {
    if (this.dirty) this.rebuild();
    return this.byIp.get(ip) ?? WORLD;
  }

  /** True when the IP is a known pod on this node (or on an unnamed node). */
  isLocalPod(ip: string): boolean {
    const r = this.resolve(ip);
    return r.kind === 'pod' && r.endpoint.ID !== undefined;
  }

  private rebuild(): void {
    const m = new Map<string, ResolvedEndpoint>();
    for (const n of this.nodes.values()) {
      const local = this.nodeName === undefined || n.name === this.nodeName;
      const ep: Endpoint = local
        ? { identity: 1, labels: ['reserved:host'] }
        : { identity: 6, labels: ['reserved:remote-node'] };
      for (const ip of n.ips)
        m.set(
          ip,
          Object.freeze({
            kind: local ? 'host' : 'remote-node',
            endpoint: Object.freeze(ep),
          }) as ResolvedEndpoint,
        );
    }
    for (const p of this.pods.values()) {
      if (p.hostNetwork) continue;
      const ep = Object.freeze(this.podEndpoint(p));
      for (const ip of p.ips) m.set(ip, Object.freeze({ kind: 'pod', endpoint: ep }) as ResolvedEndpoint);
    }
    for (const s of this.services.values()) {
      const svc = Object.freeze({ name: s.name, namespace: s.namespace });
      for (const ip of s.clusterIPs) {
        if (!ip || ip === 'None') continue;
        m.set(
          ip,
          Object.freeze({
            kind: 'service',
            endpoint: Object.freeze({ identity: 2, labels: ['reserved:world'] }),
            service: svc,
          }) as ResolvedEndpoint,
        );
      }
    }
    this.byIp = m;
    this.dirty = false;
  }

  private podEndpoint(p: PodInfo): Endpoint {
    const labels: string[] = [];
    for (const [k, v] of Object.entries(p.labels ?? {}))
      if (!IGNORED_LABEL.test(k)) labels.push(`k8s:${k}=${v}`);
    labels.push(`k8s:io.kubernetes.pod.namespace=${p.namespace}`);
    labels.push('k8s:io.cilium.k8s.policy.cluster=default');
    labels.push(`k8s:io.cilium.k8s.policy.serviceaccount=${p.serviceAccount ?? 'default'}`);
    for (const [k, v] of Object.entries(this.namespaces.get(p.namespace)?.labels ?? {}))
      labels.push(`k8s:io.cilium.k8s.namespace.labels.${k}=${v}`);
    labels.sort();
    const identity = 256 + (fnv(labels.join(';')) % (65536 - 256));
    const ep: Endpoint = { identity, namespace: p.namespace, labels, pod_name: p.name };
    const local = this.nodeName === undefined || p.nodeName === undefined || p.nodeName === this.nodeName;
    if (local) ep.ID = 1 + (fnv(`${p.namespace}/${p.name}`) % 4095);
    const wl = workloadOf(p);
    if (wl) ep.workloads = [wl];
    // Key order as Hubble writes an Endpoint: ID, identity, namespace, labels, pod_name, workloads.
    const out: Endpoint = {};
    if (ep.ID !== undefined) out.ID = ep.ID;
    Object.assign(out, { identity, namespace: p.namespace, labels, pod_name: p.name });
    if (ep.workloads) out.workloads = ep.workloads;
    return out;
  }
}
