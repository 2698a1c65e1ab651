/**
 * `dns-latency` (flowlens; neither Hubble nor Retina has it): a histogram of DNS response
 * latency, `flowlens_dns_latency_seconds`, and a counter of requests that never got an answer,
 * `flowlens_dns_unanswered_total`.
 *
 * Latency comes from the response's `l7.latency_ns` when the producer set it (Cilium's DNS
 * proxy does); otherwise the response is paired with its request. Hubble flows carry no DNS
 * transaction id, so the pairing key is what identifies a transaction on the wire besides the
 * id: client IP and port, server IP and port, query name and question types. Pending requests
 * are bounded (`maxPending`, oldest evicted first) and expire after `timeout` of flow time,
 * both counted as unanswered. Labels are from the request's point of view (source = client).
 */
import type { DNS, Flow } from '../../../flow/index.js';
import type { FlowFacts } from '../../facts.js';
import { fastMillis, secondsNanos } from '../../time.js';
import { rcodeName } from '../../flow-fields.js';
import type { LabelFill } from '../../store/family.js';
import type { MetricPlugin } from '../../types.js';
import { contextFamily, foldQuery } from '../common.js';

/** Buckets in seconds: 0.5 ms … 5 s (the usual resolver timeout). */
export const DNS_LATENCY_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];

interface Pending {
  /**
   * The fields of the request its labels need (not the whole flow: pending requests live long
   * enough to be promoted by the GC, and whole flows would make that costly).
   */
  flow: Flow;
  /** Time in ms (expiry) and as written (exact latency, parsed only when needed). */
  ms: number;
  time: string;
  /** Client IP and port (for the text key after a KeySpace reset). */
  ip: string;
  port: number;
}

function requestView(flow: Flow): Flow {
  const d = flow.l7!.dns!;
  return {
    uuid: flow.uuid,
    time: flow.time,
    source: flow.source,
    destination: flow.destination,
    IP: flow.IP,
    traffic_direction: flow.traffic_direction,
    source_names: flow.source_names,
    destination_names: flow.destination_names,
    trace_context: flow.trace_context,
    l7: { dns: { query: d.query, qtypes: d.qtypes } },
  };
}

/**
 * Pairing key of a request: client IP and port, query and question types. (The server is left
 * out: a client does not send the same question from the same port to two servers at once, and
 * a shorter key is cheaper to hash.)
 */
export function requestKey(flow: Flow): string {
  const d = flow.l7!.dns!;
  const p = flow.l4?.UDP ?? flow.l4?.TCP;
  const q = d.qtypes;
  return `${flow.IP?.source ?? ''}|${p?.source_port ?? 0}|${d.query ?? ''}|${q === undefined ? '' : q.length === 1 ? q[0] : q.join(',')}`;
}

/** {@link requestKey} of a pending request. */
function pendingKey(p: Pending): string {
  const d = p.flow.l7!.dns!;
  const q = d.qtypes;
  return `${p.ip}|${p.port}|${d.query ?? ''}|${q === undefined ? '' : q.length === 1 ? q[0] : q.join(',')}`;
}

/**
 * The numeric pairing key: client IP id (< 2^18), port (< 2^16) and (query, question types) id
 * (< 2^19) in one exact number; -1 when a part is out of range (the text key is used then).
 */
function numericKey(ipId: number, port: number | undefined, qq: number): number {
  const p = port ?? 0;
  return ipId < 262144 && qq < 524288 && Number.isInteger(p) && p >= 0 && p < 65536
    ? (ipId * 65536 + p) * 524288 + qq
    : -1;
}

/** Pairing key of a response, equal to its request's key. */
export function responseKey(flow: Flow): string {
  const d = flow.l7!.dns!;
  const p = flow.l4?.UDP ?? flow.l4?.TCP;
  const q = d.qtypes;
  return `${flow.IP?.destination ?? ''}|${p?.destination_port ?? 0}|${d.query ?? ''}|${q === undefined ? '' : q.length === 1 ? q[0] : q.join(',')}`;
}

