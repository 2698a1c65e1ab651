/**
 * Turns decoded packets, NFLOG records and kernel drop events into Hubble flows:
 *
 * - L3/L4 trace flows (event type 4) with `is_reply` from the agent's connection table, with
 *   Cilium-style monitor aggregation ("medium": the first packet of each direction, new
 *   SYN/FIN/RST flags, every RST, and at most one report per direction per interval);
 * - L7 flows (event type 129) for DNS (queries and answers matched by client, server and id),
 *   HTTP/1.x (requests and responses matched in order per connection) and Kafka (matched by
 *   correlation id), each response with its latency;
 * - DROPPED flows for policy drops logged through NFLOG (POLICY_DENIED, the policy named in
 *   `ingress_denied_by`/`egress_denied_by`) and for kernel drop reasons (skb:kfree_skb).
 *
 * Everything is enriched from the TopologyIndex and the DNS name cache, and goes through a
 * DelayLine so that a policy drop replaces the trace of the packet it dropped.
 */
import { randomUUID } from 'node:crypto';
import type { DNS, Flow, FlowEvent, HTTPHeader, Layer4, TrafficDirectionName } from '../../flow/index.js';
import { timeFromParts } from '../../flow/index.js';
import { dnsTypeName, parseDns, type DnsMessage } from '../decode/dns.js';
import {
  HttpStreamParser,
  looksLikeHttpRequest,
  looksLikeHttpResponse,
  type HttpRequestHead,
  type HttpResponseHead,
} from '../decode/http.js';
import { KAFKA_API_KEYS, parseKafkaRequest, parseKafkaResponse } from '../decode/kafka.js';
import { parsePolicyPrefix, type NflogRecord } from '../decode/nflog.js';
import {
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  TcpFlag,
  type Packet,
} from '../decode/packet.js';
import type { DnsNameCache } from '../enrich/dns-names.js';
import type { ResolvedEndpoint, TopologyIndex } from '../enrich/topology.js';
import { hubbleDropReason, LOCAL_TEARDOWN_REASONS } from '../drops/drop-reasons.js';
import type { KfreeSkbEvent } from '../drops/kfree-skb.js';
import {
  App,
  Conn,
  ConnTable,
  defaultConnTableOptions,
  fwdKey,
  type ConnTableOptions,
} from './conn-table.js';
import { DelayLine } from './delay-line.js';
import { dnsSummary, httpSummary, icmpSummary, kafkaSummary, tcpFlagsRecord, tcpSummary } from './summary.js';

/** Options of the assembler. */
export interface AssemblerOptions {
  nodeName: string;
  /** 'medium' reports like Cilium's default monitor aggregation; 'none' reports every packet. */
  aggregation: 'none' | 'medium';
  /** Longest time between two reports of one connection direction under 'medium'. */
  reportIntervalMs: number;
  /** How long flows are held so policy drops can replace their traces. */
  delayMs: number;
  /** Ports whose UDP/TCP payload is parsed as DNS. */
  dnsPorts: ReadonlySet<number>;
  /** Server ports whose TCP payload is tried as Kafka (HTTP is detected on any port). */
  kafkaPorts: ReadonlySet<number>;
  l7: boolean;
  /** Copy HTTP headers into l7.http.headers. */
  httpHeaders: boolean;
  /** Give every flow a random UUID, as Hubble does. */
  uuids: boolean;
  /** How long a DNS query waits for its answer. */
  dnsTimeoutMs: number;
  /** Do not emit kernel NETFILTER_DROP flows (NFLOG already reports those drops with the policy). */
  netfilterDropsFromNflog: boolean;
  /** Most kernel-drop flows per second for one reason and function (the rest are only counted). */
  kernelDropFlowsPerSec: number;
  conns?: Partial<ConnTableOptions>;
}

export const defaultAssemblerOptions: AssemblerOptions = {
  nodeName: 'node',
  aggregation: 'medium',
  reportIntervalMs: 5000,
  delayMs: 300,
  dnsPorts: new Set([53, 5353]),
  kafkaPorts: new Set([9092]),
  l7: true,
  httpHeaders: true,
  uuids: true,
  dnsTimeoutMs: 10_000,
  netfilterDropsFromNflog: false,
  kernelDropFlowsPerSec: 20,
};

