/**
 * The connection a flow (or a command line) asks about, with both endpoints described for both
 * policy engines: the Kubernetes evaluator's PodEndpoint and Cilium's label view. Namespace
 * labels come from the flow (Cilium's `k8s:io.cilium.k8s.namespace.labels.*` labels) and from
 * Namespace manifests in the catalog; named ports from workload manifests in the catalog.
 */
import type { Endpoint, Flow } from '../flow/index.js';
import { portsOfPod, type PolicyCatalog } from './catalog.js';
import type { CiliumEndpoint } from './cilium.js';
import { policyEndpointFromFlow } from './from-flow.js';
import type { PolicyEndpoint, QueryProtocol } from './types.js';

/** One side of a connection. */
export interface ConnectionEnd {
  k8s: PolicyEndpoint;
  cilium: CiliumEndpoint;
  /** `ns/pod`, `ns/workload` or an IP, for messages. */
  display: string;
  /** Workload name, when known (for proposals). */
  workload?: string;
}

/** A new connection: who opens it, to whom, on which protocol and destination port. */
export interface Connection {
  source: ConnectionEnd;
  destination: ConnectionEnd;
  protocol: QueryProtocol;
  port: number;
  /** The flow it came from, when it came from one. */
  uuid?: string;
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
  9: 'world-ipv4',
  10: 'world-ipv6',
};
const NS_PREFIX = 'k8s:io.cilium.k8s.namespace.labels.';

/** Describes one flow endpoint for both policy engines. */
export function endFromFlow(
  catalog: PolicyCatalog | undefined,
  ep: Endpoint | undefined,
  ip: string | undefined,
  extra: { names?: string[]; service?: { name?: string; namespace?: string } } = {},
): ConnectionEnd {
  const k8s = policyEndpointFromFlow(ep, ip);
  const labels = [...(ep?.labels ?? [])];
  const reserved = labels.filter((l) => l.startsWith('reserved:')).map((l) => l.slice(9));
  if (reserved.length === 0 && ep?.identity !== undefined && RESERVED_BY_IDENTITY[ep.identity])
    reserved.push(RESERVED_BY_IDENTITY[ep.identity]);
  if (k8s.kind === 'pod') {
    const fromCatalog = catalog?.namespaces.get(k8s.namespace);
    if (fromCatalog) k8s.namespaceLabels = { ...k8s.namespaceLabels, ...fromCatalog };
    for (const [k, v] of Object.entries(k8s.namespaceLabels))
      if (!labels.includes(`${NS_PREFIX}${k}=${v}`)) labels.push(`${NS_PREFIX}${k}=${v}`);
    if (!labels.some((l) => l.startsWith('k8s:io.kubernetes.pod.namespace=')))
      labels.push(`k8s:io.kubernetes.pod.namespace=${k8s.namespace}`);
    if (catalog) k8s.ports = portsOfPod(catalog, k8s.namespace, k8s.labels);
  }
  const isPod = k8s.kind === 'pod';
  const cilium: CiliumEndpoint = {
    labels,
    namespace: isPod ? k8s.namespace : undefined,
    ip,
    isPod,
    reserved,
    names: extra.names,
    service: extra.service,
    ports: isPod ? k8s.ports : undefined,
  };
  const display = isPod
    ? ep?.pod_name
      ? `${k8s.namespace}/${ep.pod_name}`
      : `${k8s.namespace}/${ep?.workloads?.[0]?.name ?? '?'}`
    : (ip ?? reserved[0] ?? 'world');
  return { k8s, cilium, display, workload: ep?.workloads?.[0]?.name };
}

/**
 * The connection a flow belongs to (its initiator to its responder; replies are swapped back).
 * Undefined for flows without L4 (or ICMP) information.
 */
export function connectionFromFlow(catalog: PolicyCatalog | undefined, flow: Flow): Connection | undefined {
  const l4 = flow.l4;
  let protocol: QueryProtocol;
  let sport = 0;
  let dport = 0;
  if (l4?.TCP) [protocol, sport, dport] = ['TCP', l4.TCP.source_port ?? 0, l4.TCP.destination_port ?? 0];
  else if (l4?.UDP) [protocol, sport, dport] = ['UDP', l4.UDP.source_port ?? 0, l4.UDP.destination_port ?? 0];
  else if (l4?.SCTP)
    [protocol, sport, dport] = ['SCTP', l4.SCTP.source_port ?? 0, l4.SCTP.destination_port ?? 0];
  else if (l4?.ICMPv4 || l4?.ICMPv6) protocol = 'ICMP';
  else return undefined;
  const reply = flow.is_reply === true;
  const src = endFromFlow(
    catalog,
    flow.source,
    flow.IP?.source,
    reply ? { names: flow.source_names, service: flow.source_service } : {},
  );
  const dst = endFromFlow(
    catalog,
    flow.destination,
    flow.IP?.destination,
    reply ? {} : { names: flow.destination_names, service: flow.destination_service },
  );
  return reply
    ? { source: dst, destination: src, protocol, port: sport, uuid: flow.uuid }
    : { source: src, destination: dst, protocol, port: dport, uuid: flow.uuid };
}

/**
 * An endpoint described on the command line: a pod with labels (`ns/pod` plus `k=v` labels,
 * e.g. learnt from flows) or an IP address.
 */
export function endFromSpec(
  catalog: PolicyCatalog | undefined,
  spec: { namespace?: string; pod?: string; labels?: Record<string, string>; ip?: string },
): ConnectionEnd {
  if (!spec.namespace) {
    return endFromFlow(catalog, { labels: ['reserved:world'] }, spec.ip);
  }
  const labels = Object.entries(spec.labels ?? {}).map(([k, v]) => `k8s:${k}=${v}`);
  labels.push(`k8s:io.kubernetes.pod.namespace=${spec.namespace}`);
  return endFromFlow(catalog, { namespace: spec.namespace, pod_name: spec.pod ?? 'pod', labels }, spec.ip);
}
