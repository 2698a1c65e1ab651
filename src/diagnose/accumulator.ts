/**
 * Streaming aggregation for diagnosis: one pass over flows, bounded memory, mergeable.
 *
 * `add` folds one event into time-bucketed tables (DNS, drops, traffic, L7); the rules read
 * only these tables, never flows, so the same rules run on a 1M-line file, on the store's
 * per-minute aggregates merged over an hour, or on a live window inside `serve`. Every table is
 * size-bounded (`tableLimit` distinct keys each); keys beyond the limit are counted in
 * `overflowKeys` and reported in the coverage.
 *
 * @example
 * const acc = new DiagnosisAccumulator();
 * for (const ev of events) acc.add(ev);
 * const report = diagnose(acc, { since, until });
 */
import { timeMillis, type Flow, type FlowEvent } from '../flow/index.js';
import { EndpointRegistry } from './endpoint.js';
import {
  directionName,
  dropReasonName,
  flowWeight,
  l4Of,
  l7TypeName,
  POLICY_DROP_REASONS,
  verdictName,
} from './flow-view.js';
import { Series } from './series.js';
import { DnsTable } from './tables/dns.js';
import { DropTable } from './tables/drops.js';
import { L7Table } from './tables/l7.js';
import { TrafficTable } from './tables/traffic.js';

/** Options of the accumulator. */
export interface AccumulatorOptions {
  /** Width of a time bucket in ms (default 10 s). All series share it; merge requires equal widths. */
  bucketMs?: number;
  /** Cluster DNS domain, for telling search-path expansions from real lookups (default cluster.local). */
  clusterDomain?: string;
  /** Maximum distinct keys per table (default 50,000). */
  tableLimit?: number;
  /** Only flows with fromMs ≤ time < toMs are aggregated (others are counted in `outOfRange`). */
  range?: { fromMs?: number; toMs?: number };
}

/** Defaults of AccumulatorOptions. */
export const defaultAccumulatorOptions: Required<Omit<AccumulatorOptions, 'range'>> = {
  bucketMs: 10_000,
  clusterDomain: 'cluster.local',
  tableLimit: 50_000,
};

/** The mergeable aggregate every diagnosis rule reads. */
export class DiagnosisAccumulator {
  readonly bucketMs: number;
  readonly clusterDomain: string;
  readonly endpoints = new EndpointRegistry();
  readonly traffic: TrafficTable;
  readonly drops: DropTable;
  readonly dns: DnsTable;
  readonly l7: L7Table;
  /** All flows per bucket. */
  readonly flows = new Series();
  /** L7 records seen by protocol (`dns`, `http`, `kafka`). */
  readonly l7Records = new Map<string, number>();
  /** Flows without a usable timestamp (skipped). */
  untimed = 0;
  /** Flows outside the accumulator's range (skipped). */
  outOfRange = 0;
  readonly fromMs: number;
  readonly toMs: number;
  lost = 0;
  firstMs = Infinity;
  lastMs = -Infinity;

  private timePrefix = '';
  private timeBase = 0;

  constructor(options: AccumulatorOptions = {}) {
    const o = { ...defaultAccumulatorOptions };
    if (options.bucketMs !== undefined) o.bucketMs = options.bucketMs;
    if (options.clusterDomain !== undefined) o.clusterDomain = options.clusterDomain;
    if (options.tableLimit !== undefined) o.tableLimit = options.tableLimit;
    if (!(o.bucketMs >= 1)) throw new RangeError(`bucketMs must be at least 1, got ${o.bucketMs}`);
    this.bucketMs = o.bucketMs;
    this.fromMs = options.range?.fromMs ?? -Infinity;
    this.toMs = options.range?.toMs ?? Infinity;
    this.clusterDomain = o.clusterDomain.replace(/^\.|\.$/g, '');
    this.traffic = new TrafficTable(o.tableLimit);
    this.drops = new DropTable(o.tableLimit);
    this.dns = new DnsTable(o.tableLimit, this.clusterDomain);
    this.l7 = new L7Table(o.tableLimit);
  }

  /** Distinct keys refused by the bounded tables. */
  get overflowKeys(): number {
    const t = this.traffic;
    return (
      t.edges.overflow +
      t.groups.overflow +
      t.rst.overflow +
      this.drops.policy.overflow +
      this.drops.other.overflow +
      this.dns.clients.overflow +
      this.dns.names.overflow +
      this.dns.servers.overflow +
      this.l7.http.overflow +
      this.l7.kafka.overflow
    );
  }

  /** The bucket of an epoch-ms time. */
  bucketOf(ms: number): number {
    return Math.floor(ms / this.bucketMs);
  }

  /** Start time (epoch ms) of a bucket. */
  bucketStart(b: number): number {
    return b * this.bucketMs;
  }

  /** Adds every event of an iterable. */
  addAll(events: Iterable<FlowEvent>): this {
    for (const ev of events) this.add(ev);
    return this;
  }

  /** Folds one event (flow or lost-events record) into the aggregates. */
  add(ev: FlowEvent): void {
    if (ev.lost_events) {
      const n = Number(ev.lost_events.num_events_lost ?? 0);
      this.lost += n;
      if (ev.node_name) this.traffic.node(ev.node_name).lost += n;
      return;
    }
    const flow = ev.flow;
    if (!flow) return;
    const ms = this.timeMs(flow.time ?? ev.time);
    if (!(ms === ms)) {
      this.untimed++;
      return;
    }
    if (ms < this.fromMs || ms >= this.toMs) {
      this.outOfRange++;
      return;
    }
    this.addFlow(flow, ms, ev.node_name);
  }

