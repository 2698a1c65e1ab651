/**
 * Consistency checks over a stream of generated flows: the rules a real Hubble capture obeys
 * and consumers rely on (time order, event type vs Type and fields, Summary text, replies after
 * requests, DNS answers after their queries, drops never forwarded). Used by the simulator's
 * tests and available to other suites that consume simulated flows.
 */
import { compareTime, type Flow, type FlowEvent } from '../flow/index.js';
import { DROP_NAMES } from './flow-factory.js';

/** Counters gathered while checking. */
export interface FlowStats {
  flows: number;
  drops: number;
  dnsRequests: number;
  dnsResponses: number;
  /** DNS requests that never got a response. */
  dnsUnanswered: number;
  httpRequests: number;
  httpResponses: number;
  kafkaRequests: number;
  kafkaResponses: number;
}

/** The result of checkInvariants: violations (empty when all hold) and counters. */
export interface InvariantReport {
  violations: string[];
  stats: FlowStats;
}

const POINTS: Record<number, string> = { 0: 'TO_ENDPOINT', 3: 'TO_STACK', 4: 'TO_OVERLAY' };
const FLAG_ORDER = ['SYN', 'ACK', 'RST', 'FIN', 'PSH', 'URG', 'ECE', 'CWR', 'NS'] as const;

function ports(f: Flow): [string, number, number] | undefined {
  const l4 = f.l4;
  if (l4?.TCP) return ['TCP', l4.TCP.source_port ?? 0, l4.TCP.destination_port ?? 0];
  if (l4?.UDP) return ['UDP', l4.UDP.source_port ?? 0, l4.UDP.destination_port ?? 0];
  return undefined;
}

/** A direction-independent key of the connection a flow belongs to. */
export function connectionKey(f: Flow): string | undefined {
  const p = ports(f);
  if (!p || !f.IP) return undefined;
  const a = `${f.IP.source}:${p[1]}`;
  const b = `${f.IP.destination}:${p[2]}`;
  return a < b ? `${p[0]} ${a} ${b}` : `${p[0]} ${b} ${a}`;
}

function expectedSummary(f: Flow): string | undefined {
  if (f.Type === 'L3_L4') {
    const fl = f.l4?.TCP?.flags;
    if (f.l4?.TCP) return 'TCP Flags: ' + FLAG_ORDER.filter((k) => fl?.[k]).join(', ');
    if (f.l4?.UDP) return 'UDP';
  }
  return undefined;
}

