/**
 * `networkobservability-adv`: Retina's pod-level ("advanced") families, derived from flows:
 *
 * - networkobservability_adv_forward_count / _forward_bytes {direction, ctx[, is_reply]}: verdict
 *   FORWARDED only (REDIRECTED flows do not count, as in Retina's forward module)
 * - networkobservability_adv_drop_count / _drop_bytes {reason, direction, ctx}
 * - networkobservability_adv_tcpflags_count {flag, ctx}: one per flag set on a FORWARDED TCP
 *   event, SYN with ACK counting as SYNACK only
 * - networkobservability_adv_tcpretrans_count {direction, ctx}: Retina's retransmission flows
 *   (verdict 15)
 * - networkobservability_adv_dns_request_count {query_type, query, ctx} and
 *   networkobservability_adv_dns_response_count {return_code, query_type, query, response, num_response, ctx}
 * - networkobservability_adv_node_apiserver_latency, _tcp_handshake_latency (histograms in ms,
 *   buckets 0.5 … 63.5) and _no_response (counter), from packets to reserved:kube-apiserver
 *
 * Options: `remoteContext` (both endpoints, `source_`/`destination_` labels) and `isReply`
 * (adds `is_reply` to the forward families). Only flows whose local endpoint is a pod count.
 */
import type { Flow } from '../../../flow/index.js';
import {
  EVENT,
  directionLower,
  dropReasonName,
  isDropped,
  isForwarded,
  retinaRcode,
} from '../../flow-fields.js';
import type { Family, FamilySpec, LabelFill } from '../../store/family.js';
import type { MetricPlugin } from '../../types.js';
import { foldQuery, foldValue } from '../common.js';
import { flowBytes } from '../networkobservability/bytes.js';
import { ApiserverTracker } from './apiserver.js';
import { contextNames, contextPodLabels, fillContext, localSide } from './labels.js';

/** Retina's custom verdict for TCP retransmissions. */
const VERDICT_RETRANSMISSION = 15;

const TCP_FLAGS = ['FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR', 'NS'] as const;

/** Linear buckets 0.5, 1.5, … 63.5 (ms), as current Retina. */
export const APISERVER_BUCKETS: readonly number[] = Array.from({ length: 64 }, (_, i) => i + 0.5);

type Side = 'source' | 'destination';