/** What the assembler counted. */
export interface AssemblerCounters {
  packets: number;
  bytes: number;
  nonIp: number;
  fragments: number;
  traces: number;
  aggregated: number;
  policyDrops: number;
  kernelDrops: number;
  kernelDropsNotEmitted: number;
  suppressedTraces: number;
  dns: {
    queries: number;
    responses: number;
    unmatchedResponses: number;
    unanswered: number;
    parseErrors: number;
  };
  http: {
    requests: number;
    responses: number;
    unmatchedResponses: number;
    unanswered: number;
    parseErrors: number;
  };
  kafka: { requests: number; responses: number; unmatchedResponses: number };
  nflogMalformed: number;
}

function newCounters(): AssemblerCounters {
  return {
    packets: 0,
    bytes: 0,
    nonIp: 0,
    fragments: 0,
    traces: 0,
    aggregated: 0,
    policyDrops: 0,
    kernelDrops: 0,
    kernelDropsNotEmitted: 0,
    suppressedTraces: 0,
    dns: { queries: 0, responses: 0, unmatchedResponses: 0, unanswered: 0, parseErrors: 0 },
    http: { requests: 0, responses: 0, unmatchedResponses: 0, unanswered: 0, parseErrors: 0 },
    kafka: { requests: 0, responses: 0, unmatchedResponses: 0 },
    nflogMalformed: 0,
  };
}

interface PendingDns {
  ms: number;
}

const RST_FIN_SYN = TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST;
const MAX_PENDING_DNS = 65536;

/** The packet → flow assembler. */
export class Assembler {
  readonly counters: AssemblerCounters = newCounters();
  readonly conns: ConnTable;
  private readonly delay: DelayLine;
  private readonly o: AssemblerOptions;
  private readonly pendingDns = new Map<string, PendingDns>();
  private readonly kernelBudget = new Map<string, { sec: number; n: number }>();
  /** Context of the packet being processed, for the HTTP parser callbacks. */
  private cur:
    { p: Packet; ms: number; tsSec: number; tsNsec: number; conn: Conn; reply: boolean } | undefined;

  constructor(
    private readonly topology: TopologyIndex,
    private readonly names: DnsNameCache,
    out: (ev: FlowEvent) => void,
    options: Partial<AssemblerOptions> = {},
  ) {
    this.o = { ...defaultAssemblerOptions, ...options };
    this.conns = new ConnTable({ ...defaultConnTableOptions, ...this.o.conns });
    this.delay = new DelayLine(this.o.delayMs, out);
  }

  /** Handles one decoded IP packet of a traffic capture. */
  packet(p: Packet): void {
    const c = this.counters;
    c.packets++;
    c.bytes += p.wireLen;
    if (p.ipVersion === 0) {
      c.nonIp++;
      return;
    }
    const ms = p.tsSec * 1000 + p.tsNsec / 1e6;
    if (p.fragment) {
      c.fragments++;
      return;
    }
    if (p.proto === IPPROTO_ICMP || p.proto === IPPROTO_ICMPV6) {
      const reply = p.icmpType === 0 || p.icmpType === 129;
      this.trace(p, ms, reply, '');
      return;
    }
    if (p.proto !== IPPROTO_TCP && p.proto !== IPPROTO_UDP && p.proto !== IPPROTO_SCTP) {
      this.trace(p, ms, false, '');
      return;
    }
    const { conn, reply } = this.conns.lookup(p, ms);
    const isTcp = p.proto === IPPROTO_TCP;
    const flags = isTcp ? p.tcpFlags & RST_FIN_SYN : 0;
    const dirPackets = reply ? conn.revPackets : conn.fwdPackets;
    const seen = reply ? conn.revFlags : conn.fwdFlags;
    const lastReport = reply ? conn.revReportedMs : conn.fwdReportedMs;
    const report =
      this.o.aggregation === 'none' ||
      dirPackets === 0 ||
      (flags & ~seen) !== 0 ||
      (flags & TcpFlag.RST) !== 0 ||
      ms - lastReport >= this.o.reportIntervalMs;
    if (reply) {
      conn.revPackets++;
      conn.revFlags |= flags;
    } else {
      conn.fwdPackets++;
      conn.fwdFlags |= flags;
    }
    if (flags & (TcpFlag.FIN | TcpFlag.RST)) conn.closed = true;
    if (report) {
      if (reply) conn.revReportedMs = ms;
      else conn.fwdReportedMs = ms;
      this.trace(p, ms, reply, fwdKey(p));
    } else c.aggregated++;
    if (this.o.l7 && p.payloadLen > 0) this.l7(p, ms, conn, reply);
  }

