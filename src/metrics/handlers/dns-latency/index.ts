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
import type { Flow } from '../../../flow/index.js';
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
    const pending = new Map<string, Pending>();
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
    const record = (flow: Flow, seconds: number) => {
      const d = flow.l7!.dns!;
      // (rcode, qtypes[, query]) as KeySpace ids.
      const queryId = keys.dns(d);
      const q = withQuery ? keys.pair(queryId, keys.qtypesId) : keys.qtypesId;
      const rcode = d.rcode ?? 0;
      const k2 =
        Number.isInteger(rcode) && rcode >= 0 && rcode < 1 << 20 ? keys.pair(q, rcode) : `${rcode}\u0001${q}`;
      const s = latency.atKey(ctx.key(flow, true), k2, fillLatency, flow, undefined);
      if (s === undefined) return;
      const b = latency.observe(s, seconds);
      if (latency.exemplars) latency.exemplar(s, flow, seconds, b);
    };

    return {
      observe(flow, facts) {
        const dns = facts.l7?.dns;
        if (dns === undefined || facts.dropped) return;
        const ms = fastMillis(flow.time);
        if (ms > latest) latest = ms;
        if (facts.reply !== 1) {
          if (!Number.isFinite(ms)) return;
          if (pending.size >= maxPending) {
            const [k, oldest] = pending.entries().next().value as [string, Pending];
            pending.delete(k);
            giveUp(oldest);
          }
          const key = requestKey(flow);
          pending.delete(key); // a retransmission restarts the clock and keeps insertion order
          pending.set(key, { flow: requestView(flow), ms, time: flow.time! });
          return;
        }
        const key = responseKey(flow);
        const req = pending.get(key);
        if (req !== undefined) pending.delete(key);
        const ns = flow.l7?.latency_ns;
        if (ns !== undefined && ns !== '0') record(flow, Number(ns) / 1e9);
        else if (req !== undefined && Number.isFinite(ms) && ms >= req.ms) {
          const [sec, nanos] = secondsNanos(flow.time)!;
          const [rsec, rnanos] = secondsNanos(req.time)!;
          record(flow, sec - rsec + (nanos - rnanos) / 1e9);
        }
      },
      tick() {
        // Expire by flow time so that replayed logs behave like live traffic.
        const limit = latest - timeoutMs;
        for (const [k, p] of pending) {
          if (p.ms >= limit) break; // insertion order is time order (near enough)
          pending.delete(k);
          giveUp(p);
        }
      },
    };
  },
};
