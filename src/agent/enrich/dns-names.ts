/**
 * The agent's FQDN cache: which DNS names resolved to an IP, learnt from the DNS responses it
 * captures, so flows to external IPs get `destination_names` (and replies `source_names`) as
 * Cilium fills them from its DNS proxy's cache. Entries live for max(TTL, minTtl) like Cilium's
 * `tofqdns-min-ttl`, and the cache is bounded (oldest IPs evicted first).
 */

/** Options of {@link DnsNameCache}. */
export interface DnsNameCacheOptions {
  /** Least lifetime of an entry in seconds (Cilium's tofqdns-min-ttl default is 3600). */
  minTtlSec: number;
  /** Most IPs remembered. */
  maxIps: number;
}

export const defaultDnsNameCacheOptions: DnsNameCacheOptions = { minTtlSec: 3600, maxIps: 100_000 };

/** IP → names, with expiry. */
export class DnsNameCache {
  private readonly byIp = new Map<string, Map<string, number>>();
  private readonly opts: DnsNameCacheOptions;

  constructor(opts: Partial<DnsNameCacheOptions> = {}) {
    this.opts = { ...defaultDnsNameCacheOptions, ...opts };
  }

  /** Records that `name` (trailing dot allowed) resolved to `ip` at `nowMs` with `ttlSec`. */
  add(ip: string, name: string, ttlSec: number, nowMs: number): void {
    const n = name.endsWith('.') ? name.slice(0, -1) : name;
    if (n === '') return;
    let m = this.byIp.get(ip);
    if (!m) {
      if (this.byIp.size >= this.opts.maxIps) {
        const oldest = this.byIp.keys().next().value;
        if (oldest !== undefined) this.byIp.delete(oldest);
      }
      m = new Map();
      this.byIp.set(ip, m);
    }
    m.set(n, nowMs + Math.max(ttlSec, this.opts.minTtlSec) * 1000);
  }

  /** Names currently known for `ip`, sorted; undefined when none. */
  names(ip: string, nowMs: number): string[] | undefined {
    const m = this.byIp.get(ip);
    if (!m) return undefined;
    const out: string[] = [];
    for (const [n, exp] of m) {
      if (exp < nowMs) m.delete(n);
      else out.push(n);
    }
    if (out.length === 0) {
      this.byIp.delete(ip);
      return undefined;
    }
    return out.sort();
  }

  get size(): number {
    return this.byIp.size;
  }
}