  /** Handles one NFLOG record whose payload was decoded into `p` (a policy drop). */
  nflog(rec: NflogRecord, p: Packet): void {
    if (p.ipVersion === 0) {
      this.counters.nflogMalformed++;
      return;
    }
    const ms =
      rec.tsSec !== undefined ? rec.tsSec * 1000 + (rec.tsUsec ?? 0) / 1000 : p.tsSec * 1000 + p.tsNsec / 1e6;
    const { tsSec, tsNsec } =
      rec.tsSec !== undefined ? { tsSec: rec.tsSec, tsNsec: (rec.tsUsec ?? 0) * 1000 } : p;
    const pol = parsePolicyPrefix(rec.prefix);
    const src = p.srcText();
    const dst = p.dstText();
    const se = this.topology.resolve(src);
    const de = this.topology.resolve(dst);
    const direction: 'ingress' | 'egress' = pol.direction ?? (de.kind === 'pod' ? 'ingress' : 'egress');
    const flow = this.baseFlow(p, tsSec, tsNsec, src, dst, se, de, ms);
    flow.verdict = 'DROPPED';
    flow.drop_reason = 133;
    flow.Type = 'L3_L4';
    flow.event_type = { type: 1, sub_type: 133 };
    flow.traffic_direction = direction === 'ingress' ? 'INGRESS' : 'EGRESS';
    flow.drop_reason_desc = 'POLICY_DENIED';
    const policies = pol.policies.map((x) => ({
      name: x.name,
      namespace: x.namespace,
      kind: 'NetworkPolicy',
    }));
    if (policies.length > 0) {
      if (direction === 'ingress') flow.ingress_denied_by = policies;
      else flow.egress_denied_by = policies;
    }
    flow.Summary = this.l4Summary(p);
    this.counters.policyDrops++;
    this.delay.suppress(fwdKey(p), ms);
    this.delay.add(ms, this.wrap(flow));
  }

  /** Handles one kernel drop event (no addresses: see kfree-skb.ts). */
  kernelDrop(e: KfreeSkbEvent, nowMs: number, nflogActive: boolean): void {
    this.counters.kernelDrops++;
    if (
      (nflogActive && this.o.netfilterDropsFromNflog && e.reason === 'NETFILTER_DROP') ||
      LOCAL_TEARDOWN_REASONS.has(e.reason)
    ) {
      this.counters.kernelDropsNotEmitted++;
      return;
    }
    // At most kernelDropFlowsPerSec flows per reason and function: a receive-buffer overflow
    // frees tens of thousands of packets a second; their number is in the counters.
    const key = `${e.reason}@${e.function}`;
    const sec = Math.floor(nowMs / 1000);
    const b = this.kernelBudget.get(key);
    if (b && b.sec === sec) {
      if (++b.n > this.o.kernelDropFlowsPerSec) {
        this.counters.kernelDropsNotEmitted++;
        return;
      }
    } else {
      if (this.kernelBudget.size > 1024) this.kernelBudget.clear();
      this.kernelBudget.set(key, { sec, n: 1 });
    }
    const h = hubbleDropReason(e.reason);
    const time = timeFromParts(sec, Math.round((nowMs - sec * 1000) * 1e6));
    const flow: Flow = { time };
    if (this.o.uuids) flow.uuid = randomUUID();
    flow.verdict = 'DROPPED';
    if (h) flow.drop_reason = h.code;
    if (e.protocol === 0x0800 || e.protocol === 0x86dd)
      flow.IP = { ipVersion: e.protocol === 0x0800 ? 'IPv4' : 'IPv6' };
    flow.Type = 'L3_L4';
    flow.node_name = this.o.nodeName;
    flow.event_type = { type: 1, sub_type: h?.code ?? 0 };
    flow.file = { name: e.function };
    if (h) flow.drop_reason_desc = h.name;
    flow.Summary = `Kernel drop ${e.reason} at ${e.function}${h ? '' : ' (no Hubble equivalent)'}`;
    this.delay.add(nowMs, this.wrap(flow));
  }

