/**
 * Retina's pod-level context labels. Local context (default): one endpoint, the pod on this
 * node (source for egress, destination for ingress), labels `ip`, `namespace`, `podname`,
 * `workload_kind`, `workload_name`. Remote context: both endpoints, prefixed `source_` and
 * `destination_`. Missing values are `unknown`, as in Retina. Degradation folds `ip` and
 * `podname` from level 1, the workload from level 2 and the namespace at level 3.
 */
import type { Endpoint, Flow } from '../../../flow/index.js';
import { directionLower } from '../../flow-fields.js';
import { OVERFLOW_VALUE } from '../../store/levels.js';

const BASE = ['ip', 'namespace', 'podname', 'workload_kind', 'workload_name'] as const;

/** Label names of a context mode. */
export function contextNames(remote: boolean): string[] {
  return remote ? [...BASE.map((b) => `source_${b}`), ...BASE.map((b) => `destination_${b}`)] : [...BASE];
}

/** Pod label pairs for series cleanup. */
export function contextPodLabels(remote: boolean): { namespace: string; pod: string }[] {
  return remote
    ? [
        { namespace: 'source_namespace', pod: 'source_podname' },
        { namespace: 'destination_namespace', pod: 'destination_podname' },
      ]
    : [{ namespace: 'namespace', pod: 'podname' }];
}

function orUnknown(v: string | undefined): string {
  return v === undefined || v === '' ? 'unknown' : v;
}

/** Writes the five labels of one endpoint at out[off...]. */
export function fillEndpoint(
  out: string[],
  off: number,
  ep: Endpoint | undefined,
  ip: string | undefined,
  level: number,
): void {
  const wl = ep?.workloads?.[0];
  out[off] = level >= 1 ? OVERFLOW_VALUE : orUnknown(ip);
  out[off + 1] = level >= 3 ? OVERFLOW_VALUE : orUnknown(ep?.namespace);
  out[off + 2] = level >= 1 ? OVERFLOW_VALUE : orUnknown(ep?.pod_name);
  out[off + 3] = level >= 2 ? OVERFLOW_VALUE : orUnknown(wl?.kind);
  out[off + 4] = level >= 2 ? OVERFLOW_VALUE : orUnknown(wl?.name);
}

/**
 * The local endpoint of a flow: the destination for ingress flows and for DNS responses (the
 * client that asked), else the source. Returns undefined when it is not a pod.
 */
export function localSide(flow: Flow): 'source' | 'destination' | undefined {
  const dnsReply = flow.l7?.dns !== undefined && flow.is_reply === true;
  const side = dnsReply || directionLower(flow) === 'ingress' ? 'destination' : 'source';
  const ep = side === 'source' ? flow.source : flow.destination;
  return ep?.pod_name ? side : undefined;
}

/** Writes the context labels at out[off...] (local: the given side; remote: both). */
export function fillContext(
  out: string[],
  off: number,
  flow: Flow,
  level: number,
  remote: boolean,
  side: 'source' | 'destination',
): void {
  if (remote) {
    fillEndpoint(out, off, flow.source, flow.IP?.source, level);
    fillEndpoint(out, off + 5, flow.destination, flow.IP?.destination, level);
  } else if (side === 'source') fillEndpoint(out, off, flow.source, flow.IP?.source, level);
  else fillEndpoint(out, off, flow.destination, flow.IP?.destination, level);
}
