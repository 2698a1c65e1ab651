/**
 * IP address and CIDR parsing with Go's rules, because hubble validates filters with Go's
 * `net.ParseIP` / `net.ParseCIDR` (both on top of `netip.ParseAddr`): strict dotted quads
 * without leading zeros, RFC 4291 IPv6 text with at most one `::` and an optional trailing
 * IPv4, zones (`%eth0`) rejected. General-purpose parsers (ipaddr.js, WHATWG URL) accept forms
 * Go rejects (`10.1`, `0x0a.0.0.1`), which would turn hubble errors into silent matches.
 */

/** A 16-byte address buffer (IPv4 in IPv4-mapped form, as Go's net.IP). */
export type Ip16 = Uint8Array;

/** Parses dotted-quad IPv4 into out[off..off+3]; false on any Go parse error. */
function parseV4Into(s: string, start: number, out: Uint8Array, off: number): boolean {
  let val = 0;
  let digits = 0;
  let field = 0;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (digits === 1 && val === 0) return false; // leading zero
      val = val * 10 + (c - 0x30);
      digits++;
      if (val > 255) return false;
    } else if (c === 0x2e) {
      if (digits === 0 || i === s.length - 1 || field === 3) return false;
      out[off + field++] = val;
      val = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  if (field < 3 || digits === 0) return false;
  out[off + 3] = val;
  return true;
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Parses IPv6 text (without zone) into out (16 bytes); false on any Go parse error. */
function parseV6Into(s: string, out: Uint8Array): boolean {
  out.fill(0);
  let ellipsis = -1;
  let p = 0;
  if (s.length >= 2 && s.charCodeAt(0) === 0x3a && s.charCodeAt(1) === 0x3a) {
    ellipsis = 0;
    p = 2;
    if (p === s.length) return true;
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    while (p + off < s.length) {
      const h = hexVal(s.charCodeAt(p + off));
      if (h < 0) break;
      acc = acc * 16 + h;
      if (off > 3 || acc > 0xffff) return false;
      off++;
    }
    if (off === 0) return false;
    if (p + off < s.length && s.charCodeAt(p + off) === 0x2e) {
      if ((ellipsis < 0 && i !== 12) || i + 4 > 16) return false;
      if (!parseV4Into(s, p, out, i)) return false;
      p = s.length;
      i += 4;
      break;
    }
    out[i] = acc >> 8;
    out[i + 1] = acc & 0xff;
    i += 2;
    p += off;
    if (p === s.length) break;
    if (s.charCodeAt(p) !== 0x3a || p + 1 === s.length) return false;
    p++;
    if (s.charCodeAt(p) === 0x3a) {
      if (ellipsis >= 0) return false;
      ellipsis = i;
      p++;
      if (p === s.length) break;
    }
  }
  if (p !== s.length) return false;
  if (i < 16) {
    if (ellipsis < 0) return false;
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) out[j + n] = out[j];
    for (let j = ellipsis + n - 1; j >= ellipsis; j--) out[j] = 0;
  } else if (ellipsis >= 0) {
    return false;
  }
  return true;
}

/** Address family as Go's netip sees the text: 4 for dotted quads, 6 for IPv6 text. */
export type Family = 4 | 6;

/**
 * Parses `s` like Go's `net.ParseIP` into `out` (16 bytes; IPv4 as ::ffff:a.b.c.d). Returns the
 * textual family, or 0 when Go would return nil (including any zone).
 */
export function parseIpInto(s: string, out: Ip16): Family | 0 {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2e) {
      out.fill(0, 0, 10);
      out[10] = 0xff;
      out[11] = 0xff;
      return parseV4Into(s, 0, out, 12) ? 4 : 0;
    }
    if (c === 0x3a) return s.indexOf('%') === -1 && parseV6Into(s, out) ? 6 : 0;
    if (c === 0x25) return 0;
  }
  return 0;
}

/** True when `b` is an IPv4 or IPv4-mapped address (Go's `IP.To4() != nil`). */
export function isV4Mapped(b: Ip16): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/**
 * A parsed CIDR with Go `net.IPNet.Contains` semantics: a network whose (masked) address is
 * IPv4 or IPv4-mapped is an IPv4 network — its mask is the last 32 bits of the mask — and
 * contains IPv4 and IPv4-mapped addresses; any other network contains IPv6 addresses only.
 */
export interface Cidr {
  readonly v4: boolean;
  /** Network bytes (4 or 16) and mask of the same length. */
  readonly net: Uint8Array;
  readonly mask: Uint8Array;
}

function decimal(s: string): number {
  if (s === '') return -1;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
    if (n > 0xffffff) return -1;
  }
  return n;
}

/** Parses `addr/len` like Go's `net.ParseCIDR`; undefined when Go would fail. */
export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = new Uint8Array(16);
  const family = parseIpInto(s.slice(0, slash), addr);
  if (family === 0) return undefined;
  const bits = decimal(s.slice(slash + 1));
  const maxBits = family === 4 ? 32 : 128;
  if (bits < 0 || bits > maxBits) return undefined;
  // The mask is built in the address family of the text; an IPv4 mask covers the last 4 bytes.
  const mask16 = new Uint8Array(16);
  const total = family === 4 ? bits + 96 : bits;
  for (let i = 0; i < 16; i++) {
    const b = Math.max(0, Math.min(8, total - i * 8));
    mask16[i] = b === 0 ? 0 : (0xff << (8 - b)) & 0xff;
  }
  if (family === 4) mask16.fill(0xff, 0, 12);
  const net16 = addr.map((b, i) => b & mask16[i]);
  if (isV4Mapped(net16)) return { v4: true, net: net16.slice(12), mask: mask16.slice(12) };
  return { v4: false, net: net16, mask: mask16 };
}

/** Go's `IPNet.Contains` for an address parsed with parseIpInto. */
export function cidrContains(c: Cidr, ip: Ip16): boolean {
  const v4 = isV4Mapped(ip);
  if (v4 !== c.v4) return false;
  const base = v4 ? 12 : 0;
  const { net, mask } = c;
  for (let i = 0; i < net.length; i++) if ((ip[base + i] & mask[i]) !== net[i]) return false;
  return true;
}