  /** Emits held flows older than the delay window; call periodically with the current time. */
  flush(nowMs: number, all = false): void {
    this.delay.flush(nowMs, all);
    this.counters.suppressedTraces = this.delay.suppressed;
    this.expire(nowMs);
  }

  private lastExpire = 0;
  private expire(nowMs: number): void {
    if (nowMs - this.lastExpire < 1000) return;
    this.lastExpire = nowMs;
    for (const [k, q] of this.pendingDns) {
      if (nowMs - q.ms > this.o.dnsTimeoutMs) {
        this.pendingDns.delete(k);
        this.counters.dns.unanswered++;
      }
    }
    this.conns.expire(nowMs, (c) => {
      this.counters.http.unanswered += c.httpPending?.length ?? 0;
    });
  }

  /** Flows held in the delay line. */
  get held(): number {
    return this.delay.size;
  }

  // -------------------------------------------------------------------------------------------
  // Flow building

  private wrap(flow: Flow): FlowEvent {
    return { flow, node_name: this.o.nodeName, time: flow.time };
  }

  private baseFlow(
    p: Packet,
    tsSec: number,
    tsNsec: number,
    src: string,
    dst: string,
    se: ResolvedEndpoint,
    de: ResolvedEndpoint,
    ms: number,
  ): Flow {
    const flow: Flow = { time: timeFromParts(tsSec, tsNsec) };
    if (this.o.uuids) flow.uuid = randomUUID();
    const eth = p.macs();
    if (eth) flow.ethernet = eth;
    flow.IP = { source: src, destination: dst, ipVersion: p.ipVersion === 4 ? 'IPv4' : 'IPv6' };
    const l4 = this.l4(p);
    if (l4) flow.l4 = l4;
    flow.source = se.endpoint;
    flow.destination = de.endpoint;
    flow.node_name = this.o.nodeName;
    if (se.kind === 'world') {
      const n = this.names.names(src, ms);
      if (n) flow.source_names = n;
    }
    if (de.kind === 'world') {
      const n = this.names.names(dst, ms);
      if (n) flow.destination_names = n;
    }
    if (se.service) flow.source_service = se.service;
    if (de.service) flow.destination_service = de.service;
    return flow;
  }

  private l4(p: Packet): Layer4 | undefined {
    switch (p.proto) {
      case IPPROTO_TCP:
        return {
          TCP: { source_port: p.sport, destination_port: p.dport, flags: tcpFlagsRecord(p.tcpFlags) },
        };
      case IPPROTO_UDP:
        return { UDP: { source_port: p.sport, destination_port: p.dport } };
      case IPPROTO_SCTP:
        return { SCTP: { source_port: p.sport, destination_port: p.dport } };
      case IPPROTO_ICMP:
        return { ICMPv4: { type: p.icmpType, code: p.icmpCode } };
      case IPPROTO_ICMPV6:
        return { ICMPv6: { type: p.icmpType, code: p.icmpCode } };
    }
    return undefined;
  }

  private l4Summary(p: Packet): string {
    switch (p.proto) {
      case IPPROTO_TCP:
        return tcpSummary(p.tcpFlags);
      case IPPROTO_UDP:
        return 'UDP';
      case IPPROTO_SCTP:
        return 'SCTP';
      case IPPROTO_ICMP:
        return icmpSummary(false, p.icmpType, p.icmpCode);
      case IPPROTO_ICMPV6:
        return icmpSummary(true, p.icmpType, p.icmpCode);
    }
    return p.ipVersion === 4 ? 'IPv4' : 'IPv6';
  }

