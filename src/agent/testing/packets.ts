/**
 * Crafted frames for the agent's tests and the bench: Ethernet + IPv4/IPv6 + TCP/UDP/ICMP with
 * correct lengths (checksums are left zero: the decoder does not verify them, as tcpdump does
 * not on locally generated, offloaded packets either).
 */
import { parseIpv4 } from '../decode/packet.js';

/** Options of a crafted packet. */
export interface FrameSpec {
  src: string;
  dst: string;
  proto: 'tcp' | 'udp' | 'icmp' | 'icmpv6';
  sport?: number;
  dport?: number;
  /** TCP flags as a string of letters: S A F R P U E C. */
  flags?: string;
  seq?: number;
  ack?: number;
  icmpType?: number;
  icmpCode?: number;
  payload?: Buffer | string;
  srcMac?: string;
  dstMac?: string;
  /** Add an IPv6 hop-by-hop extension header. */
  hopByHop?: boolean;
}

/** An Ethernet frame. */
export function frame(s: FrameSpec): Buffer {
  const ip = ipPacket(s);
  const eth = Buffer.alloc(14);
  mac(s.dstMac ?? '02:00:00:00:00:02').copy(eth, 0);
  mac(s.srcMac ?? '02:00:00:00:00:01').copy(eth, 6);
  eth.writeUInt16BE(s.src.includes(':') ? 0x86dd : 0x0800, 12);
  return Buffer.concat([eth, ip]);
}

/** An IP packet (v4 or v6 by the address form). */
export function ipPacket(s: FrameSpec): Buffer {
  const payload =
    typeof s.payload === 'string' ? Buffer.from(s.payload, 'latin1') : (s.payload ?? Buffer.alloc(0));
  let l4: Buffer;
  let proto: number;
  if (s.proto === 'tcp') {
    proto = 6;
    l4 = Buffer.alloc(20);
    l4.writeUInt16BE(s.sport ?? 0, 0);
    l4.writeUInt16BE(s.dport ?? 0, 2);
    l4.writeUInt32BE((s.seq ?? 1000) >>> 0, 4);
    l4.writeUInt32BE((s.ack ?? 0) >>> 0, 8);
    l4[12] = 5 << 4;
    let f = 0;
    for (const c of s.flags ?? '') f |= { F: 1, S: 2, R: 4, P: 8, A: 16, U: 32, E: 64, C: 128 }[c] ?? 0;
    l4[13] = f;
    l4.writeUInt16BE(65535, 14);
  } else if (s.proto === 'udp') {
    proto = 17;
    l4 = Buffer.alloc(8);
    l4.writeUInt16BE(s.sport ?? 0, 0);
    l4.writeUInt16BE(s.dport ?? 0, 2);
    l4.writeUInt16BE(8 + payload.length, 4);
  } else {
    proto = s.proto === 'icmp' ? 1 : 58;
    l4 = Buffer.alloc(8);
    l4[0] = s.icmpType ?? 8;
    l4[1] = s.icmpCode ?? 0;
  }
  const body = Buffer.concat([l4, payload]);
  if (!s.src.includes(':')) {
    const h = Buffer.alloc(20);
    h[0] = 0x45;
    h.writeUInt16BE(20 + body.length, 2);
    h[8] = 64;
    h[9] = proto;
    h.writeUInt32BE(parseIpv4(s.src)!, 12);
    h.writeUInt32BE(parseIpv4(s.dst)!, 16);
    return Buffer.concat([h, body]);
  }
  const ext = s.hopByHop ? Buffer.from([proto, 0, 1, 4, 0, 0, 0, 0]) : Buffer.alloc(0);
  const h = Buffer.alloc(40);
  h[0] = 0x60;
  h.writeUInt16BE(ext.length + body.length, 4);
  h[6] = s.hopByHop ? 0 : proto;
  h[7] = 64;
  ipv6(s.src).copy(h, 8);
  ipv6(s.dst).copy(h, 24);
  return Buffer.concat([h, ext, body]);
}

function mac(s: string): Buffer {
  return Buffer.from(s.split(':').map((x) => parseInt(x, 16)));
}

/** 16 bytes of an IPv6 address in text form. */
export function ipv6(s: string): Buffer {
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}
