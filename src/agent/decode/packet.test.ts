import { describe, expect, it } from 'vitest';
import { LinkType } from '../pcap/pcap-stream.js';
import { frame, ipPacket } from '../testing/packets.js';
import { decodeFrame, ipv6Text, Packet, TcpFlag } from './packet.js';

function decode(linkType: number, b: Buffer) {
  const p = new Packet();
  const r = decodeFrame(p, linkType, b, 0, b.length);
  return { r, p };
}

describe('decodeFrame', () => {
  it('decodes Ethernet + IPv4 + TCP with flags, ports, sequence numbers and payload', () => {
    const { r, p } = decode(
      LinkType.EN10MB,
      frame({
        src: '10.244.1.10',
        dst: '10.244.1.11',
        proto: 'tcp',
        sport: 40000,
        dport: 80,
        flags: 'SA',
        seq: 7,
        ack: 9,
        payload: 'GET / HTTP/1.1\r\n\r\n',
      }),
    );
    expect(r).toBe('ok');
    expect([p.srcText(), p.dstText(), p.ipVersion, p.proto, p.sport, p.dport, p.seq, p.ack]).toEqual([
      '10.244.1.10',
      '10.244.1.11',
      4,
      6,
      40000,
      80,
      7,
      9,
    ]);
    expect(p.tcpFlags).toBe(TcpFlag.SYN | TcpFlag.ACK);
    expect(p.payloadLen).toBe(18);
    expect(p.data.toString('latin1', p.payloadOff, p.payloadOff + 3)).toBe('GET');
    expect(p.macs()).toEqual({ source: '02:00:00:00:00:01', destination: '02:00:00:00:00:02' });
  });

  it('decodes IPv6 with a hop-by-hop extension header and UDP', () => {
    const { r, p } = decode(
      LinkType.EN10MB,
      frame({
        src: 'fd00::10',
        dst: 'fd00::53',
        proto: 'udp',
        sport: 5353,
        dport: 53,
        hopByHop: true,
        payload: 'abcd',
      }),
    );
    expect(r).toBe('ok');
    expect([p.ipVersion, p.srcText(), p.dstText(), p.proto, p.sport, p.dport, p.payloadLen]).toEqual([
      6,
      'fd00::10',
      'fd00::53',
      17,
      5353,
      53,
      4,
    ]);
  });

  it.each([
    ['ICMPv4 echo request', { src: '10.0.0.1', dst: '10.0.0.2', proto: 'icmp' as const, icmpType: 8 }, 1, 8],
    [
      'ICMPv4 port unreachable',
      { src: '10.0.0.1', dst: '10.0.0.2', proto: 'icmp' as const, icmpType: 3, icmpCode: 3 },
      1,
      3,
    ],
    [
      'ICMPv6 echo reply',
      { src: 'fd00::1', dst: 'fd00::2', proto: 'icmpv6' as const, icmpType: 129 },
      58,
      129,
    ],
  ])(
    'decodes %s',
    (
      _n,
      spec: { src: string; dst: string; proto: 'icmp' | 'icmpv6'; icmpType: number; icmpCode?: number },
      proto,
      type,
    ) => {
      const { r, p } = decode(LinkType.EN10MB, frame(spec));
      expect(r).toBe('ok');
      expect([p.proto, p.icmpType, p.icmpCode]).toEqual([proto, type, spec.icmpCode ?? 0]);
    },
  );

  it('skips 802.1Q tags', () => {
    const f = frame({ src: '10.0.0.1', dst: '10.0.0.2', proto: 'udp', sport: 1, dport: 2 });
    const tagged = Buffer.concat([f.subarray(0, 12), Buffer.from([0x81, 0x00, 0x00, 0x05]), f.subarray(12)]);
    const { r, p } = decode(LinkType.EN10MB, tagged);
    expect(r).toBe('ok');
    expect(p.dport).toBe(2);
  });

  it('decodes Linux cooked v2 (tcpdump -i any) and raw IP', () => {
    const ip = ipPacket({ src: '10.0.0.1', dst: '10.0.0.2', proto: 'tcp', sport: 1, dport: 2, flags: 'R' });
    const sll2 = Buffer.concat([Buffer.from([0x08, 0x00]), Buffer.alloc(18), ip]);
    expect(decode(LinkType.LINUX_SLL2, sll2).p.tcpFlags).toBe(TcpFlag.RST);
    expect(decode(LinkType.RAW, ip).p.dport).toBe(2);
  });

  it.each([
    [
      'a truncated TCP header',
      frame({ src: '10.0.0.1', dst: '10.0.0.2', proto: 'tcp', sport: 1, dport: 2 }).subarray(0, 14 + 20 + 10),
      'truncated',
    ],
    [
      'an ARP frame',
      Buffer.concat([Buffer.alloc(12), Buffer.from([0x08, 0x06]), Buffer.alloc(28)]),
      'unsupported',
    ],
    [
      'IP version 5',
      Buffer.concat([Buffer.alloc(12), Buffer.from([0x08, 0x00, 0x55]), Buffer.alloc(40)]),
      'malformed',
    ],
  ])('reports %s', (_n, b, want) => {
    expect(decode(LinkType.EN10MB, b).r).toBe(want);
  });

  it('marks non-first IPv4 fragments without reading an L4 header', () => {
    const ip = ipPacket({ src: '10.0.0.1', dst: '10.0.0.2', proto: 'udp', sport: 1, dport: 2 });
    ip.writeUInt16BE(0x0010, 6); // offset 16*8
    const { r, p } = decode(LinkType.RAW, ip);
    expect([r, p.fragment, p.sport]).toEqual(['ok', true, 0]);
  });
});

describe('ipv6Text', () => {
  it.each([
    ['20010db8000000000000000000000001', '2001:db8::1'],
    ['00000000000000000000000000000001', '::1'],
    ['fe800000000000000000000000000000', 'fe80::'],
    ['20010db8000100000001000000000001', '2001:db8:1:0:1::1'],
    ['00000000000000000000ffff0af40101', '::ffff:10.244.1.1'],
  ])('%s → %s', (hex, want) => expect(ipv6Text(hex)).toBe(want));
});
