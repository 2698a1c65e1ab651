import { describe, expect, it } from 'vitest';
import {
  hubbleDropReason,
  IGNORED_KERNEL_REASONS,
  KERNEL_TO_HUBBLE,
  KERNEL_WITHOUT_EQUIVALENT,
} from './drop-reasons.js';
import { parseKfreeSkbLine, parseReasonTable } from './kfree-skb.js';

describe('kfree_skb lines', () => {
  it.each([
    [
      'curl-7292    [000] ..s1.   400.349076: kfree_skb: skbaddr=000000003b3e8d8e rx_sk=0000000000000000 protocol=2048 location=nft_do_chain+0x3e8/0x610 reason: NETFILTER_DROP',
      {
        comm: 'curl',
        pid: 7292,
        cpu: 0,
        traceTs: 400.349076,
        protocol: 2048,
        location: 'nft_do_chain+0x3e8/0x610',
        function: 'nft_do_chain',
        reason: 'NETFILTER_DROP',
      },
    ],
    [
      '<idle>-0       [001] ..s2.  12.000001: kfree_skb: skbaddr=ffff8880 protocol=34525 location=ip6_rcv_core+0x1/0x2 reason: IPV6DISABLED',
      {
        comm: '<idle>',
        pid: 0,
        cpu: 1,
        traceTs: 12.000001,
        protocol: 34525,
        location: 'ip6_rcv_core+0x1/0x2',
        function: 'ip6_rcv_core',
        reason: 'IPV6DISABLED',
      },
    ],
    [
      'kworker/u4:1-55 [000] d..1. 482.635436: kfree_skb: skbaddr=000000009eb71cea rx_sk=0000000000000000 protocol=2048 location=__udp4_lib_rcv+0x4bc/0xd00 reason: NO_SOCKET',
      { comm: 'kworker/u4:1', pid: 55, function: '__udp4_lib_rcv', reason: 'NO_SOCKET' },
    ],
  ])('parses %s', (line, want) => expect(parseKfreeSkbLine(line)).toMatchObject(want));

  it('ignores other trace lines', () => {
    expect(parseKfreeSkbLine('# tracer: nop')).toBeUndefined();
    expect(parseKfreeSkbLine('  cat-1 [000] ..... 1.0: consume_skb: skbaddr=0 location=x')).toBeUndefined();
  });

  it('reads the reason numbers from the event format', () => {
    const fmt =
      'print fmt: "skbaddr=%p ...", __print_symbolic(REC->reason, { 2, "NOT_SPECIFIED" }, { 3, "NO_SOCKET" }, { 9, "OTHERHOST" })';
    expect([...parseReasonTable(fmt)]).toEqual([
      ['NOT_SPECIFIED', 2],
      ['NO_SOCKET', 3],
      ['OTHERHOST', 9],
    ]);
  });
});

describe('kernel → Hubble drop reasons', () => {
  it.each([
    ['NETFILTER_DROP', 'POLICY_DENIED', 133],
    ['IP_RPFILTER', 'INVALID_SOURCE_IP', 132],
    ['IP_INNOROUTES', 'FIB_LOOKUP_FAILED', 169],
    ['IPV6DISABLED', 'UNSUPPORTED_L3_PROTOCOL', 139],
    ['PKT_TOO_SMALL', 'INVALID_PACKET_DROPPED', 134],
  ])('%s → %s', (k, name, code) => expect(hubbleDropReason(k)).toEqual({ name, code }));

  it('has no Hubble equivalent for the host stack’s own reasons', () => {
    for (const r of ['NO_SOCKET', 'SOCKET_RCVBUFF', 'TCP_LISTEN_OVERFLOW', 'NEIGH_FAILED', 'QDISC_DROP'])
      expect(hubbleDropReason(r)).toBeUndefined();
    for (const r of KERNEL_WITHOUT_EQUIVALENT) expect(KERNEL_TO_HUBBLE[r]).toBeUndefined();
  });

  it('filters OTHERHOST (an artefact of a promiscuous bridge capture)', () => {
    expect(IGNORED_KERNEL_REASONS.has('OTHERHOST')).toBe(true);
  });
});
