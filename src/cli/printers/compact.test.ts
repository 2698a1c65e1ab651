/**
 * compact printer: the verbatim edge cases of hubble-cli-observe.md §4.1 (hand-made flows,
 * expected text copied from the spec, which recorded the real v0.12.3 output).
 */
import { describe, expect, it } from 'vitest';
import type { Flow, FlowEvent } from '../../flow/index.js';
import { CompactPrinter, defaultPrinterOptions, type PrinterOptions } from './index.js';

const ip4 = { IP: { source: '1.2.3.4', destination: '5.6.7.8', ipVersion: 'IPv4' as const } };
const trace0 = { event_type: { type: 4, sub_type: 0 } };

/** A flow at `May  1 12:00:<sec>.123` with the given fields. */
function at(sec: number, f: Flow): FlowEvent {
  const s = String(sec).padStart(2, '0');
  return { flow: { time: `2024-05-01T12:00:${s}.123Z`, ...f } };
}

function print(ev: FlowEvent, opts: Partial<PrinterOptions> = {}): string {
  return new CompactPrinter({ ...defaultPrinterOptions, ...opts }).event(ev);
}

const cases: { name: string; ev: FlowEvent; want: string }[] = [
  {
    name: 'no IP: ethernet MACs, identities init/remote-node',
    ev: at(0, {
      ethernet: { source: 'aa:bb:cc:dd:ee:01', destination: 'aa:bb:cc:dd:ee:02' },
      source: { identity: 5 },
      destination: { identity: 6 },
      is_reply: false,
      event_type: { type: 4, sub_type: 3 },
      verdict: 'FORWARDED',
      Summary: 'ARP',
    }),
    want: 'May  1 12:00:00.123: aa:bb:cc:dd:ee:01 (init) -> aa:bb:cc:dd:ee:02 (remote-node) to-stack FORWARDED (ARP)',
  },
  {
    name: 'no IP, no ethernet, no is_reply: empty hosts and <>',
    ev: at(1, { ...trace0, verdict: 'FORWARDED', Summary: 'nothing' }),
    want: 'May  1 12:00:01.123:  (unknown) <>  (unknown) to-endpoint FORWARDED (nothing)',
  },
  {
    name: 'IPv6 reply: bracketed hosts with ports, sides swapped',
    ev: at(2, {
      IP: { source: 'fd00::1', destination: 'fd00::2', ipVersion: 'IPv6' },
      l4: { TCP: { source_port: 80, destination_port: 443, flags: { SYN: true } } },
      is_reply: true,
      ...trace0,
      verdict: 'FORWARDED',
      Summary: 'TCP Flags: SYN',
    }),
    want: 'May  1 12:00:02.123: [fd00::2]:443 (unknown) <- [fd00::1]:80 (unknown) to-endpoint FORWARDED (TCP Flags: SYN)',
  },
  {
    name: 'ICMPv6 without port, identity 9 is not reserved in v0.12.3',
    ev: at(3, {
      IP: { source: 'fd00::1', destination: 'fd00::2' },
      l4: { ICMPv6: { type: 128 } },
      source: { identity: 1 },
      destination: { identity: 9 },
      event_type: { type: 4, sub_type: 11 },
      verdict: 'FORWARDED',
      Summary: 'ICMPv6 EchoRequest',
    }),
    want: 'May  1 12:00:03.123: fd00::1 (host) <> fd00::2 (ID:9) to-network FORWARDED (ICMPv6 EchoRequest)',
  },
  {
    name: 'pod without namespace, service-only destination, unknown trace point 12',
    ev: at(4, {
      ...ip4,
      l4: { UDP: { source_port: 1234, destination_port: 53 } },
      source: { identity: 3, pod_name: 'nons' },
      destination: { identity: 4 },
      destination_service: { name: 'kube-dns', namespace: 'kube-system' },
      is_reply: false,
      event_type: { type: 4, sub_type: 12 },
      verdict: 'FORWARDED',
      Summary: 'UDP',
    }),
    want: 'May  1 12:00:04.123: nons:1234 (unmanaged) -> kube-system/kube-dns:53 (health) 12 FORWARDED (UDP)',
  },
  {
    name: 'DNS names joined with commas, TCP port 0 not shown',
    ev: at(5, {
      ...ip4,
      l4: { TCP: { flags: { ACK: true } } },
      source: { identity: 2 },
      destination: { identity: 8 },
      source_names: ['a.com', 'b.com'],
      destination_names: ['c.com'],
      is_reply: false,
      event_type: { type: 4, sub_type: 5 },
      verdict: 'FORWARDED',
      Summary: 'TCP Flags: ACK',
    }),
    want: 'May  1 12:00:05.123: a.com,b.com (world) -> c.com (ingress) from-endpoint FORWARDED (TCP Flags: ACK)',
  },
  {
    name: 'drop code 200 has no text in v0.12.3, SCTP ports',
    ev: at(6, {
      ...ip4,
      l4: { SCTP: { source_port: 5, destination_port: 6 } },
      source: { identity: 6 },
      destination: { identity: 7 },
      event_type: { type: 1, sub_type: 200 },
      verdict: 'DROPPED',
      Summary: 'SCTP',
    }),
    want: 'May  1 12:00:06.123: 1.2.3.4:5 (remote-node) <> 5.6.7.8:6 (kube-apiserver) 200, 0 DROPPED (SCTP)',
  },
  {
    name: 'drop with sub_type 0 is Success',
    ev: at(7, { ...ip4, event_type: { type: 1 }, verdict: 'DROPPED', Summary: 'x' }),
    want: 'May  1 12:00:07.123: 1.2.3.4 (unknown) <> 5.6.7.8 (unknown) Success DROPPED (x)',
  },
  {
    name: 'drop code 195 (UNENCRYPTED_TRAFFIC, newer than v0.12.3) prints "195, 0"',
    ev: at(8, { ...ip4, event_type: { type: 1, sub_type: 195 }, verdict: 'DROPPED', Summary: 'x' }),
    want: 'May  1 12:00:08.123: 1.2.3.4 (unknown) <> 5.6.7.8 (unknown) 195, 0 DROPPED (x)',
  },
  {
    name: 'policy verdict audit',
    ev: at(9, {
      ...ip4,
      event_type: { type: 5 },
      policy_match_type: 4,
      traffic_direction: 'EGRESS',
      verdict: 'AUDIT',
      Summary: 'x',
    }),
    want: 'May  1 12:00:09.123: 1.2.3.4 (unknown) <> 5.6.7.8 (unknown) policy-verdict:all EGRESS AUDITED (x)',
  },
  {
    name: 'policy verdict redirected is ALLOWED',
    ev: at(10, {
      ...ip4,
      is_reply: false,
      event_type: { type: 5 },
      policy_match_type: 5,
      verdict: 'REDIRECTED',
      Summary: 'x',
    }),
    want: 'May  1 12:00:10.123: 1.2.3.4 (unknown) -> 5.6.7.8 (unknown) policy-verdict:L3-Proto TRAFFIC_DIRECTION_UNKNOWN ALLOWED (x)',
  },
  {
    name: 'policy verdict error is DENIED',
    ev: at(11, {
      ...ip4,
      event_type: { type: 5 },
      policy_match_type: 6,
      traffic_direction: 'INGRESS',
      verdict: 'ERROR',
      Summary: 'x',
    }),
    want: 'May  1 12:00:11.123: 1.2.3.4 (unknown) <> 5.6.7.8 (unknown) policy-verdict:Proto-Only INGRESS DENIED (x)',
  },
  {
    name: 'policy match type 9 is unknown',
    ev: at(12, { ...ip4, event_type: { type: 5 }, policy_match_type: 9, verdict: 'FORWARDED', Summary: 'x' }),
    want: 'May  1 12:00:12.123: 1.2.3.4 (unknown) <> 5.6.7.8 (unknown) policy-verdict:unknown TRAFFIC_DIRECTION_UNKNOWN ALLOWED (x)',
  },
  {
    name: 'capture event prints the debug capture point',
    ev: at(13, {
      ...ip4,
      event_type: { type: 3 },
      debug_capture_point: 'DBG_CAPTURE_PROXY_PRE',
      verdict: 'TRACED',
      Summary: 'x',
    }),
    want: 'May  1 12:00:13.123: 1.2.3.4 (unknown) <> 5.6.7.8 (unknown) DBG_CAPTURE_PROXY_PRE TRACED (x)',
  },
  {
    name: 'trace-sock with translation point',
    ev: at(14, {
      ...ip4,
      event_type: { type: 7 },
      sock_xlate_point: 'SOCK_XLATE_POINT_POST_DIRECTION_FWD',
      verdict: 'TRANSLATED',
      Summary: 'x',
    }),
    want: 'May  1 12:00:14.123: 1.2.3.4 (unknown) <> 5.6.7.8 (unknown) post-xlate-fwd TRANSLATED (x)',
  },
  {
    name: 'trace-sock without translation point',
    ev: at(15, { ...ip4, event_type: { type: 7 }, verdict: 'TRANSLATED', Summary: 'x' }),
    want: 'May  1 12:00:15.123: 1.2.3.4 (unknown) <> 5.6.7.8 (unknown) SOCK_XLATE_POINT_UNKNOWN TRANSLATED (x)',
  },
  {
    name: 'no event type, no verdict',
    ev: at(16, { ...ip4, Summary: 'x' }),
    want: 'May  1 12:00:16.123: 1.2.3.4 (unknown) <> 5.6.7.8 (unknown) UNKNOWN VERDICT_UNKNOWN (x)',
  },
  {
    name: 'kafka request',
    ev: at(17, {
      ...ip4,
      l7: { type: 'REQUEST', kafka: { api_key: 'produce', correlation_id: 7, topic: 't' } },
      event_type: { type: 129 },
      is_reply: false,
      verdict: 'FORWARDED',
      Summary: "Kafka request produce correlation id 7 topic 't'",
    }),
    want: "May  1 12:00:17.123: 1.2.3.4 (unknown) -> 5.6.7.8 (unknown) kafka-request FORWARDED (Kafka request produce correlation id 7 topic 't')",
  },
  {
    name: 'l7 without record',
    ev: at(18, { ...ip4, l7: {}, verdict: 'FORWARDED', Summary: 'x' }),
    want: 'May  1 12:00:18.123: 1.2.3.4 (unknown) <> 5.6.7.8 (unknown) l7-unknown_l7_type FORWARDED (x)',
  },
  {
    name: 'DNS without observation source leaves a double space',
    ev: at(19, { ...ip4, l7: { type: 'SAMPLE', dns: {} }, verdict: 'FORWARDED', Summary: 'x' }),
    want: 'May  1 12:00:19.123: 1.2.3.4 (unknown) <> 5.6.7.8 (unknown) dns-sample  FORWARDED (x)',
  },
  {
    name: 'DNS response with proxy observation source',
    ev: at(19, {
      ...ip4,
      l4: { UDP: { source_port: 53, destination_port: 40000 } },
      l7: { type: 'RESPONSE', dns: { query: 'github.com.', observation_source: 'proxy' } },
      is_reply: true,
      verdict: 'FORWARDED',
      Summary: 'DNS Answer "140.82.121.4" TTL: 68 (Proxy github.com. A)',
    }),
    want: 'May  1 12:00:19.123: 5.6.7.8:40000 (unknown) <- 1.2.3.4:53 (unknown) dns-response proxy FORWARDED (DNS Answer "140.82.121.4" TTL: 68 (Proxy github.com. A))',
  },
  {
    name: 'HTTP sample with auth type',
    ev: at(20, {
      ...ip4,
      l7: { type: 'SAMPLE', http: {} },
      auth_type: 'SPIRE',
      verdict: 'FORWARDED',
      Summary: 'x',
    }),
    want: 'May  1 12:00:20.123: 1.2.3.4 (unknown) <> 5.6.7.8 (unknown) http-sample FORWARDED (x; Auth: SPIRE)',
  },
  {
    name: 'flow without time prints N/A',
    ev: {
      flow: { ...ip4, ...trace0, verdict: 'FORWARDED', Summary: 'notime' },
      time: '2024-05-01T12:00:21Z',
    },
    want: 'N/A: 1.2.3.4 (unknown) <> 5.6.7.8 (unknown) to-endpoint FORWARDED (notime)',
  },
  {
    name: 'service namespace replaces the pod namespace; service without namespace',
    ev: at(23, {
      ...ip4,
      source: { identity: 300, namespace: 'podns', pod_name: 'pod1' },
      destination: { identity: 301, namespace: 'x' },
      source_service: { name: 'ssvc', namespace: 'svcns' },
      destination_service: { name: 'dsvc' },
      ...trace0,
      verdict: 'FORWARDED',
      Summary: 'x',
    }),
    want: 'May  1 12:00:23.123: svcns/pod1 (ID:300) <> dsvc (ID:301) to-endpoint FORWARDED (x)',
  },
  {
    name: 'HTTP response reply with large identities',
    ev: at(24, {
      ...ip4,
      source: { identity: 16777217 },
      destination: { identity: 4294967295 },
      l7: { type: 'RESPONSE', http: { code: 503, method: 'GET', url: 'http://x/y', protocol: 'HTTP/1.1' } },
      is_reply: true,
      verdict: 'FORWARDED',
      Summary: 'HTTP/1.1 503 12ms (GET http://x/y)',
    }),
    want: 'May  1 12:00:24.123: 5.6.7.8 (ID:4294967295) <- 1.2.3.4 (ID:16777217) http-response FORWARDED (HTTP/1.1 503 12ms (GET http://x/y))',
  },
];

