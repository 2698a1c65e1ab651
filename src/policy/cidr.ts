/** IPv4/IPv6 addresses and CIDR prefixes, for ipBlock matching. Pure, no dependencies. */

/** A parsed CIDR prefix. Addresses are held as bigints so IPv4 and IPv6 share one code path. */
export interface Cidr {
  version: 4 | 6;
  /** The network address (host bits zero). */
  network: bigint;
  prefix: number;
}

/** Parses a dotted-quad IPv4 address; undefined when invalid. */
function parseIPv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p[0] === '0')) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

/** Parses an IPv6 address (with `::` compression and an optional dotted IPv4 tail). */
function parseIPv6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  const dbl = s.indexOf('::');
  if (dbl !== s.lastIndexOf('::')) return undefined;
  const head = dbl >= 0 ? s.slice(0, dbl) : s;
  const tail = dbl >= 0 ? s.slice(dbl + 2) : '';
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (i === items.length - 1 && it.includes('.')) {
        const v4 = parseIPv4(it);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(it)) return undefined;
        out.push(parseInt(it, 16));
      }
    }
    return out;
  };
  const h = groups(head);
  const t = groups(tail);
  if (!h || !t) return undefined;
  let all: number[];
  if (dbl >= 0) {
    if (h.length + t.length > 7) return undefined;
    all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  } else {
    all = h;
  }
  if (all.length !== 8) return undefined;
  let v = 0n;
  for (const g of all) v = (v << 16n) | BigInt(g);
  return v;
}

/** A parsed address: its version and value. */
export interface ParsedIP {
  version: 4 | 6;
  value: bigint;
}

/** Parses an IPv4 or IPv6 address; undefined when it is not one. */
export function parseIP(s: string): ParsedIP | undefined {
  if (s.includes(':')) {
    const v = parseIPv6(s);
    return v === undefined ? undefined : { version: 6, value: v };
  }
  const v = parseIPv4(s);
  return v === undefined ? undefined : { version: 4, value: v };
}

/**
 * Parses `a.b.c.d/n` or `x::/n`. Host bits must be zero unless `allowHostBits` is set
 * (Kubernetes accepts e.g. `10.0.0.1/24` in ipBlock and masks it).
 */
export function parseCidr(s: string, allowHostBits = true): Cidr | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIP(s.slice(0, slash));
  const ps = s.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(ps)) return undefined;
  const prefix = Number(ps);
  const width = ip.version === 4 ? 32 : 128;
  if (prefix > width) return undefined;
  const hostBits = BigInt(width - prefix);
  const network = (ip.value >> hostBits) << hostBits;
  if (!allowHostBits && network !== ip.value) return undefined;
  return { version: ip.version, network, prefix };
}

/** Whether `ip` lies in `cidr`. */
export function cidrContains(cidr: Cidr, ip: ParsedIP): boolean {
  if (cidr.version !== ip.version) return false;
  const width = cidr.version === 4 ? 32 : 128;
  const hostBits = BigInt(width - cidr.prefix);
  return (ip.value >> hostBits) << hostBits === cidr.network;
}

/** Whether `inner` is a sub-range of `outer` (same version, longer or equal prefix). */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  return (
    inner.version === outer.version &&
    inner.prefix >= outer.prefix &&
    cidrContains(outer, { version: inner.version, value: inner.network })
  );
}
