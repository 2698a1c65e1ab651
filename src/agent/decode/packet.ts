/**
 * Link, network and transport header decoding into one reusable, mutable Packet record (no
 * allocation per packet beyond what a flow needs later). Addresses are kept as raw values
 * (IPv4 as a u32, IPv6 as a hex key) and formatted only when a flow is built.
 *
 * Link types: Ethernet (with 802.1Q/802.1ad tags), Linux cooked v1/v2 (`-i any`), raw IP,
 * BSD loopback (NULL). IPv4 (options, fragments), IPv6 (hop-by-hop, routing, destination and
 * fragment extension headers), TCP, UDP, SCTP, ICMPv4, ICMPv6.
 */
import { LinkType } from '../pcap/pcap-stream.js';

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ICMPV6 = 58;
export const IPPROTO_SCTP = 132;

/** TCP flag bits as they sit in the header's 13th/12th bytes (NS is bit 8). */
export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
  NS: 0x100,
} as const;

/** Why a packet could not be decoded (counted as parse failures unless `unsupported`). */
export type DecodeResult = 'ok' | 'truncated' | 'malformed' | 'unsupported';

/** One decoded packet. Reused: copy what you keep. */
export class Packet {
  tsSec = 0;
  tsNsec = 0;
  /** Bytes on the wire (pcap orig_len) and the L3 length from the IP header. */
  wireLen = 0;
  hasEthernet = false;
  ethOff = 0;
  ipVersion: 0 | 4 | 6 = 0;
  /** IPv4 addresses as unsigned 32-bit numbers. */
  src4 = 0;
  dst4 = 0;
  /** IPv6 addresses as 32-digit lowercase hex strings. */
  src6 = '';
  dst6 = '';
  proto = 0;
  sport = 0;
  dport = 0;
  tcpFlags = 0;
  seq = 0;
  ack = 0;
  icmpType = 0;
  icmpCode = 0;
  /** A non-first IP fragment: no L4 header. */
  fragment = false;
  /** Where the L4 payload starts in `data`, how much of it was captured, and its full length. */
  payloadOff = 0;
  payloadCapLen = 0;
  payloadLen = 0;
  data: Buffer = EMPTY;

  reset(): void {
    this.hasEthernet = false;
    this.ipVersion = 0;
    this.proto = 0;
    this.sport = 0;
    this.dport = 0;
    this.tcpFlags = 0;
    this.seq = 0;
    this.ack = 0;
    this.icmpType = 0;
    this.icmpCode = 0;
    this.fragment = false;
    this.payloadOff = 0;
    this.payloadCapLen = 0;
    this.payloadLen = 0;
  }

  /** Source address as text. */
  srcText(): string {
    return this.ipVersion === 4 ? ipv4Text(this.src4) : ipv6Text(this.src6);
  }

  /** Destination address as text. */
  dstText(): string {
    return this.ipVersion === 4 ? ipv4Text(this.dst4) : ipv6Text(this.dst6);
  }

  /** Source and destination MACs, when the frame had an Ethernet header. */
  macs(): { source: string; destination: string } | undefined {
    if (!this.hasEthernet) return undefined;
    return { source: macText(this.data, this.ethOff + 6), destination: macText(this.data, this.ethOff) };
  }
}

const EMPTY = Buffer.alloc(0);

/** Decodes a captured frame of the given link type into `p`. */
export function decodeFrame(
  p: Packet,
  linkType: number,
  data: Buffer,
  off: number,
  capLen: number,
): DecodeResult {
  p.reset();
  p.data = data;
  const end = off + capLen;
  switch (linkType) {
    case LinkType.EN10MB:
      return decodeEthernet(p, data, off, end);
    case LinkType.RAW:
    case LinkType.IPV4:
    case LinkType.IPV6:
    case 12:
    case 14:
      return decodeIp(p, data, off, end);
    case LinkType.LINUX_SLL: {
      if (end - off < 16) return 'truncated';
      return decodeEtherType(p, data.readUInt16BE(off + 14), data, off + 16, end);
    }
    case LinkType.LINUX_SLL2: {
      if (end - off < 20) return 'truncated';
      return decodeEtherType(p, data.readUInt16BE(off), data, off + 20, end);
    }
    case LinkType.NULL: {
      if (end - off < 4) return 'truncated';
      const fam = data.readUInt32LE(off);
      const famBE = data.readUInt32BE(off);
      if (fam === 2 || famBE === 2) return decodeIp(p, data, off + 4, end);
      if ([24, 28, 30].includes(fam) || [24, 28, 30].includes(famBE)) return decodeIp(p, data, off + 4, end);
      return 'unsupported';
    }
    default:
      return 'unsupported';
  }
}

function decodeEthernet(p: Packet, d: Buffer, off: number, end: number): DecodeResult {
  if (end - off < 14) return 'truncated';
  p.hasEthernet = true;
  p.ethOff = off;
  let type = d.readUInt16BE(off + 12);
  off += 14;
  // 802.1Q / 802.1ad VLAN tags (possibly stacked).
  while (type === 0x8100 || type === 0x88a8) {
    if (end - off < 4) return 'truncated';
    type = d.readUInt16BE(off + 2);
    off += 4;
  }
  return decodeEtherType(p, type, d, off, end);
}

function decodeEtherType(p: Packet, type: number, d: Buffer, off: number, end: number): DecodeResult {
  if (type === 0x0800 || type === 0x86dd) return decodeIp(p, d, off, end);
  return 'unsupported';
}

/** Decodes an IP packet starting at `off` (the version nibble decides v4 or v6). */
export function decodeIp(p: Packet, d: Buffer, off: number, end: number): DecodeResult {
  if (end - off < 1) return 'truncated';
  const v = d[off] >> 4;
  if (v === 4) return decodeIpv4(p, d, off, end);
  if (v === 6) return decodeIpv6(p, d, off, end);
  return 'malformed';
}