describe('compact printer', () => {
  for (const c of cases) {
    it(`formats ${c.name}`, () => {
      expect(print(c.ev)).toBe(c.want + '\n');
    });
  }

  it('adds the flow node name with --print-node-name (empty name → [])', () => {
    const ev = at(1, {
      ...ip4,
      node_name: 'kind-worker2',
      is_reply: false,
      ...trace0,
      verdict: 'FORWARDED',
      Summary: 's',
    });
    expect(print(ev, { printNodeName: true })).toBe(
      'May  1 12:00:01.123 [kind-worker2]: 1.2.3.4 (unknown) -> 5.6.7.8 (unknown) to-endpoint FORWARDED (s)\n',
    );
    // The flow's node name is used, not the wrapper's.
    const noNode: FlowEvent = { ...at(1, { ...ip4, ...trace0, Summary: 's' }), node_name: 'wrapper' };
    expect(print(noNode, { printNodeName: true })).toMatch(/^May {2}1 12:00:01\.123 \[\]: /);
  });

  it('shows IPs instead of names with ip translation off (--numeric), identities kept', () => {
    const ev = at(1, {
      IP: { source: '10.0.0.1', destination: '10.0.0.2' },
      l4: { TCP: { source_port: 1000, destination_port: 80 } },
      source: { identity: 2, namespace: 'ns', pod_name: 'p' },
      destination_names: ['example.com'],
      is_reply: false,
      ...trace0,
      verdict: 'FORWARDED',
      Summary: 's',
    });
    expect(print(ev, { ipTranslation: false })).toBe(
      'May  1 12:00:01.123: 10.0.0.1:1000 (world) -> 10.0.0.2:80 (unknown) to-endpoint FORWARDED (s)\n',
    );
  });

  it('prints nothing for responses without a flow', () => {
    const p = new CompactPrinter(defaultPrinterOptions);
    expect(p.event({})).toBe('');
    expect(p.event({ lost_events: { num_events_lost: '3' } })).toBe('');
    expect(p.event({ node_status: { state_change: 'NODE_ERROR', node_names: ['a'] } })).toBe('');
  });
});
