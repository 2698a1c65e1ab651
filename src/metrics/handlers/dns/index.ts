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
    // k2: the handler's own label values as text (DNS records are a minority of flows).
    const count = (fam: typeof queries, fill: LabelFill<string>, flow: Flow, arg: string, k2: string) => {
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
        const qtypes = qt === undefined ? '' : qt.length === 1 ? qt[0]! : qt.join(',');
        const query = withQuery ? (dns.query ?? '') : '';
        if (facts.dropped) count(queries, fillQuery, flow, 'Policy denied', `D\u0001${qtypes}\u0001${query}`);
        else if (facts.reply !== 1) count(queries, fillQuery, flow, '', `Q\u0001${qtypes}\u0001${query}`);
        else {
          const rcode = rcodeName(dns.rcode);
          count(
            responses,
            fillResponse,
            flow,
            rcode,
            `${rcode}\u0001${qtypes}\u0001${query}\u0001${dns.ips?.length ?? 0}`,
          );
          const rr = dns.rrtypes;
          if (rr !== undefined)
            for (const t of rr) count(types, fillType, flow, t, `${t}\u0001${qtypes}\u0001${query}`);
        }
      },
    };
  },
};