  /**
   * Observation point and direction of a trace seen on the node's bridge: delivered to a local
   * pod (to-endpoint, reported by the destination) or sent by one (from-endpoint, reported by
   * the source). Direction follows Cilium: EGRESS iff (reporter is the source) XOR (reply).
   */
  private trace(p: Packet, ms: number, reply: boolean, key: string): void {
    this.counters.traces++;
    const src = p.srcText();
    const dst = p.dstText();
    const se = this.topology.resolve(src);
    const de = this.topology.resolve(dst);
    const flow = this.baseFlow(p, p.tsSec, p.tsNsec, src, dst, se, de, ms);
    flow.verdict = 'FORWARDED';
    flow.Type = 'L3_L4';
    if (reply) flow.reply = true;
    let point: 'TO_ENDPOINT' | 'FROM_ENDPOINT' | 'TO_STACK';
    let dir: TrafficDirectionName;
    if (de.kind === 'pod' && de.endpoint.ID !== undefined) {
      point = 'TO_ENDPOINT';
      dir = reply ? 'EGRESS' : 'INGRESS';
    } else if (se.kind === 'pod' && se.endpoint.ID !== undefined) {
      point = 'FROM_ENDPOINT';
      dir = reply ? 'INGRESS' : 'EGRESS';
    } else {
      point = 'TO_STACK';
      dir = 'TRAFFIC_DIRECTION_UNKNOWN';
    }
    flow.event_type = { type: 4, sub_type: point === 'TO_ENDPOINT' ? 0 : point === 'FROM_ENDPOINT' ? 5 : 3 };
    if (dir !== 'TRAFFIC_DIRECTION_UNKNOWN') flow.traffic_direction = dir;
    flow.trace_observation_point = point;
    flow.is_reply = reply;
    flow.Summary = this.l4Summary(p);
    this.delay.add(ms, this.wrap(flow), key);
  }

  /** An L7 flow between the packet's endpoints (`reply` = sent by the server). */
  private l7Flow(
    p: Packet,
    tsSec: number,
    tsNsec: number,
    ms: number,
    response: boolean,
    serverLocal: boolean,
    clientSide: boolean,
  ): Flow {
    const src = p.srcText();
    const dst = p.dstText();
    const flow = this.baseFlow(
      p,
      tsSec,
      tsNsec,
      src,
      dst,
      this.topology.resolve(src),
      this.topology.resolve(dst),
      ms,
    );
    flow.verdict = 'FORWARDED';
    flow.Type = 'L7';
    if (response) flow.reply = true;
    flow.event_type = { type: 129 };
    // L7 visibility is where the proxy would sit: DNS at the client's egress, HTTP/Kafka at the server's ingress.
    flow.traffic_direction = clientSide ? 'EGRESS' : serverLocal ? 'INGRESS' : 'EGRESS';
    flow.is_reply = response;
    return flow;
  }

  // -------------------------------------------------------------------------------------------
  // L7

  private l7(p: Packet, ms: number, conn: Conn, reply: boolean): void {
    if (this.o.dnsPorts.has(p.dport) || this.o.dnsPorts.has(p.sport)) {
      if (p.proto === IPPROTO_UDP) this.dns(p, ms, p.payloadOff, p.payloadCapLen);
      else if (p.proto === IPPROTO_TCP && p.payloadCapLen > 2) {
        // DNS over TCP: a 2-byte length prefix; parse messages that start a segment.
        const len = p.data.readUInt16BE(p.payloadOff);
        if (len >= 12) this.dns(p, ms, p.payloadOff + 2, Math.min(len, p.payloadCapLen - 2));
      }
      return;
    }
    if (p.proto !== IPPROTO_TCP) return;
    if (conn.app === App.Unknown) this.detect(p, conn, reply);
    if (conn.app === App.Http) {
      this.cur = { p, ms, tsSec: p.tsSec, tsNsec: p.tsNsec, conn, reply };
      (reply ? conn.httpRes! : conn.httpReq!).push(
        p.seq,
        p.data,
        p.payloadOff,
        p.payloadCapLen,
        p.payloadLen,
      );
      this.cur = undefined;
    } else if (conn.app === App.Kafka) this.kafka(p, ms, conn, reply);
  }