/** The `networkobservability-adv` handler plugin. */
export const networkObservabilityAdvPlugin: MetricPlugin = {
  name: 'networkobservability-adv',
  help: 'Retina pod-level networkobservability_adv_* (forward, drop, tcpflags, tcpretrans, dns, node_apiserver)',
  options: {
    remotecontext: 'label both endpoints (source_*/destination_*) instead of the local pod',
    isreply: 'add the is_reply label to the forward families',
  },
  contextOptions: false,
  create(h) {
    const remote = h.options.has('remoteContext');
    const withReply = h.options.has('isReply');
    const ctxNames = contextNames(remote);
    const podLabels = contextPodLabels(remote);
    const fam = (
      name: string,
      help: string,
      type: FamilySpec['type'],
      own: string[],
      buckets?: readonly number[],
    ) => h.family({ name, help, type, labels: [...own, ...ctxNames], degradable: true, podLabels, buckets });
    const P = 'networkobservability_adv_';
    const fwdOwn = withReply ? ['direction', 'is_reply'] : ['direction'];
    const fwdCount = fam(P + 'forward_count', 'Total forwarded packets', 'gauge', fwdOwn);
    const fwdBytes = fam(P + 'forward_bytes', 'Total forwarded bytes', 'gauge', fwdOwn);
    const dropCount = fam(P + 'drop_count', 'Total dropped packets', 'gauge', ['reason', 'direction']);
    const dropBytes = fam(P + 'drop_bytes', 'Total dropped bytes', 'gauge', ['reason', 'direction']);
    const tcpFlags = fam(P + 'tcpflags_count', 'TCP packets by flag', 'gauge', ['flag']);
    const retrans = fam(P + 'tcpretrans_count', 'TCP retransmissions', 'gauge', ['direction']);
    const dnsReq = fam(P + 'dns_request_count', 'DNS requests by query', 'counter', ['query_type', 'query']);
    const dnsResp = fam(P + 'dns_response_count', 'DNS responses by query', 'counter', [
      'return_code',
      'query_type',
      'query',
      'response',
      'num_response',
    ]);
    const apiFam = (name: string, help: string, type: FamilySpec['type'], buckets?: readonly number[]) =>
      h.family({ name: P + name, help, type, labels: [], buckets });
    const apiLatency = apiFam(
      'node_apiserver_latency',
      'Node to API server latency in ms',
      'histogram',
      APISERVER_BUCKETS,
    );
    const apiHandshake = apiFam(
      'node_apiserver_tcp_handshake_latency',
      'Node to API server TCP handshake latency in ms',
      'histogram',
      APISERVER_BUCKETS,
    );
    const apiNoResponse = apiFam(
      'node_apiserver_no_response',
      'Packets to the API server without a reply',
      'counter',
    );

    const fwdFill: LabelFill<Side> = (out, flow, level, side) => {
      out[0] = directionLower(flow);
      let i = 1;
      if (withReply) out[i++] = flow.is_reply === true ? 'true' : 'false';
      fillContext(out, i, flow, level, remote, side);
    };
    const dropFill: LabelFill<Side> = (out, flow, level, side) => {
      out[0] = dropReasonName(flow);
      out[1] = directionLower(flow);
      fillContext(out, 2, flow, level, remote, side);
    };
    // The flag name travels beside the side argument; set right before each call.
    let flagArg = '';
    const flagFill: LabelFill<Side> = (out, flow, level, side) => {
      out[0] = flagArg;
      fillContext(out, 1, flow, level, remote, side);
    };
    const retransFill: LabelFill<Side> = (out, flow, level, side) => {
      out[0] = directionLower(flow);
      fillContext(out, 1, flow, level, remote, side);
    };
    const dnsReqFill: LabelFill<Side> = (out, flow, level, side) => {
      const d = flow.l7!.dns!;
      out[0] = d.qtypes?.join(',') ?? '';
      out[1] = foldQuery(d.query ?? '', level);
      fillContext(out, 2, flow, level, remote, side);
    };
    const dnsRespFill: LabelFill<Side> = (out, flow, level, side) => {
      const d = flow.l7!.dns!;
      out[0] = retinaRcode(d.rcode);
      out[1] = d.qtypes?.join(',') ?? '';
      out[2] = foldQuery(d.query ?? '', level);
      out[3] = foldValue(d.ips?.join(',') ?? '', level, 0);
      out[4] = String(d.ips?.length ?? 0);
      fillContext(out, 5, flow, level, remote, side);
    };
    const add = (f: Family, fill: LabelFill<Side>, flow: Flow, side: Side, v: number) => {
      const s = f.at(fill, flow, side);
      if (s === undefined) return;
      s.value += v;
      if (f.exemplars) f.exemplar(s, flow, v);
    };
    const flag = (flow: Flow, side: Side, name: string) => {
      flagArg = name;
      add(tcpFlags, flagFill, flow, side, 1);
    };
    const tracker = new ApiserverTracker({
      latency: (ms) => apiLatency.observe(apiLatency.get([])!, ms),
      handshake: (ms) => apiHandshake.observe(apiHandshake.get([])!, ms),
      noResponse: () => {
        apiNoResponse.get([])!.value += 1;
      },
    });

    return {
      observe(flow) {
        tracker.observe(flow);
        const side = remote ? 'source' : localSide(flow);
        if (side === undefined) return;
        if (remote && !flow.source?.pod_name && !flow.destination?.pod_name) return;
        if ((flow.event_type?.type ?? 0) === EVENT.L7 || flow.l7?.dns !== undefined) {
          if (flow.l7?.dns === undefined || isDropped(flow)) return;
          if (flow.is_reply === true) add(dnsResp, dnsRespFill, flow, side, 1);
          else add(dnsReq, dnsReqFill, flow, side, 1);
          return;
        }
        if (flow.verdict === VERDICT_RETRANSMISSION) {
          add(retrans, retransFill, flow, side, 1);
          return;
        }
        if (isDropped(flow)) {
          add(dropCount, dropFill, flow, side, 1);
          add(dropBytes, dropFill, flow, side, flowBytes(flow));
          return;
        }
        // Retina's forward and TCP-flag modules count verdict FORWARDED only (not REDIRECTED).
        if (!isForwarded(flow)) return;
        add(fwdCount, fwdFill, flow, side, 1);
        add(fwdBytes, fwdFill, flow, side, flowBytes(flow));
        const f = flow.l4?.TCP?.flags;
        if (f === undefined) return;
        if (f.SYN === true) flag(flow, side, f.ACK === true ? 'SYNACK' : 'SYN');
        else if (f.ACK === true) flag(flow, side, 'ACK');
        for (const name of TCP_FLAGS) if (f[name] === true) flag(flow, side, name);
      },
      tick() {
        tracker.tick();
      },
    };
  },
};