/** The `dns-latency` handler plugin. */
export const dnsLatencyPlugin: MetricPlugin = {
  name: 'dns-latency',
  help: 'flowlens_dns_latency_seconds{rcode,qtypes[,query]} (histogram), flowlens_dns_unanswered_total{qtypes[,query]}',
  options: {
    query: 'add the label query',
    timeout: 'a request unanswered for this long (flow time) counts as unanswered (default 5s)',
    maxpending: 'maximum requests waiting for their response (default 65536)',
  },
  contextOptions: true,
  create(h) {
    const ctx = h.context;
    const keys = h.keys;
    const n = ctx.size;
    const withQuery = h.options.has('query');
    const timeoutMs = h.options.duration('timeout', 5000);
    const maxPending = h.options.int('maxPending', 65536);
    const q = withQuery ? ['query'] : [];
    const latency = contextFamily(
      h,
      'flowlens_dns_latency_seconds',
      'DNS response latency in seconds (request to response)',
      'histogram',
      ['rcode', 'qtypes', ...q],
      {
        buckets: DNS_LATENCY_BUCKETS,
        ownDegradable: withQuery,
      },
    );
    const unanswered = contextFamily(
      h,
      'flowlens_dns_unanswered_total',
      'DNS requests that got no response within the timeout',
      'counter',
      ['qtypes', ...q],
      {
        ownDegradable: withQuery,
      },
    );
    // Requests waiting for their response, oldest first: `pending` by numeric key (ids of the
    // current KeySpace epoch, see numericKey) or, when out of range, by text key; `older` those
    // from before the last KeySpace reset, by text key ({@link requestKey}), all older than any
    // entry of `pending`. Together they behave as one map in insertion order.
    let pending = new Map<number | string, Pending>();
    const older = new Map<string, Pending>();
    keys.onReset(() => {
      for (const p of pending.values()) {
        const k = pendingKey(p);
        older.delete(k);
        older.set(k, p);
      }
      pending = new Map();
    });
    let latest = -Infinity;

    // Response labels, inverted so that `source` is the client.
    const fillLatency: LabelFill<void> = (out, flow, level) => {
      ctx.fill(out, 0, flow, level, true);
      const d = flow.l7!.dns!;
      out[n] = rcodeName(d.rcode);
      out[n + 1] = d.qtypes?.join(',') ?? '';
      if (withQuery) out[n + 2] = foldQuery(d.query ?? '', level);
    };
    // Request labels, as they are.
    const fillUnanswered: LabelFill<void> = (out, flow, level) => {
      ctx.fill(out, 0, flow, level);
      const d = flow.l7!.dns!;
      out[n] = d.qtypes?.join(',') ?? '';
      if (withQuery) out[n + 1] = foldQuery(d.query ?? '', level);
    };
    const giveUp = (p: Pending) => {
      const s = unanswered.at(fillUnanswered, p.flow, undefined);
      if (s === undefined) return;
      s.value += 1;
      if (unanswered.exemplars) unanswered.exemplar(s, p.flow, 1);
    };
    const record = (flow: Flow, facts: FlowFacts, d: DNS, seconds: number) => {
      // (rcode, qtypes[, query]) as KeySpace ids (keys.dns(d) was called for this record).
      const q = withQuery ? keys.dnsQueryQtypes() : keys.qtypesId;
      const rcode = d.rcode ?? 0;
      const k2 =
        Number.isInteger(rcode) && rcode >= 0 && rcode < 1 << 20 && q < 1 << 30
          ? q * 1048576 + rcode
          : `${rcode}\u0001${q}`;
      latency.observeAt(ctx.keyOf(facts, true), k2, fillLatency, flow, undefined, seconds);
    };

    const evictOldest = () => {
      const from = older.size > 0 ? older : pending;
      const [k, oldest] = from.entries().next().value as [number | string, Pending];
      from.delete(k as string);
      giveUp(oldest);
    };

    return {
      observe(flow, facts) {
        const dns = facts.dns;
        if (dns === undefined || facts.dropped) return;
        const time = flow.time;
        const ms = fastMillis(time);
        if (ms > latest) latest = ms;
        if (facts.reply !== 1 && !Number.isFinite(ms)) return;
        keys.dns(dns);
        const qq = keys.dnsQueryQtypes();
        const ip = flow.IP;
        const ports = facts.l4 === undefined ? undefined : (facts.l4.UDP ?? facts.l4.TCP);
        if (facts.reply !== 1) {
          if (pending.size + older.size >= maxPending) evictOldest();
          const addr = ip?.source ?? '';
          const port = ports?.source_port;
          const n = numericKey(keys.str(addr), port, qq);
          const key = n >= 0 ? n : requestKey(flow);
          // A retransmission restarts the clock and keeps insertion order.
          pending.delete(key);
          if (older.size > 0) older.delete(requestKey(flow));
          pending.set(key, { flow: requestView(flow), ms, time: time!, ip: addr, port: port ?? 0 });
          return;
        }
        const n = numericKey(keys.str(ip?.destination ?? ''), ports?.destination_port, qq);
        const key = n >= 0 ? n : responseKey(flow);
        let req = pending.get(key);
        if (req !== undefined) pending.delete(key);
        else if (older.size > 0) {
          const text = responseKey(flow);
          req = older.get(text);
          if (req !== undefined) older.delete(text);
        }
        const ns = facts.l7!.latency_ns;
        if (ns !== undefined && ns !== '0') record(flow, facts, dns, Number(ns) / 1e9);
        else if (req !== undefined && Number.isFinite(ms) && ms >= req.ms) {
          const [sec, nanos] = secondsNanos(time)!;
          const [rsec, rnanos] = secondsNanos(req.time)!;
          record(flow, facts, dns, sec - rsec + (nanos - rnanos) / 1e9);
        }
      },
      tick() {
        // Expire by flow time so that replayed logs behave like live traffic.
        const limit = latest - timeoutMs;
        // Insertion order is time order (near enough); `older` comes first.
        for (const [k, p] of older) {
          if (p.ms >= limit) return;
          older.delete(k);
          giveUp(p);
        }
        for (const [k, p] of pending) {
          if (p.ms >= limit) break;
          pending.delete(k);
          giveUp(p);
        }
      },
    };
  },
};
