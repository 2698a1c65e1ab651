/**
 * The simulated cluster built from a scenario: nodes with pod CIDRs, pods placed on nodes with
 * IPs, MACs, endpoint IDs, security identities and their Hubble endpoint records, Services with
 * ClusterIPs and backends, and external endpoints. Building it also checks every reference in
 * the scenario and reports problems at their file position.
 */
import type { Endpoint, Service } from '../flow/index.js';
import { trustCanonicalEndpoint } from '../flow/json-codec.js';
import type { PodEndpoint } from '../policy/index.js';
import type { FieldPath } from '../policy/index.js';
import { errorAt, type Origin } from './source.js';
import { macFor, podNames, podTemplateHash, uniqueInRange } from './names.js';
import type {
  ContainerPortSpec,
  ExternalSpec,
  NamespaceSpec,
  Scenario,
  ServiceSpec,
  WorkloadSpec,
} from './schema.js';
import { withClusterDns } from './cluster-dns.js';
import { deepFreeze } from '../util/deep-freeze.js';
import { resolveEdges, type SimEdge } from './edges.js';

/** A simulated node. */
export interface SimNode {
  index: number;
  name: string;
  /** `node_name` as Hubble writes it (`cluster/node` unless the cluster is `default`). */
  flowName: string;
  ip: string;
  mac: string;
}

/** A simulated pod with everything flows need, precomputed. */
export interface SimPod {
  index: number;
  name: string;
  namespace: string;
  workload: WorkloadSpec;
  replica: number;
  node: SimNode;
  ip: string;
  mac: string;
  identity: number;
  endpointId: number;
  ports: ContainerPortSpec[];
  /** Hubble endpoint record as seen from the pod's own node (with `ID`). Frozen. */
  epLocal: Endpoint;
  /** Hubble endpoint record as seen from other nodes (no `ID`). Frozen. */
  epRemote: Endpoint;
  /** Frozen `ethernet` of packets delivered to the pod (node → pod) and leaving it (pod → node). */
  ethIn: { source: string; destination: string };
  ethOut: { source: string; destination: string };
  /** What the policy evaluator needs (includes labels Kubernetes adds, like pod-template-hash). */
  policy: PodEndpoint;
  /** Next ephemeral port (mutable per run; reset by the engine). */
  nextPort: number;
}

/** A simulated Service. */
export interface SimService {
  spec: ServiceSpec;
  key: string;
  clusterIP: string;
  fqdn: string;
  backends: SimPod[];
  /** The frozen `{name, namespace}` record for flows. */
  flow: Service;
}

/** A simulated external endpoint. */
export interface SimExternal {
  spec: ExternalSpec;
  /** FQDN with trailing dot, when it has one. */
  fqdn?: string;
}

/** The whole simulated cluster. */
export interface Topology {
  scenario: Scenario;
  nodes: SimNode[];
  nodeByName: Map<string, SimNode>;
  pods: SimPod[];
  podByName: Map<string, SimPod>;
  /** Pods by `namespace/workload`. */
  podsByWorkload: Map<string, SimPod[]>;
  workloads: Map<string, WorkloadSpec>;
  namespaces: Map<string, Record<string, string>>;
  services: Map<string, SimService>;
  /** Services by FQDN with trailing dot. */
  serviceByFqdn: Map<string, SimService>;
  externals: Map<string, SimExternal>;
  externalByFqdn: Map<string, SimExternal>;
  /** The cluster DNS Service (kube-system/kube-dns) and its pods. */
  dns: SimService;
  edges: SimEdge[];
}

/**
 * Deep-freezes an endpoint and, being canonical, registers it as a shared endpoint (as the flow
 * log parser and the gRPC decoder register the ones they share): the ring then keeps this very
 * object as its fragment and finds it by identity, instead of comparing its labels for every flow
 * (bench/ring.ts sim).
 */
function shared(ep: Endpoint): Endpoint {
  deepFreeze(ep);
  trustCanonicalEndpoint(ep);
  return ep;
}

/** Endpoint record of the world (reserved identity 2). Frozen and shared. */
export const WORLD_ENDPOINT: Endpoint = shared({
  identity: 2,
  labels: ['reserved:world'],
});

function identityLabels(pod: {
  labels: Record<string, string>;
  namespace: string;
  sa: string;
  nsLabels: Record<string, string>;
  cluster: string;
}): string[] {
  const out = Object.entries(pod.labels).map(([k, v]) => `k8s:${k}=${v}`);
  for (const [k, v] of Object.entries(pod.nsLabels)) out.push(`k8s:io.cilium.k8s.namespace.labels.${k}=${v}`);
  out.push(
    `k8s:io.cilium.k8s.policy.cluster=${pod.cluster}`,
    `k8s:io.cilium.k8s.policy.serviceaccount=${pod.sa}`,
    `k8s:io.kubernetes.pod.namespace=${pod.namespace}`,
  );
  return out.sort();
}

