/**
 * Dropped flows: policy drops grouped by source workload, destination and port (each group
 * keeps one representative flow so the policy module can explain it), and every other drop
 * grouped by reason and node.
 */
import type { Flow, Policy } from '../../flow/index.js';
import type { EndpointInfo } from '../endpoint.js';
import { BoundedMap, bump, mergeCounts, Samples, Series } from '../series.js';

/** One group of policy drops: same source workload, destination workload, port and direction. */
export class PolicyDropStat {
  readonly series = new Series();
  readonly samples = new Samples();
  readonly srcPods = new Map<string, number>();
  readonly dstPods = new Map<string, number>();
  /** Destination IPs, for destinations outside the cluster. */
  readonly dstIPs = new Map<string, number>();
  /** `namespace/name (kind)` of policies the flows themselves name in `*_denied_by`. */
  readonly deniedBy = new Map<string, Policy & { direction: 'ingress' | 'egress' }>();
  readonly directions = new Map<string, number>();
  /** The first flow of the group, kept whole for policy attribution. */
  representative?: Flow;
  src?: EndpointInfo;
  dst?: EndpointInfo;
  protocol = '';
  port = 0;

  merge(o: PolicyDropStat): void {
    this.series.merge(o.series);
    this.samples.merge(o.samples);
    mergeCounts(this.srcPods, o.srcPods);
    mergeCounts(this.dstPods, o.dstPods);
    mergeCounts(this.dstIPs, o.dstIPs);
    mergeCounts(this.directions, o.directions);
    for (const [k, v] of o.deniedBy) if (!this.deniedBy.has(k)) this.deniedBy.set(k, v);
    this.representative ??= o.representative;
    this.src ??= o.src;
    this.dst ??= o.dst;
    this.protocol ||= o.protocol;
    this.port ||= o.port;
  }
}

/** Drops of one reason on one node. */
export class ReasonDropStat {
  readonly series = new Series();
  readonly samples = new Samples();
  /** `srcWorkloadKey>dstWorkloadKey` → drops. */
  readonly pairs = new Map<string, number>();
  readonly pods = new Map<string, number>();
  reason = '';
  node = '';

  merge(o: ReasonDropStat): void {
    this.series.merge(o.series);
    this.samples.merge(o.samples);
    mergeCounts(this.pairs, o.pairs);
    mergeCounts(this.pods, o.pods);
    this.reason ||= o.reason;
    this.node ||= o.node;
  }
}

const MAX_PAIRS = 200;

/** The drop tables. */
export class DropTable {
  readonly policy: BoundedMap<PolicyDropStat>;
  readonly other: BoundedMap<ReasonDropStat>;

  constructor(limit: number) {
    this.policy = new BoundedMap(limit, () => new PolicyDropStat());
    this.other = new BoundedMap(limit, () => new ReasonDropStat());
  }

  addPolicyDrop(
    flow: Flow,
    bucket: number,
    weight: number,
    client: EndpointInfo,
    server: EndpointInfo,
    protocol: string,
    port: number,
    direction: string,
  ): void {
    const key = `${client.workloadKey}>${server.workloadKey}:${port}/${protocol}`;
    const s = this.policy.get(key);
    if (!s) return;
    if (!s.representative) {
      s.representative = flow;
      s.src = client;
      s.dst = server;
      s.protocol = protocol;
      s.port = port;
    }
    s.series.add(bucket, weight);
    s.samples.add(flow.uuid);
    if (client.kind === 'pod') bump(s.srcPods, client.key, weight);
    if (server.kind === 'pod') bump(s.dstPods, server.key, weight);
    else {
      const ip = flow.is_reply === true ? flow.IP?.source : flow.IP?.destination;
      if (ip && s.dstIPs.size < 50) bump(s.dstIPs, ip, weight);
    }
    bump(s.directions, direction, weight);
    for (const [list, dir] of [
      [flow.ingress_denied_by, 'ingress'],
      [flow.egress_denied_by, 'egress'],
    ] as const) {
      for (const p of list ?? []) {
        const k = `${dir}:${p.kind ?? ''}:${p.namespace ?? ''}/${p.name ?? ''}`;
        if (!s.deniedBy.has(k)) s.deniedBy.set(k, { ...p, direction: dir });
      }
    }
  }

  addOtherDrop(
    flow: Flow,
    bucket: number,
    weight: number,
    reason: string,
    node: string,
    src: EndpointInfo,
    dst: EndpointInfo,
  ): void {
    const s = this.other.get(reason + '@' + node);
    if (!s) return;
    s.reason = reason;
    s.node = node;
    s.series.add(bucket, weight);
    s.samples.add(flow.uuid);
    const pair = src.workloadKey + '>' + dst.workloadKey;
    if (s.pairs.size < MAX_PAIRS || s.pairs.has(pair)) bump(s.pairs, pair, weight);
    for (const ep of [src, dst])
      if (ep.kind === 'pod' && (s.pods.size < MAX_PAIRS || s.pods.has(ep.key))) bump(s.pods, ep.key, weight);
  }

  merge(o: DropTable): void {
    this.policy.merge(o.policy, (a, b) => a.merge(b));
    this.other.merge(o.other, (a, b) => a.merge(b));
  }
}