  private detect(p: Packet, conn: Conn, reply: boolean): void {
    const d = p.data;
    const off = p.payloadOff;
    const len = p.payloadCapLen;
    if ((!reply && looksLikeHttpRequest(d, off, len)) || (reply && looksLikeHttpResponse(d, off, len))) {
      conn.app = App.Http;
      conn.httpPending = [];
      conn.httpReq = new HttpStreamParser('request', {
        onRequest: (h) => this.httpRequest(h),
        onError: () => this.counters.http.parseErrors++,
      });
      conn.httpRes = new HttpStreamParser('response', {
        onResponse: (h) => this.httpResponse(h),
        onError: () => this.counters.http.parseErrors++,
      });
      return;
    }
    const serverPort = reply ? p.sport : p.dport;
    if (this.o.kafkaPorts.has(serverPort)) {
      if (!reply && parseKafkaRequest(d, off, len)) {
        conn.app = App.Kafka;
        conn.kafkaPending = new Map();
      }
      return;
    }
    conn.app = App.None;
  }

  private dns(p: Packet, ms: number, off: number, len: number): void {
    let m: DnsMessage;
    try {
      m = parseDns(p.data, off, len);
    } catch {
      this.counters.dns.parseErrors++;
      return;
    }
    if (m.opcode !== 0 || m.questions.length === 0) return;
    const q = m.questions[0];
    const qtypes = m.questions.map((x) => dnsTypeName(x.type));
    const src = p.srcText();
    const dst = p.dstText();
    if (!m.response) {
      this.counters.dns.queries++;
      const key = `${src}|${p.sport}|${dst}|${p.dport}|${m.id}|${q.name}`;
      if (this.pendingDns.size < MAX_PENDING_DNS) this.pendingDns.set(key, { ms });
      const flow = this.l7Flow(p, p.tsSec, p.tsNsec, ms, false, false, true);
      const dns: DNS = { query: q.name, qtypes };
      flow.l7 = { type: 'REQUEST', dns };
      flow.Summary = dnsSummary(dns, false);
      this.delay.add(ms, this.wrap(flow));
      return;
    }
    this.counters.dns.responses++;
    const key = `${dst}|${p.dport}|${src}|${p.sport}|${m.id}|${q.name}`;
    const req = this.pendingDns.get(key);
    if (req) this.pendingDns.delete(key);
    else this.counters.dns.unmatchedResponses++;
    const ips: string[] = [];
    const cnames: string[] = [];
    const rrtypes: string[] = [];
    let ttl = 0xffffffff;
    for (const a of m.answers) {
      rrtypes.push(dnsTypeName(a.type));
      if (a.ttl < ttl) ttl = a.ttl;
      if (a.type === 1 || a.type === 28) {
        ips.push(a.data);
        this.names.add(a.data, q.name, a.ttl, ms);
        if (a.name !== q.name) this.names.add(a.data, a.name, a.ttl, ms);
      } else if (a.type === 5) cnames.push(a.data);
    }
    const dns: DNS = { query: q.name };
    if (ips.length) dns.ips = ips;
    dns.ttl = ttl;
    if (cnames.length) dns.cnames = cnames;
    if (m.rcode) dns.rcode = m.rcode;
    dns.qtypes = qtypes;
    if (rrtypes.length) dns.rrtypes = rrtypes;
    const flow = this.l7Flow(p, p.tsSec, p.tsNsec, ms, true, false, true);
    flow.l7 = {
      type: 'RESPONSE',
      ...(req ? { latency_ns: String(Math.max(0, Math.round((ms - req.ms) * 1e6))) } : {}),
      dns,
    };
    flow.Summary = dnsSummary(dns, true);
    this.delay.add(ms, this.wrap(flow));
  }

  private headers(h: Array<{ key: string; value: string }>): HTTPHeader[] | undefined {
    if (!this.o.httpHeaders || h.length === 0) return undefined;
    return h.map((x) => ({ key: x.key, value: x.value }));
  }

