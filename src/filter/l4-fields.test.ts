/**
 * Match and error tables for L4 fields (protocol, workloads, ports, tcp_flags), the v1.19
 * extensions (ip_trace_id, interface, cluster names, encrypted, CEL) and their errors.
 */
import { describe, expect, it } from 'vitest';
import {
  dns,
  drop,
  icmp6,
  sctp,
  tcp,
  compileError,
  matches,
  type ErrorCase,
  type MatchCase,
} from './testing.js';

const matchCases: MatchCase[] = [
  // protocol
  { name: 'protocol > tcp', filter: { protocol: ['tcp'] }, flow: tcp, want: true },
  { name: 'protocol > case-insensitive', filter: { protocol: ['TCP'] }, flow: tcp, want: true },
  { name: 'protocol > udp not tcp', filter: { protocol: ['udp'] }, flow: tcp, want: false },
  { name: 'protocol > icmp covers v6', filter: { protocol: ['icmp'] }, flow: icmp6, want: true },
  { name: 'protocol > icmpv4 not v6', filter: { protocol: ['icmpv4'] }, flow: icmp6, want: false },
  { name: 'protocol > icmpv6', filter: { protocol: ['ICMPv6'] }, flow: icmp6, want: true },
  { name: 'protocol > sctp', filter: { protocol: ['sctp'] }, flow: sctp, want: true },
  { name: 'protocol > dns by l7 record', filter: { protocol: ['dns'] }, flow: dns, want: true },
  { name: 'protocol > udp also matches the dns flow', filter: { protocol: ['udp'] }, flow: dns, want: true },
  { name: 'protocol > http not dns', filter: { protocol: ['http', 'kafka'] }, flow: dns, want: false },
  {
    name: 'protocol > kafka',
    filter: { protocol: ['kafka'] },
    flow: { l7: { kafka: { topic: 't' } } },
    want: true,
  },
  {
    name: 'protocol > vrrp (v1.19)',
    filter: { protocol: ['vrrp'] },
    flow: { l4: { VRRP: { vrid: 1 } } },
    want: true,
  },
  {
    name: 'protocol > igmp (v1.19)',
    filter: { protocol: ['igmp'] },
    flow: { l4: { IGMP: { type: 17 } } },
    want: true,
  },
  {
    name: 'protocol > empty ICMPv4 record is set',
    filter: { protocol: ['icmpv4'] },
    flow: { l4: { ICMPv4: {} } },
    want: true,
  },
  // workloads
  {
    name: 'source_workload > name and kind',
    filter: { source_workload: [{ name: 'web', kind: 'Deployment' }] },
    flow: tcp,
    want: true,
  },
  {
    name: 'source_workload > kind only',
    filter: { source_workload: [{ kind: 'Deployment' }] },
    flow: tcp,
    want: true,
  },
  {
    name: 'source_workload > wrong kind',
    filter: { source_workload: [{ name: 'web', kind: 'StatefulSet' }] },
    flow: tcp,
    want: false,
  },
  { name: 'source_workload > {} needs a workload', filter: { source_workload: [{}] }, flow: tcp, want: true },
  {
    name: 'destination_workload > {} without workloads',
    filter: { destination_workload: [{}] },
    flow: tcp,
    want: false,
  },
  // ports
  { name: 'source_port > tcp', filter: { source_port: ['40000'] }, flow: tcp, want: true },
  {
    name: 'destination_port > leading zero is decimal',
    filter: { destination_port: ['080'] },
    flow: tcp,
    want: true,
  },
  { name: 'destination_port > udp', filter: { destination_port: ['5353'] }, flow: drop, want: true },
  { name: 'destination_port > sctp', filter: { destination_port: ['2'] }, flow: sctp, want: true },
  { name: 'source_port > absent port is 0', filter: { source_port: ['0'] }, flow: dns, want: true },
  {
    name: 'destination_port > no tcp/udp/sctp never matches',
    filter: { destination_port: ['0'] },
    flow: icmp6,
    want: false,
  },
  // tcp_flags
  { name: 'tcp_flags > subset matches', filter: { tcp_flags: [{ SYN: true }] }, flow: tcp, want: true },
  {
    name: 'tcp_flags > all flags of an element needed',
    filter: { tcp_flags: [{ SYN: true, FIN: true }] },
    flow: tcp,
    want: false,
  },
  {
    name: 'tcp_flags > OR across elements',
    filter: { tcp_flags: [{ FIN: true }, { ACK: true }] },
    flow: tcp,
    want: true,
  },
  { name: 'tcp_flags > {} needs flags present', filter: { tcp_flags: [{}] }, flow: tcp, want: true },
  { name: 'tcp_flags > no flags never matches', filter: { tcp_flags: [{}] }, flow: drop, want: false },
  // v1.19 extensions
  {
    name: 'ip_trace_id > equal',
    filter: { ip_trace_id: ['42'] },
    flow: { ip_trace_id: { trace_id: '42' } },
    want: true,
  },
  {
    name: 'ip_trace_id > flow without ip_trace_id never matches',
    filter: { ip_trace_id: ['0'] },
    flow: tcp,
    want: false,
  },
  {
    name: 'ip_trace_id > uint64 beyond 2^53',
    filter: { ip_trace_id: ['18446744073709551615'] },
    flow: { ip_trace_id: { trace_id: '18446744073709551615' } },
    want: true,
  },
  {
    name: 'interface > by name',
    filter: { interface: [{ name: 'eth0' }] },
    flow: { interface: { index: 3, name: 'eth0' } },
    want: true,
  },
  {
    name: 'interface > index mismatch',
    filter: { interface: [{ index: 4, name: 'eth0' }] },
    flow: { interface: { index: 3, name: 'eth0' } },
    want: false,
  },
  { name: 'interface > {} needs an interface', filter: { interface: [{}] }, flow: tcp, want: false },
  {
    name: 'source_cluster_name > equal',
    filter: { source_cluster_name: ['c1'] },
    flow: { source: { cluster_name: 'c1' } },
    want: true,
  },
  {
    name: 'destination_cluster_name > different',
    filter: { destination_cluster_name: ['c1'] },
    flow: { destination: { cluster_name: 'c2' } },
    want: false,
  },
  {
    name: 'encrypted > true',
    filter: { encrypted: [true] },
    flow: { IP: { source: '1.1.1.1', encrypted: true } },
    want: true,
  },
  { name: 'encrypted > false matches non-IP flows', filter: { encrypted: [false] }, flow: dns, want: true },
  {
    name: 'encrypted > true does not match unencrypted',
    filter: { encrypted: [true] },
    flow: tcp,
    want: false,
  },
];

