/**
 * `dns_query`: RE2 regexes searched (unanchored) in `l7.dns.query`; non-DNS flows never match.
 * Errors read `invalid DNS query filter: <pattern>: error parsing regexp: …`.
 */
import type { FilterBuilder } from './builder.js';
import { isSet } from './builder.js';
import { compileRegexps } from './http.js';
import { quotedToken } from './line-test.js';

/** Builder for `dns_query`. */
export const dnsQueryBuilder: FilterBuilder = {
  name: 'dns-query',
  help: 'dns_query: RE2 regexes over the DNS query name',
  build(filter) {
    if (!isSet(filter.dns_query)) return [];
    const res = compileRegexps(filter.dns_query, 'invalid DNS query filter: ');
    return [
      {
        field: 'dns_query',
        match: (f) => {
          const dns = f.l7?.dns;
          if (dns === undefined) return false;
          const q = dns.query ?? '';
          for (let i = 0; i < res.length; i++) if (res[i].test(q)) return true;
          return false;
        },
        lineTest: quotedToken('dns'),
      },
    ];
  },
};
