/**
 * Flow builders for the diagnosis tests: small, explicit flows in Hubble's canonical shape.
 */
import { timeFromMillis, type Flow, type FlowEvent } from '../flow/index.js';

/** A pod endpoint (`ns/pod`, workload from the pod name unless given). */
export function podEndpoint(
  nsPod: string,
  labels: Record<string, string> = {},
  workload?: string,
): NonNullable<Flow['source']> {
  const [namespace, pod_name] = nsPod.split('/');
  const wl = workload ?? pod_name.replace(/-\d+$/, '');
  return {
    namespace,
    pod_name,
    labels: [
      ...Object.entries({ app: wl, ...labels }).map(([k, v]) => `k8s:${k}=${v}`),
      `k8s:io.kubernetes.pod.namespace=${namespace}`,
    ],
    workloads: [{ name: wl, kind: 'Deployment' }],
  };
}

let seq = 0;

/** A flow event at `ms` with overrides. */
export function flowAt(ms: number, f: Flow): FlowEvent {
  const time = timeFromMillis(ms);
  const uuid = `00000000-0000-4000-8000-${(seq++).toString(16).padStart(12, '0')}`;
  return { flow: { time, uuid, node_name: 'node-1', ...f }, node_name: f.node_name ?? 'node-1', time };
}

/** A TCP flow from one pod to another. */
export function tcp(
  ms: number,
  from: string,
  to: string,
  port: number,
  extra: Flow = {},
  flags: Record<string, boolean> = { SYN: true },
): FlowEvent {
  return flowAt(ms, {
    verdict: 'FORWARDED',
    IP: { source: '10.0.0.1', destination: '10.0.0.2', ipVersion: 'IPv4' },
    l4: { TCP: { source_port: 40000 + (seq % 20000), destination_port: port, flags } },
    source: podEndpoint(from),
    destination: podEndpoint(to),
    Type: 'L3_L4',
    traffic_direction: 'INGRESS',
    is_reply: false,
    ...extra,
  });
}

/** A DNS request and its response (rcode) between a client pod and CoreDNS. */
export function dnsLookup(
  ms: number,
  client: string,
  query: string,
  rcode: number,
  qtype = 'A',
): FlowEvent[] {
  const dns = podEndpoint('kube-system/coredns-0', { 'k8s-app': 'kube-dns' }, 'coredns');
  const base = {
    verdict: 'FORWARDED' as const,
    Type: 'L7' as const,
    l4: { UDP: { source_port: 53000, destination_port: 53 } },
  };
  return [
    flowAt(ms, {
      ...base,
      source: podEndpoint(client),
      destination: dns,
      l7: { type: 'REQUEST', dns: { query, qtypes: [qtype] } },
      is_reply: false,
    }),
    flowAt(ms + 1, {
      ...base,
      source: dns,
      destination: podEndpoint(client),
      l7: { type: 'RESPONSE', latency_ns: '500000', dns: { query, qtypes: [qtype], rcode } },
      is_reply: true,
    }),
  ];
}
