/**
 * Builds evaluator inputs from Hubble flows, so recorded drops can be explained by the same
 * evaluator the simulator enforces with. Pod and namespace labels are recovered from the
 * endpoint's identity labels (`k8s:app=web`, `k8s:io.cilium.k8s.namespace.labels.team=x`).
 */
import type { Endpoint, Flow } from '../flow/index.js';
import type { NamedPort, PolicyEndpoint, PolicyQuery, QueryProtocol } from './types.js';

const NS_LABEL_PREFIX = 'io.cilium.k8s.namespace.labels.';
const CILIUM_PREFIX = 'io.cilium.k8s.';
const POD_NS_LABEL = 'io.kubernetes.pod.namespace';

/**
 * Converts a flow endpoint into a PolicyEndpoint: a pod when it has a namespace and `k8s:`
 * labels, otherwise an external address. `ports` adds the pod's named ports, which flows do not
 * carry.
 */
export function policyEndpointFromFlow(
  ep: Endpoint | undefined,
  ip: string | undefined,
  ports?: readonly NamedPort[],
): PolicyEndpoint {
  const labels: Record<string, string> = {};
  const namespaceLabels: Record<string, string> = {};
  let isPod = false;
  for (const l of ep?.labels ?? []) {
    if (!l.startsWith('k8s:')) continue;
    const eq = l.indexOf('=');
    const key = eq < 0 ? l.slice(4) : l.slice(4, eq);
    const value = eq < 0 ? '' : l.slice(eq + 1);
    if (key.startsWith(NS_LABEL_PREFIX)) namespaceLabels[key.slice(NS_LABEL_PREFIX.length)] = value;
    else if (key === POD_NS_LABEL) isPod = true;
    else if (!key.startsWith(CILIUM_PREFIX)) labels[key] = value;
  }
  const namespace = ep?.namespace;
  if (!namespace || (!isPod && !ep?.pod_name)) return { kind: 'external', ip: ip ?? '', name: ip };
  // Cilium only adds namespace labels it knows; the API server always sets this one.
  namespaceLabels['kubernetes.io/metadata.name'] ??= namespace;
  return {
    kind: 'pod',
    namespace,
    labels,
    namespaceLabels,
    ip,
    ports,
    name: ep?.pod_name ? `${namespace}/${ep.pod_name}` : undefined,
  };
}

/**
 * The policy question a flow raises: its source connecting to its destination on the
 * destination port. Returns undefined for flows without L4 ports other than ICMP.
 * For a reply flow (`is_reply`), source and destination are swapped back to the initiator.
 */
export function policyQueryFromFlow(flow: Flow): PolicyQuery | undefined {
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
  const src = policyEndpointFromFlow(flow.source, flow.IP?.source);
  const dst = policyEndpointFromFlow(flow.destination, flow.IP?.destination);
  if (flow.is_reply === true) return { source: dst, destination: src, protocol, port: sport };
  return { source: src, destination: dst, protocol, port: dport };
}