describe('l4 fields and extensions', () => {
  it.each(matchCases)('$name', (c) => expect(matches(c)).toBe(c.want));
});

const errorCases: ErrorCase[] = [
  {
    name: 'protocol > rejects unknown',
    filter: { protocol: ['foo'] },
    wantError: 'invalid protocol filter: unknown protocol: "foo"',
  },
  {
    name: 'protocol > quotes the value as given',
    filter: { protocol: ['tcp', 'Fo"o'] },
    wantError: 'invalid protocol filter: unknown protocol: "Fo\\"o"',
  },
  {
    name: 'port > rejects 70000',
    filter: { source_port: ['70000'] },
    wantError:
      'invalid source port filter: invalid port "70000": strconv.ParseUint: parsing "70000": value out of range',
  },
  {
    name: 'port > rejects abc',
    filter: { destination_port: ['abc'] },
    wantError:
      'invalid destination port filter: invalid port "abc": strconv.ParseUint: parsing "abc": invalid syntax',
  },
  {
    name: 'port > rejects empty',
    filter: { source_port: [''] },
    wantError: 'invalid source port filter: invalid port "": strconv.ParseUint: parsing "": invalid syntax',
  },
  {
    name: 'port > rejects hex',
    filter: { source_port: ['0x50'] },
    wantError:
      'invalid source port filter: invalid port "0x50": strconv.ParseUint: parsing "0x50": invalid syntax',
  },
  {
    name: 'port > rejects sign',
    filter: { source_port: ['+80'] },
    wantError:
      'invalid source port filter: invalid port "+80": strconv.ParseUint: parsing "+80": invalid syntax',
  },
  {
    name: 'port > overflow is reported before a later bad character',
    filter: { source_port: ['99999x'] },
    wantError:
      'invalid source port filter: invalid port "99999x": strconv.ParseUint: parsing "99999x": value out of range',
  },
  {
    name: 'verdict > rejects unknown names (flowlens)',
    filter: { verdict: ['BOGUS'] },
    wantError: 'invalid verdict filter: unknown value "BOGUS"',
  },
  {
    name: 'cluster name > rejects empty (v1.19)',
    filter: { source_cluster_name: [''] },
    wantError: 'invalid filter, name must not be empty',
  },
  {
    name: 'cel > not supported',
    filter: { experimental: { cel_expression: ['_flow.verdict == Verdict.DROPPED'] } },
    wantError: 'CEL expressions are not supported',
  },
  {
    name: 'ip_trace_id > rejects non-numbers',
    filter: { ip_trace_id: ['x'] },
    wantError: 'invalid ip trace id filter: invalid value "x"',
  },
];

describe('field errors', () => {
  it.each(errorCases)('$name', (c) => expect(compileError(c.filter)).toBe(c.wantError));
  it('accepts valid edge values', () => {
    for (const filter of [
      { source_port: ['65535'] },
      { protocol: ['ICMP'] },
      { experimental: {} },
      { destination_port: ['0'] },
    ]) {
      expect(compileError(filter)).toBeUndefined();
    }
  });
});
