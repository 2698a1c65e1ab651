/**
 * `source_ip`, `source_ip_xlated` (v1.19), `destination_ip` and `encrypted` (v1.19).
 *
 * An element containing `/` is a CIDR tested for containment (Go net.IPNet semantics, see
 * ip-addr.ts: host bits ignored, an IPv4 CIDR contains `::ffff:a.b.c.d`); any other element is
 * an address compared as a string with the flow's IP — no normalisation, as in hubble
 * (`fd00::1` does not match `fd00:0::1`). Flows with an empty or absent IP never match.
 */
import type { Flow } from '../flow/types.js';
import type { FieldMatcher, FilterBuilder } from './builder.js';
import { isSet } from './builder.js';
import { FilterError } from './errors.js';
import { goQuote } from './go-text.js';
import { cidrContains, parseCidr, parseIpInto, type Cidr } from './ip-addr.js';
import { anyLine, quotedToken } from './line-test.js';

const MEMO_LIMIT = 8192;

/** Compiles one IP field; exported for reuse by other modules that filter on addresses. */
export function ipMatcher(
  field: string,
  elements: readonly string[],
  get: (f: Flow) => string | undefined,
): FieldMatcher {
  const exact = new Set<string>();
  const cidrs: Cidr[] = [];
  const scratch = new Uint8Array(16);
  for (const el of elements) {
    if (el.includes('/')) {
      const c = parseCidr(el);
      if (c === undefined) throw new FilterError(`invalid CIDR in filter: ${goQuote(el)}`);
      cidrs.push(c);
    } else {
      if (parseIpInto(el, scratch) === 0)
        throw new FilterError(`invalid IP address in filter: ${goQuote(el)}`);
      exact.add(el);
    }
  }
  const buf = new Uint8Array(16);
  const inCidrs = (ip: string): boolean => {
    if (parseIpInto(ip, buf) === 0) return false;
    for (let i = 0; i < cidrs.length; i++) if (cidrContains(cidrs[i], buf)) return true;
    return false;
  };
  // Flows repeat a limited set of addresses: remember CIDR verdicts per address (bounded).
  const memo = new Map<string, boolean>();
  const match = (f: Flow): boolean => {
    const ip = get(f);
    if (ip === undefined || ip === '') return false;
    if (exact.has(ip)) return true;
    if (cidrs.length === 0) return false;
    let r = memo.get(ip);
    if (r === undefined) {
      r = inCidrs(ip);
      if (memo.size < MEMO_LIMIT) memo.set(ip, r);
    }
    return r;
  };
  const lineTest = cidrs.length > 0 ? undefined : anyLine([...exact].map((ip) => quotedToken(ip)));
  return { field, match, lineTest };
}

/** Builder for the IP address fields. */
export const ipBuilder: FilterBuilder = {
  name: 'ip',
  help: 'source_ip, source_ip_xlated (v1.19), destination_ip: addresses or CIDRs',
  build(filter) {
    const out: FieldMatcher[] = [];
    if (isSet(filter.source_ip)) out.push(ipMatcher('source_ip', filter.source_ip, (f) => f.IP?.source));
    if (isSet(filter.source_ip_xlated))
      out.push(ipMatcher('source_ip_xlated', filter.source_ip_xlated, (f) => f.IP?.source_xlated));
    if (isSet(filter.destination_ip))
      out.push(ipMatcher('destination_ip', filter.destination_ip, (f) => f.IP?.destination));
    return out;
  },
};

/** Builder for `encrypted` (v1.19 extension): equality with `IP.encrypted` (false without IP). */
export const encryptedBuilder: FilterBuilder = {
  name: 'encrypted',
  help: 'encrypted: IP.encrypted (v1.19 extension)',
  build(filter) {
    if (!isSet(filter.encrypted)) return [];
    const wantTrue = filter.encrypted.includes(true);
    const wantFalse = filter.encrypted.includes(false);
    return [{ field: 'encrypted', match: (f) => (f.IP?.encrypted === true ? wantTrue : wantFalse) }];
  },
};
