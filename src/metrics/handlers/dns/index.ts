/**
 * `dns`: hubble_dns_queries_total, hubble_dns_responses_total, hubble_dns_response_types_total.
 * Options `query` (adds the `query` label) and `ignoreAAAA` (skips AAAA-only questions).
 */
import type { Flow } from '../../../flow/index.js';
import { rcodeName } from '../../flow-fields.js';
import type { LabelFill } from '../../store/family.js';
import type { MetricPlugin } from '../../types.js';
import { contextFamily, foldQuery } from '../common.js';

const HELP = 'Number of DNS queries observed';

/** The `dns` handler plugin. */
export const dnsPlugin: MetricPlugin = {
  name: 'dns',
  help: 'hubble_dns_queries_total, hubble_dns_responses_total, hubble_dns_response_types_total (counters)',
  options: {
    query: 'add the label query (the queried name)',
    ignoreaaaa: 'ignore queries whose only type is AAAA',
  },
  contextOptions: true,
  create(h) {
    const ctx = h.context;
    const keys = h.keys;
    const n = ctx.size;
    const withQuery = h.options.has('query');
    const ignoreAAAA = h.options.has('ignoreAAAA');
    const q = withQuery ? ['query'] : [];
    const opts = { ownDegradable: withQuery };
    const queries = contextFamily(
      h,
      'hubble_dns_queries_total',
      HELP,
      'counter',
      ['rcode', 'qtypes', 'ips_returned', ...q],
      opts,
    );
    const responses = contextFamily(
      h,
      'hubble_dns_responses_total',
      HELP,
      'counter',
      ['rcode', 'qtypes', 'ips_returned', ...q],
      opts,
    );
    const types = contextFamily(
      h,
      'hubble_dns_response_types_total',
      HELP,
      'counter',
      ['type', 'qtypes', ...q],
      opts,
    );

    // Queries (rcode '' for requests, 'Policy denied' for dropped flows) and responses (rcode
    // name). `ips_returned` is the number of `l7.dns.ips` in both, as Hubble computes it once per
    // flow: "0" for a plain request, but a dropped flow that carries answers counts them.
    const fillCounts: LabelFill<string> = (out, flow, level, rcode) => {
      ctx.fill(out, 0, flow, level);
      const dns = flow.l7!.dns!;
      out[n] = rcode;
      out[n + 1] = dns.qtypes?.join(',') ?? '';
      out[n + 2] = String(dns.ips?.length ?? 0);
      if (withQuery) out[n + 3] = foldQuery(dns.query ?? '', level);
    };
    const fillType: LabelFill<string> = (out, flow, level, rrtype) => {
      ctx.fill(out, 0, flow, level);
      const dns = flow.l7!.dns!;
      out[n] = rrtype;
      out[n + 1] = dns.qtypes?.join(',') ?? '';
      if (withQuery) out[n + 2] = foldQuery(dns.query ?? '', level);
    };
    const count = (
      fam: typeof queries,
      k1: number,
      fill: LabelFill<string>,
      flow: Flow,
      arg: string,
      k2: number | string,
    ) => {
      fam.add(k1, k2, fill, flow, arg, 1);
    };

    return {
      observe(flow, facts) {
        const dns = facts.dns;
        if (dns === undefined) return;
        if (ignoreAAAA) {
          const qt = dns.qtypes;
          if (qt !== undefined && qt.length === 1 && qt[0] === 'AAAA') return;
        }
        // Own labels as KeySpace ids: the question types, and the query when it is a label.
        keys.dns(dns);
        const q = withQuery ? keys.dnsQueryQtypes() : keys.qtypesId;
        const k1 = ctx.keyOf(facts);
        const ips = dns.ips?.length ?? 0;
        if (facts.dropped || facts.reply !== 1) {
          // (q, dropped, ips_returned) as one exact number while in their usual ranges.
          const dropped = facts.dropped ? 1 : 0;
          const k2 =
            q < 1 << 24 && ips < 65536 ? (q * 2 + dropped) * 65536 + ips : `${q}\u0001${dropped}\u0001${ips}`;
          count(queries, k1, fillCounts, flow, dropped === 1 ? 'Policy denied' : '', k2);
        } else {
          const rcode = dns.rcode ?? 0;
          // (q, rcode, ips_returned) as one exact number (< 2^52) when all are in their usual ranges.
          const k2 =
            Number.isInteger(rcode) && rcode >= 0 && rcode < 4096 && ips < 65536 && q < 1 << 24
              ? q * 268435456 + rcode * 65536 + ips
              : `${rcodeName(rcode)}\u0001${q}\u0001${ips}`;
          count(responses, k1, fillCounts, flow, rcodeName(rcode), k2);
          const rr = dns.rrtypes;
          if (rr !== undefined)
            for (let i = 0; i < rr.length; i++) {
              const t = rr[i]!;
              const id = keys.str(t);
              count(
                types,
                k1,
                fillType,
                flow,
                t,
                q < 1 << 26 && id < 1 << 26 ? q * 67108864 + id : `${q}\u0001${id}`,
              );
            }
        }
      },
    };
  },
};