function checkUnique<T extends { origin?: Origin }>(
  items: T[],
  key: (t: T) => string,
  what: string,
  field: FieldPath = ['name'],
): Map<string, T> {
  const m = new Map<string, T>();
  for (const it of items) {
    const k = key(it);
    if (m.has(k) && it.origin) throw errorAt(it.origin, field, `duplicate ${what} "${k}"`);
    m.set(k, it);
  }
  return m;
}

function buildNodes(s: Scenario): SimNode[] {
  checkUnique(s.nodes, (n) => n.name, 'node');
  return s.nodes.map((n, i) => ({
    index: i,
    name: n.name,
    flowName: s.cluster.name === 'default' ? n.name : `${s.cluster.name}/${n.name}`,
    ip: `10.224.0.${4 + i}`,
    mac: macFor(`node/${n.name}`),
  }));
}

function buildPods(
  s: Scenario,
  nodes: SimNode[],
  namespaces: Map<string, Record<string, string>>,
  workloads: WorkloadSpec[],
): SimPod[] {
  const [a, b] = s.cluster.podCIDR.split('.');
  const usedHosts = nodes.map(() => new Set<number>([0, 1, 255]));
  const usedEpIds = nodes.map(() => new Set<number>());
  const identities = new Map<string, number>();
  const usedIdentities = new Set<number>();
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  const pods: SimPod[] = [];
  for (const w of workloads) {
    const allowed =
      w.nodes?.map((n, i) => {
        const node = nodeByName.get(n);
        if (!node)
          throw errorAt(
            w.origin!,
            ['nodes', i],
            `unknown node "${n}"; expected one of: ${[...nodeByName.keys()].join(', ')}`,
            { code: 'SCENARIO_REFERENCE' },
          );
        return node;
      }) ?? nodes;
    const count = w.kind === 'DaemonSet' ? allowed.length : w.replicas;
    const names = podNames(w.kind, w.namespace, w.name, count);
    const nsLabels = namespaces.get(w.namespace)!;
    const offset = allowed.length > 0 ? (names[0] ?? w.name).length % allowed.length : 0;
    for (let r = 0; r < count; r++) {
      const node = w.kind === 'DaemonSet' ? allowed[r] : allowed[(r + offset) % allowed.length];
      const name = names[r];
      const host = uniqueInRange(`ip/${w.namespace}/${name}`, 2, 254, usedHosts[node.index]);
      const labels = identityLabels({
        labels: w.labels,
        namespace: w.namespace,
        sa: w.serviceAccount,
        nsLabels,
        cluster: s.cluster.name,
      });
      const idKey = labels.join(',');
      let identity = identities.get(idKey);
      if (identity === undefined)
        identities.set(idKey, (identity = uniqueInRange(`id/${idKey}`, 10000, 59999, usedIdentities)));
      const endpointId = uniqueInRange(`ep/${w.namespace}/${name}`, 100, 4000, usedEpIds[node.index]);
      const base: Endpoint = {
        identity,
        namespace: w.namespace,
        labels,
        pod_name: name,
        workloads: [{ name: w.name, kind: w.kind }],
      };
      const k8sLabels: Record<string, string> = { ...w.labels };
      if (w.kind === 'Deployment') k8sLabels['pod-template-hash'] = podTemplateHash(w.namespace, w.name);
      if (w.kind === 'StatefulSet')
        Object.assign(k8sLabels, {
          'statefulset.kubernetes.io/pod-name': name,
          'apps.kubernetes.io/pod-index': String(r),
        });
      const ip = `${a}.${b}.${node.index}.${host}`;
      const mac = macFor(`pod/${w.namespace}/${name}`);
      pods.push({
        index: pods.length,
        name,
        namespace: w.namespace,
        workload: w,
        replica: r,
        node,
        ip,
        mac,
        ethIn: Object.freeze({ source: node.mac, destination: mac }),
        ethOut: Object.freeze({ source: mac, destination: node.mac }),
        identity,
        endpointId,
        ports: w.ports,
        epLocal: shared({ ID: endpointId, ...base }),
        epRemote: shared({ ...base }),
        policy: Object.freeze({
          kind: 'pod',
          namespace: w.namespace,
          labels: Object.freeze(k8sLabels),
          namespaceLabels: nsLabels,
          ip,
          ports: w.ports
            .filter((p) => p.name)
            .map((p) => ({ name: p.name!, port: p.port, protocol: p.protocol })),
          name: `${w.namespace}/${name}`,
        }) as PodEndpoint,
        nextPort: 32768,
      });
    }
  }
  return pods;
}

