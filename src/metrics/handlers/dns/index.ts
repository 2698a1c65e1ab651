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

    // Queries: rcode '' (request) or 'Policy denied' (dropped); no answers yet.
    const fillQuery: LabelFill<string> = (out, flow, level, rcode) => {
      ctx.fill(out, 0, flow, level);
      const dns = flow.l7!.dns!;
      out[n] = rcode;
      out[n + 1] = dns.qtypes?.join(',') ?? '';
      out[n + 2] = '0';
      if (withQuery) out[n + 3] = foldQuery(dns.query ?? '', level);
    };
    const fillResponse: LabelFill<string> = (out, flow, level, rcode) => {
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
      fill: LabelFill<string>,
      flow: Flow,
      arg: string,
      k2: number | string,
    ) => {
      const s = fam.atKey(ctx.key(flow), k2, fill, flow, arg);
      if (s === undefined) return;
      s.value += 1;
      if (fam.exemplars) fam.exemplar(s, flow, 1);
    };

    return {
      observe(flow, facts) {
        const dns = facts.l7?.dns;
        if (dns === undefined) return;
        const qt = dns.qtypes;
        if (ignoreAAAA && qt !== undefined && qt.length === 1 && qt[0] === 'AAAA') return;
        // Own labels as KeySpace ids: the question types, and the query when it is a label.
        const queryId = keys.dns(dns);
        const q = withQuery ? keys.pair(queryId, keys.qtypesId) : keys.qtypesId;
        if (facts.dropped) count(queries, fillQuery, flow, 'Policy denied', q * 2 + 1);
        else if (facts.reply !== 1) count(queries, fillQuery, flow, '', q * 2);
        else {
          const rcode = dns.rcode ?? 0;
          const ips = dns.ips?.length ?? 0;
          // (rcode, ips_returned) packed into one Smi when both are in their usual ranges.
          const k2 =
            Number.isInteger(rcode) && rcode >= 0 && rcode < 4096 && ips < 65536
              ? keys.pair(q, rcode * 65536 + ips)
              : `${rcodeName(rcode)}\u0001${q}\u0001${ips}`;
          count(responses, fillResponse, flow, rcodeName(rcode), k2);
          const rr = dns.rrtypes;
          if (rr !== undefined)
            for (let i = 0; i < rr.length; i++) {
              const t = rr[i]!;
              count(types, fillType, flow, t, keys.pair(q, keys.str(t)));
            }
        }
      },
    };
  },
};