function decodeIpv4(p: Packet, d: Buffer, off: number, end: number): DecodeResult {
  if (end - off < 20) return 'truncated';
  const ihl = (d[off] & 0x0f) * 4;
  if (ihl < 20) return 'malformed';
  const total = d.readUInt16BE(off + 2);
  if (total < ihl) return 'malformed';
  p.ipVersion = 4;
  p.wireLen = total;
  const fragField = d.readUInt16BE(off + 6);
  p.proto = d[off + 9];
  p.src4 = d.readUInt32BE(off + 12);
  p.dst4 = d.readUInt32BE(off + 16);
  if ((fragField & 0x1fff) !== 0) {
    p.fragment = true;
    return 'ok';
  }
  if (end - off < ihl) return 'truncated';
  // A TSO/GRO super-frame can carry total length 0; fall back to what was captured.
  const l4Len = total === 0 ? end - off - ihl : total - ihl;
  return decodeL4(p, d, off + ihl, Math.min(end, off + ihl + l4Len), l4Len);
}

function decodeIpv6(p: Packet, d: Buffer, off: number, end: number): DecodeResult {
  if (end - off < 40) return 'truncated';
  const payloadLen = d.readUInt16BE(off + 4);
  let next = d[off + 6];
  p.ipVersion = 6;
  p.src6 = d.toString('hex', off + 8, off + 24);
  p.dst6 = d.toString('hex', off + 24, off + 40);
  p.wireLen = payloadLen + 40;
  let o = off + 40;
  let remaining = payloadLen === 0 ? end - o : payloadLen;
  // Walk extension headers: hop-by-hop 0, routing 43, fragment 44, destination options 60.
  for (let i = 0; i < 8; i++) {
    if (next === 0 || next === 43 || next === 60) {
      if (end - o < 8) return 'truncated';
      const len = (d[o + 1] + 1) * 8;
      next = d[o];
      o += len;
      remaining -= len;
    } else if (next === 44) {
      if (end - o < 8) return 'truncated';
      const fragOff = d.readUInt16BE(o + 2) >> 3;
      next = d[o];
      o += 8;
      remaining -= 8;
      if (fragOff !== 0) {
        p.proto = next;
        p.fragment = true;
        return 'ok';
      }
    } else break;
  }
  if (remaining < 0) return 'malformed';
  p.proto = next;
  return decodeL4(p, d, o, Math.min(end, o + remaining), remaining);
}

function decodeL4(p: Packet, d: Buffer, off: number, end: number, l4Len: number): DecodeResult {
  const cap = end - off;
  switch (p.proto) {
    case IPPROTO_TCP: {
      if (cap < 20) return 'truncated';
      p.sport = d.readUInt16BE(off);
      p.dport = d.readUInt16BE(off + 2);
      p.seq = d.readUInt32BE(off + 4);
      p.ack = d.readUInt32BE(off + 8);
      const doff = (d[off + 12] >> 4) * 4;
      if (doff < 20) return 'malformed';
      p.tcpFlags = d[off + 13] | ((d[off + 12] & 1) << 8);
      return payload(p, off + doff, end, l4Len - doff);
    }
    case IPPROTO_UDP: {
      if (cap < 8) return 'truncated';
      p.sport = d.readUInt16BE(off);
      p.dport = d.readUInt16BE(off + 2);
      return payload(p, off + 8, end, l4Len - 8);
    }
    case IPPROTO_SCTP: {
      if (cap < 12) return 'truncated';
      p.sport = d.readUInt16BE(off);
      p.dport = d.readUInt16BE(off + 2);
      return payload(p, off + 12, end, l4Len - 12);
    }
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6: {
      if (cap < 4) return 'truncated';
      p.icmpType = d[off];
      p.icmpCode = d[off + 1];
      return payload(p, off + 4, end, l4Len - 4);
    }
    default:
      return 'ok';
  }
}

function payload(p: Packet, off: number, end: number, len: number): DecodeResult {
  if (len < 0) return 'malformed';
  p.payloadOff = off;
  p.payloadCapLen = Math.max(0, Math.min(end - off, len));
  p.payloadLen = len;
  return 'ok';
}

const v4cache = new Map<number, string>();

/** Dotted-quad text of a u32 IPv4 address (cached: a node sees few distinct addresses). */
export function ipv4Text(a: number): string {
  let s = v4cache.get(a);
  if (s === undefined) {
    s = `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
    if (v4cache.size > 65536) v4cache.clear();
    v4cache.set(a, s);
  }
  return s;
}

/** RFC 5952 text of an IPv6 address given as 32 hex digits (longest zero run compressed). */
export function ipv6Text(hex: string): string {
  const groups: number[] = [];
  for (let i = 0; i < 32; i += 4) groups.push(parseInt(hex.slice(i, i + 4), 16));
  // IPv4-mapped ::ffff:a.b.c.d
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${groups[6] >> 8}.${groups[6] & 255}.${groups[7] >> 8}.${groups[7] & 255}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hexes = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hexes.join(':');
  return `${hexes.slice(0, bestStart).join(':')}::${hexes.slice(bestStart + bestLen).join(':')}`;
}

/** Parses an IPv4 dotted quad into a u32, or undefined. */
export function parseIpv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const b = m.slice(1).map(Number);
  if (b.some((x) => x > 255)) return undefined;
  return ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
}

function macText(d: Buffer, off: number): string {
  let s = '';
  for (let i = 0; i < 6; i++) s += (i ? ':' : '') + d[off + i].toString(16).padStart(2, '0');
  return s;
}