  private httpRequest(h: HttpRequestHead): void {
    const cur = this.cur!;
    this.counters.http.requests++;
    const { p, ms, conn } = cur;
    const host =
      h.headers.find((x) => x.key.toLowerCase() === 'host')?.value ??
      (p.ipVersion === 6 ? `[${p.dstText()}]:${p.dport}` : `${p.dstText()}:${p.dport}`);
    const url = /^https?:\/\//.test(h.target)
      ? h.target
      : `http://${host}${h.target.startsWith('/') ? '' : '/'}${h.target}`;
    conn.httpPending!.push({ ms, method: h.method, url, protocol: h.protocol });
    conn.httpRes!.pendingMethods.push(h.method);
    const local = this.topology.resolve(p.dstText()).kind === 'pod';
    const flow = this.l7Flow(p, p.tsSec, p.tsNsec, ms, false, local, false);
    const http = { method: h.method, url, protocol: h.protocol, headers: this.headers(h.headers) };
    if (!http.headers) delete http.headers;
    flow.l7 = { type: 'REQUEST', http };
    flow.Summary = httpSummary(http, false);
    this.delay.add(ms, this.wrap(flow));
  }

  private httpResponse(h: HttpResponseHead): void {
    if (h.code < 200) return; // interim responses (100 Continue) do not answer the request
    const cur = this.cur!;
    this.counters.http.responses++;
    const { p, ms, conn } = cur;
    const req = conn.httpPending!.shift();
    if (!req) this.counters.http.unmatchedResponses++;
    const local = this.topology.resolve(p.srcText()).kind === 'pod';
    const flow = this.l7Flow(p, p.tsSec, p.tsNsec, ms, true, local, false);
    const latency = req ? Math.max(0, Math.round((ms - req.ms) * 1e6)) : undefined;
    const http = {
      code: h.code,
      method: req?.method ?? '',
      url: req?.url ?? '',
      protocol: h.protocol,
      headers: this.headers(h.headers),
    };
    if (!http.headers) delete http.headers;
    flow.l7 = { type: 'RESPONSE', ...(latency !== undefined ? { latency_ns: String(latency) } : {}), http };
    flow.Summary = httpSummary(http, true, latency);
    this.delay.add(ms, this.wrap(flow));
  }

  private kafka(p: Packet, ms: number, conn: Conn, reply: boolean): void {
    const local = this.topology.resolve(reply ? p.srcText() : p.dstText()).kind === 'pod';
    if (!reply) {
      const r = parseKafkaRequest(p.data, p.payloadOff, p.payloadCapLen);
      if (!r) return; // a continuation segment of a larger request
      this.counters.kafka.requests++;
      conn.kafkaPending!.set(r.correlationId, {
        ms,
        apiKey: r.apiKey,
        apiVersion: r.apiVersion,
        topic: r.topic,
      });
      if (conn.kafkaPending!.size > 1024) conn.kafkaPending!.delete(conn.kafkaPending!.keys().next().value!);
      const flow = this.l7Flow(p, p.tsSec, p.tsNsec, ms, false, local, false);
      const kafka = {
        api_version: r.apiVersion,
        api_key: KAFKA_API_KEYS[r.apiKey] ?? String(r.apiKey),
        correlation_id: r.correlationId,
        topic: r.topic,
      };
      if (kafka.topic === undefined) delete kafka.topic;
      flow.l7 = { type: 'REQUEST', kafka };
      flow.Summary = kafkaSummary(kafka, false);
      this.delay.add(ms, this.wrap(flow));
      return;
    }
    const peek = parseKafkaResponse(p.data, p.payloadOff, p.payloadCapLen);
    if (!peek) return;
    const req = conn.kafkaPending!.get(peek.correlationId);
    if (!req) {
      // Not a response start (a continuation segment), or its request was missed.
      this.counters.kafka.unmatchedResponses++;
      return;
    }
    conn.kafkaPending!.delete(peek.correlationId);
    const r = parseKafkaResponse(p.data, p.payloadOff, p.payloadCapLen, req.apiKey, req.apiVersion)!;
    this.counters.kafka.responses++;
    const flow = this.l7Flow(p, p.tsSec, p.tsNsec, ms, true, local, false);
    const kafka = {
      error_code: r.errorCode,
      api_version: req.apiVersion,
      api_key: KAFKA_API_KEYS[req.apiKey] ?? String(req.apiKey),
      correlation_id: r.correlationId,
      topic: req.topic,
    };
    if (kafka.topic === undefined) delete kafka.topic;
    flow.l7 = { type: 'RESPONSE', latency_ns: String(Math.max(0, Math.round((ms - req.ms) * 1e6))), kafka };
    flow.Summary = kafkaSummary(kafka, true);
    this.delay.add(ms, this.wrap(flow));
  }
}