  private addFlow(flow: Flow, ms: number, wrapperNode: string | undefined): void {
    const weight = flowWeight(flow);
    const bucket = Math.floor(ms / this.bucketMs);
    if (ms < this.firstMs) this.firstMs = ms;
    if (ms > this.lastMs) this.lastMs = ms;
    this.flows.add(bucket, weight);
    const node = flow.node_name || wrapperNode || '';
    this.traffic.node(node).flows.add(bucket, weight);
    const reg = this.endpoints;
    const src = reg.resolve(flow.source, bucket, weight);
    const dst = reg.resolve(flow.destination, bucket, weight);
    const direction = directionName(flow);
    if (direction === 'EGRESS' && src.kind === 'pod' && !reg.nodeOf.has(src.key))
      reg.nodeOf.set(src.key, node);
    else if (direction === 'INGRESS' && dst.kind === 'pod' && !reg.nodeOf.has(dst.key))
      reg.nodeOf.set(dst.key, node);
    const verdict = verdictName(flow);
    const isReply = flow.is_reply === true;
    const l7 = flow.l7;
    if (l7) {
      const t = l7TypeName(flow);
      const isResponse = t === 'RESPONSE' || (t !== 'REQUEST' && isReply);
      if (l7.dns) {
        this.dns.add(flow, bucket, weight, src, dst, isResponse);
        this.l7Records.set('dns', (this.l7Records.get('dns') ?? 0) + weight);
      } else if (l7.http) {
        if (isResponse) this.l7.addHttpResponse(flow, bucket, weight, src, dst);
        this.l7Records.set('http', (this.l7Records.get('http') ?? 0) + weight);
      } else if (l7.kafka) {
        this.l7.addKafka(flow, bucket, weight, src, dst, isResponse);
        this.l7Records.set('kafka', (this.l7Records.get('kafka') ?? 0) + weight);
      }
    }
    const { protocol, sport, dport } = l4Of(flow);
    const client = isReply ? dst : src;
    const server = isReply ? src : dst;
    if (verdict === 'DROPPED') {
      let reason = dropReasonName(flow);
      // The agent's kernel drops without a Hubble equivalent carry the kernel's reason only in
      // the summary ("Kernel drop NO_SOCKET at tcp_v4_rcv (no Hubble equivalent)").
      if (reason === 'UNKNOWN') reason = kernelReason(flow.Summary) ?? reason;
      if (POLICY_DROP_REASONS.has(reason)) {
        this.drops.addPolicyDrop(
          flow,
          bucket,
          weight,
          client,
          server,
          protocol,
          isReply ? sport : dport,
          direction,
        );
      } else {
        this.drops.addOtherDrop(flow, bucket, weight, reason, node, src, dst);
      }
    }
    this.traffic.add(flow, {
      bucket,
      weight,
      verdict,
      protocol,
      dport: isReply ? sport : dport,
      isReply,
      ingress: direction === 'INGRESS',
      client,
      server,
      src,
      dst,
    });
  }

  /**
   * Epoch ms of a timestamp. Consecutive flows usually share their second, so the parsed value
   * of the `YYYY-MM-DDTHH:MM:SS` prefix is cached and only the fraction is read.
   */
  private timeMs(s: string | undefined): number {
    if (!s) return NaN;
    const len = s.length;
    if (len >= 20 && s.charCodeAt(len - 1) === 90 /* Z */) {
      if (this.timePrefix === '' || !s.startsWith(this.timePrefix)) {
        const whole = timeMillis(s.slice(0, 19) + 'Z');
        if (whole !== whole) return timeMillis(s);
        this.timePrefix = s.slice(0, 19);
        this.timeBase = whole;
      }
      if (len === 20) return this.timeBase;
      if (s.charCodeAt(19) === 46 /* . */ && len <= 30) {
        let frac = 0;
        let scale = 1000;
        for (let i = 20; i < len - 1; i++) {
          const d = s.charCodeAt(i) - 48;
          if (d < 0 || d > 9) return timeMillis(s);
          scale /= 10;
          frac += d * scale;
        }
        if (len > 21) return this.timeBase + frac;
      }
    }
    return timeMillis(s);
  }

  /** Merges another accumulator (same bucket width) into this one. */
  merge(o: DiagnosisAccumulator): this {
    if (o.bucketMs !== this.bucketMs)
      throw new RangeError(
        `cannot merge accumulators with bucket widths ${this.bucketMs} and ${o.bucketMs} ms`,
      );
    this.endpoints.merge(o.endpoints);
    this.traffic.merge(o.traffic);
    this.drops.merge(o.drops);
    this.dns.merge(o.dns);
    this.l7.merge(o.l7);
    this.flows.merge(o.flows);
    for (const [k, v] of o.l7Records) this.l7Records.set(k, (this.l7Records.get(k) ?? 0) + v);
    this.untimed += o.untimed;
    this.outOfRange += o.outOfRange;
    this.lost += o.lost;
    this.firstMs = Math.min(this.firstMs, o.firstMs);
    this.lastMs = Math.max(this.lastMs, o.lastMs);
    return this;
  }
}

const KERNEL_DROP = /^Kernel drop ([A-Z0-9_]+) at /;

/** `kernel NO_SOCKET` from an agent's kernel-drop summary, when there is one. */
function kernelReason(summary: string | undefined): string | undefined {
  const m = summary === undefined ? null : KERNEL_DROP.exec(summary);
  return m ? `kernel ${m[1]}` : undefined;
}