function buildServices(s: Scenario, services: ServiceSpec[], pods: SimPod[]): Map<string, SimService> {
  const [a, b] = s.cluster.serviceCIDR.split('.');
  const used = new Set<number>([0, 1, 10]);
  const out = new Map<string, SimService>();
  for (const svc of services) {
    const key = `${svc.namespace}/${svc.name}`;
    let clusterIP = svc.clusterIP;
    if (!clusterIP) {
      const n = key === 'kube-system/kube-dns' ? 10 : uniqueInRange(`svc/${key}`, 256, 65000, used);
      clusterIP = `${a}.${b}.${n >> 8}.${n & 255}`;
    }
    const backends = pods.filter(
      (p) =>
        p.namespace === svc.namespace &&
        Object.entries(svc.selector).every(([k, v]) => p.workload.labels[k] === v),
    );
    svc.ports.forEach((sp, i) => {
      if (typeof sp.targetPort !== 'string') return;
      const missing = backends.find((p) => !p.ports.some((cp) => cp.name === sp.targetPort));
      if (missing)
        throw errorAt(
          svc.origin!,
          ['ports', i, 'targetPort'],
          `pod ${missing.name} has no container port named "${sp.targetPort}"`,
          { code: 'SCENARIO_REFERENCE' },
        );
    });
    out.set(key, {
      spec: svc,
      key,
      clusterIP,
      fqdn: `${svc.name}.${svc.namespace}.svc.${s.cluster.domain}.`,
      backends,
      flow: Object.freeze({ name: svc.name, namespace: svc.namespace }),
    });
  }
  return out;
}

/**
 * Builds the cluster of a scenario. Throws a located ScenarioError when the scenario refers to
 * something that does not exist (a workload, service, node, port name, …).
 */
export function buildTopology(scenario: Scenario): Topology {
  const { namespaces: nsSpecs, workloads: wSpecs, services: sSpecs } = withClusterDns(scenario);
  const nodes = buildNodes(scenario);
  const namespaces = new Map<string, Record<string, string>>();
  checkUnique(nsSpecs, (n: NamespaceSpec) => n.name, 'namespace');
  for (const ns of nsSpecs)
    namespaces.set(ns.name, Object.freeze({ ...ns.labels, 'kubernetes.io/metadata.name': ns.name }));
  for (const w of wSpecs)
    if (!namespaces.has(w.namespace))
      namespaces.set(w.namespace, Object.freeze({ 'kubernetes.io/metadata.name': w.namespace }));
  const workloads = checkUnique(wSpecs, (w) => `${w.namespace}/${w.name}`, 'workload');
  checkUnique(sSpecs, (x) => `${x.namespace}/${x.name}`, 'service');
  const externalsList = checkUnique(scenario.external, (e) => e.name, 'external endpoint');
  checkUnique(scenario.policies, (p) => `${p.metadata.namespace}/${p.metadata.name}`, 'policy', [
    'metadata',
    'name',
  ]);
  const pods = buildPods(scenario, nodes, namespaces, wSpecs);
  const podsByWorkload = new Map<string, SimPod[]>();
  for (const p of pods) {
    const k = `${p.namespace}/${p.workload.name}`;
    podsByWorkload.set(k, [...(podsByWorkload.get(k) ?? []), p]);
  }
  const services = buildServices(scenario, sSpecs, pods);
  const externals = new Map<string, SimExternal>();
  for (const [name, spec] of externalsList)
    externals.set(name, { spec, fqdn: spec.fqdn ? `${spec.fqdn}.` : undefined });
  const topo: Topology = {
    scenario,
    nodes,
    nodeByName: new Map(nodes.map((n) => [n.name, n])),
    pods,
    podByName: new Map(pods.map((p) => [`${p.namespace}/${p.name}`, p])),
    podsByWorkload,
    workloads,
    namespaces,
    services,
    serviceByFqdn: new Map([...services.values()].map((s) => [s.fqdn, s])),
    externals,
    externalByFqdn: new Map([...externals.values()].filter((e) => e.fqdn).map((e) => [e.fqdn!, e])),
    dns: services.get('kube-system/kube-dns')!,
    edges: [],
  };
  topo.edges = resolveEdges(topo);
  return topo;
}
