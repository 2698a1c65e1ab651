/**
 * `networkobservability`: Retina's node-level families, derived from flows where a flow
 * carries the fact (the /proc collector in node/ supplies the rest):
 *
 * - networkobservability_forward_count / _forward_bytes {direction}: forwarded datapath events
 *   (one per flow event; bytes when the flow carries its size, see bytes.ts);
 * - networkobservability_drop_count / _drop_bytes {reason, direction}: dropped datapath events,
 *   `reason` = Hubble drop reason name;
 * - networkobservability_tcp_flag_counters {direction, flag}: forwarded TCP events by flag
 *   (`syn`, `synack`, `fin`, `rst`, lower case as the ACNS Clusters dashboard queries them);
 * - networkobservability_dns_request_count {query_type, query} and
 *   networkobservability_dns_response_count {return_code, query_type, query, response, num_response}:
 *   DNS records, with the (older) labels the ACNS DNS dashboard uses.
 *
 * The forward/drop families are gauges holding running totals, as Retina registers them.
 */
import type { Flow } from '../../../flow/index.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../../facts.js';
import { EVENT, directionLower, dropReasonName, retinaRcode } from '../../flow-fields.js';
import type { Family, LabelFill } from '../../store/family.js';
import type { MetricPlugin } from '../../types.js';
import { foldQuery, foldValue } from '../common.js';
import { flowBytes } from './bytes.js';

const fillDirection: LabelFill<void> = (out, flow) => {
  out[0] = directionLower(flow);
};
const fillDrop: LabelFill<void> = (out, flow) => {
  out[0] = dropReasonName(flow);
  out[1] = directionLower(flow);
};
const fillFlag: LabelFill<string> = (out, flow, _level, flag) => {
  out[0] = directionLower(flow);
  out[1] = flag;
};
const fillDnsRequest: LabelFill<void> = (out, flow, level) => {
  const d = flow.l7!.dns!;
  out[0] = d.qtypes?.join(',') ?? '';
  out[1] = foldQuery(d.query ?? '', level);
};
const fillDnsResponse: LabelFill<void> = (out, flow, level) => {
  const d = flow.l7!.dns!;
  out[0] = retinaRcode(d.rcode);
  out[1] = d.qtypes?.join(',') ?? '';
  out[2] = foldQuery(d.query ?? '', level);
  out[3] = foldValue(d.ips?.join(',') ?? '', level, 0);
  out[4] = String(d.ips?.length ?? 0);
};

function add(
  fam: Family,
  k1: number,
  k2: string | number,
  fill: LabelFill<void>,
  flow: Flow,
  v: number,
): void {
  fam.add(k1, k2, fill, flow, undefined, v);
}

/** The `networkobservability` handler plugin. */
export const networkObservabilityPlugin: MetricPlugin = {
  name: 'networkobservability',
  help: 'Retina node-level networkobservability_{forward,drop}_{count,bytes}, _tcp_flag_counters, _dns_{request,response}_count from flows',
  options: {},
  contextOptions: false,
  create(h) {
    const keys = h.keys;
    const g = (name: string, help: string, labels: string[]) =>
      h.family({ name, help, type: 'gauge', labels });
    const fwdCount = g('networkobservability_forward_count', 'Total forwarded packets', ['direction']);
    const fwdBytes = g('networkobservability_forward_bytes', 'Total forwarded bytes', ['direction']);
    const dropCount = g('networkobservability_drop_count', 'Total dropped packets', ['reason', 'direction']);
    const dropBytes = g('networkobservability_drop_bytes', 'Total dropped bytes', ['reason', 'direction']);
    const flags = g('networkobservability_tcp_flag_counters', 'TCP packets by flag', ['direction', 'flag']);
    const dnsReq = h.family({
      name: 'networkobservability_dns_request_count',
      help: 'DNS requests by query',
      type: 'counter',
      labels: ['query_type', 'query'],
      degradable: true,
    });
    const dnsResp = h.family({
      name: 'networkobservability_dns_response_count',
      help: 'DNS responses by query',
      type: 'counter',
      labels: ['return_code', 'query_type', 'query', 'response', 'num_response'],
      degradable: true,
    });
    const FLAGS = ['syn', 'synack', 'fin', 'rst'];
    const flag = (flow: Flow, dir: number, f: number) => {
      flags.add(0, dir * 4 + f, fillFlag, flow, FLAGS[f]!, 1, false);
    };
    return {
      observe(flow, facts) {
        if (facts.eventType === EVENT.L7) {
          const dns = facts.dns;
          if (dns === undefined || facts.dropped) return;
          // (query, qtypes) as a KeySpace id, shared with the dns handlers through keys.dns().
          keys.dns(dns);
          const qq = keys.dnsQueryQtypes();
          if (facts.reply === 1) {
            const rcode = dns.rcode ?? 0;
            // Keyed by (query, qtypes) and (answers as joined, rcode, number of answers).
            const ips = dns.ips;
            const len = ips === undefined ? 0 : ips.length;
            const joined = keys.str(len === 0 ? '' : len === 1 ? ips![0]! : ips!.join(','));
            const k2 =
              Number.isInteger(rcode) && rcode >= 0 && rcode < 4096 && len < 4096 && joined < 1 << 29
                ? joined * 16777216 + rcode * 4096 + len
                : `${rcode}\u0001${joined}\u0001${len}`;
            add(dnsResp, qq, k2, fillDnsResponse, flow, 1);
          } else add(dnsReq, 0, qq, fillDnsRequest, flow, 1);
          return;
        }
        const dir = facts.direction;
        if (facts.dropped) {
          const k2 = keys.dropReason(flow) * 4 + dir;
          add(dropCount, 0, k2, fillDrop, flow, 1);
          const bytes = flow.extensions === undefined ? 0 : flowBytes(flow);
          add(dropBytes, 0, k2, fillDrop, flow, bytes);
          return;
        }
        if (!facts.forwarded) return;
        add(fwdCount, 0, dir, fillDirection, flow, 1);
        add(fwdBytes, 0, dir, fillDirection, flow, flow.extensions === undefined ? 0 : flowBytes(flow));
        const tf = facts.tcpFlags();
        if ((tf & TCP_SYN) !== 0) flag(flow, dir, (tf & TCP_ACK) !== 0 ? 1 : 0);
        if ((tf & TCP_FIN) !== 0) flag(flow, dir, 2);
        if ((tf & TCP_RST) !== 0) flag(flow, dir, 3);
      },
    };
  },
};