/** Checks the invariants over events in output order. Stops collecting after 50 violations. */
export function checkInvariants(events: Iterable<FlowEvent>): InvariantReport {
  const v: string[] = [];
  const stats: FlowStats = {
    flows: 0,
    drops: 0,
    dnsRequests: 0,
    dnsResponses: 0,
    dnsUnanswered: 0,
    httpRequests: 0,
    httpResponses: 0,
    kafkaRequests: 0,
    kafkaResponses: 0,
  };
  const bad = (i: number, msg: string) => v.length < 50 && v.push(`flow ${i}: ${msg}`);
  let prev: string | undefined;
  const dnsPending = new Map<string, number>();
  const httpPending = new Set<string>();
  const kafkaPending = new Set<string>();
  const dropped = new Set<string>();
  const forwarded = new Set<string>();
  let i = -1;
  for (const ev of events) {
    i++;
    stats.flows++;
    const f = ev.flow;
    if (!f || !f.time) {
      bad(i, 'no flow or no time');
      continue;
    }
    if (ev.time !== f.time || ev.node_name !== f.node_name)
      bad(i, 'wrapper time/node_name differ from the flow');
    if (prev && compareTime(prev, f.time) > 0) bad(i, `time goes back: ${f.time} after ${prev}`);
    prev = f.time;
    if ((f.reply === true) !== (f.is_reply === true)) bad(i, 'reply and is_reply disagree');
    const type = f.event_type?.type;
    const sub = f.event_type?.sub_type ?? 0;
    const key = connectionKey(f);
    switch (type) {
      case 4:
        if (
          f.Type !== 'L3_L4' ||
          f.verdict !== 'FORWARDED' ||
          f.trace_observation_point !== POINTS[sub] ||
          f.is_reply === undefined
        )
          bad(i, `inconsistent trace event (sub_type ${sub}, point ${String(f.trace_observation_point)})`);
        break;
      case 1:
        stats.drops++;
        if (
          f.Type !== 'L3_L4' ||
          f.verdict !== 'DROPPED' ||
          f.drop_reason !== sub ||
          f.drop_reason_desc !== (DROP_NAMES[sub] ?? sub) ||
          f.is_reply !== undefined
        )
          bad(i, `inconsistent drop event (code ${sub}, desc ${String(f.drop_reason_desc)})`);
        break;
      case 5:
        if (
          f.Type !== 'L3_L4' ||
          (f.verdict === 'FORWARDED'
            ? f.is_reply !== false
            : f.drop_reason !== 133 || f.is_reply !== undefined)
        )
          bad(i, 'inconsistent policy-verdict event');
        break;
      case 129:
        if (f.Type !== 'L7' || !f.l7 || f.verdict !== 'FORWARDED') bad(i, 'inconsistent L7 event');
        break;
      default:
        bad(i, `unexpected event type ${String(type)}`);
    }
    const want = expectedSummary(f);
    if (want !== undefined && f.Summary !== want) bad(i, `Summary "${f.Summary}", expected "${want}"`);
    if (key) {
      if (f.verdict === 'DROPPED') dropped.add(key);
      else forwarded.add(key);
      if (f.verdict === 'DROPPED' && forwarded.has(key))
        bad(i, `connection ${key} dropped after being forwarded`);
      if (f.verdict !== 'DROPPED' && dropped.has(key) && type !== 129)
        bad(i, `connection ${key} forwarded after a drop`);
    }
    const l7 = f.l7;
    if (!l7) continue;
    const p = ports(f);
    if (l7.dns) {
      const qk = (reply: boolean) =>
        `${reply ? f.IP?.destination : f.IP?.source}:${reply ? p?.[2] : p?.[1]} ${l7.dns!.query} ${l7.dns!.qtypes?.join(',')}`;
      if (l7.type === 'REQUEST') {
        stats.dnsRequests++;
        dnsPending.set(qk(false), (dnsPending.get(qk(false)) ?? 0) + 1);
        if (f.Summary !== `DNS Query ${l7.dns.query} ${l7.dns.qtypes?.join(',')}`)
          bad(i, 'DNS request Summary');
      } else {
        stats.dnsResponses++;
        const n = dnsPending.get(qk(true)) ?? 0;
        if (n === 0) bad(i, `DNS response without an earlier request: ${qk(true)}`);
        else dnsPending.set(qk(true), n - 1);
        if (
          !f.Summary?.startsWith('DNS Answer ') ||
          !f.Summary.endsWith(`(Proxy ${l7.dns.query} ${l7.dns.qtypes?.join(',')})`)
        )
          bad(i, 'DNS response Summary');
      }
    } else if (l7.http) {
      const id = l7.http.headers?.find((h) => h.key === 'x-request-id')?.value ?? '';
      if (l7.type === 'REQUEST') {
        stats.httpRequests++;
        httpPending.add(id);
        if (f.Summary !== `${l7.http.protocol} ${l7.http.method} ${l7.http.url}`)
          bad(i, 'HTTP request Summary');
      } else {
        stats.httpResponses++;
        if (!httpPending.delete(id)) bad(i, `HTTP response without an earlier request (${id})`);
        if (
          f.Summary !==
          `${l7.http.protocol} ${l7.http.code} ${Math.floor(Number(l7.latency_ns) / 1e6)}ms (${l7.http.method} ${l7.http.url})`
        )
          bad(i, 'HTTP response Summary');
      }
    } else if (l7.kafka) {
      const k = l7.kafka;
      const ck = `${key} ${k.correlation_id}`;
      if (l7.type === 'REQUEST') {
        stats.kafkaRequests++;
        kafkaPending.add(ck);
      } else {
        stats.kafkaResponses++;
        if (!kafkaPending.delete(ck)) bad(i, 'Kafka response without an earlier request');
        if (
          f.Summary !==
          `Kafka response ${k.api_key} correlation id ${k.correlation_id} topic '${k.topic}' return code ${k.error_code ?? 0}`
        )
          bad(i, 'Kafka response Summary');
      }
    }
  }
  for (const n of dnsPending.values()) stats.dnsUnanswered += n;
  return { violations: v, stats };
}
