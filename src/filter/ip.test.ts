import { describe, expect, it } from 'vitest';
import type { Flow } from '../flow/types.js';
import { cidrContains, parseCidr, parseIpInto } from './ip-addr.js';
import { compileError, matches, type ErrorCase, type MatchCase } from './testing.js';

describe('parseIpInto (Go net.ParseIP rules)', () => {
  const cases = [
    { name: 'dotted quad', input: '10.0.0.1', want: 4 },
    { name: 'zero octets', input: '0.0.0.0', want: 4 },
    { name: 'leading zero rejected', input: '010.0.0.1', want: 0 },
    { name: 'short form rejected', input: '10.1', want: 0 },
    { name: 'octet > 255 rejected', input: '1.2.3.256', want: 0 },
    { name: 'five octets rejected', input: '1.2.3.4.5', want: 0 },
    { name: 'trailing dot rejected', input: '1.2.3.', want: 0 },
    { name: 'hex octet rejected', input: '0x0a.0.0.1', want: 0 },
    { name: 'ipv6 compressed', input: 'fd00::1', want: 6 },
    { name: 'ipv6 unspecified', input: '::', want: 6 },
    { name: 'ipv6 full', input: '2001:db8:0:0:0:0:0:1', want: 6 },
    { name: 'ipv6 embedded v4', input: '::ffff:10.0.0.1', want: 6 },
    { name: 'ipv6 zone rejected', input: 'fe80::1%eth0', want: 0 },
    { name: 'ipv6 two ellipses rejected', input: '1::2::3', want: 0 },
    { name: 'ipv6 five hex digits rejected', input: '12345::1', want: 0 },
    { name: 'ipv6 ellipsis expanding to nothing rejected', input: '1:2:3:4::5:6:7:8', want: 0 },
    { name: 'ipv6 too short rejected', input: '1:2:3', want: 0 },
    { name: 'ipv6 embedded v4 in wrong place rejected', input: '1.2.3.4::', want: 0 },
    { name: 'ipv6 trailing colon rejected', input: '1::2:', want: 0 },
    { name: 'empty rejected', input: '', want: 0 },
    { name: 'host:port rejected', input: '1.2.3.4:80', want: 0 },
  ];
  it.each(cases)('$name', ({ input, want }) => expect(parseIpInto(input, new Uint8Array(16))).toBe(want));
  it('stores IPv4 in mapped form', () => {
    const b = new Uint8Array(16);
    parseIpInto('1.2.3.4', b);
    expect([...b]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]);
    parseIpInto('1:2::ff', b);
    expect([...b]).toEqual([0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff]);
  });
});

describe('CIDR containment (Go net.IPNet.Contains)', () => {
  const cases = [
    { name: 'v4 inside', cidr: '10.0.0.0/24', ip: '10.0.0.200', want: true },
    { name: 'v4 outside', cidr: '10.0.0.0/24', ip: '10.0.1.1', want: false },
    { name: 'host bits ignored', cidr: '10.0.0.1/24', ip: '10.0.0.7', want: true },
    { name: 'v4 cidr contains mapped v6', cidr: '10.0.0.0/8', ip: '::ffff:10.1.2.3', want: true },
    { name: 'v4 cidr does not contain v6', cidr: '0.0.0.0/0', ip: 'fd00::1', want: false },
    { name: 'v6 cidr does not contain v4', cidr: '::/0', ip: '10.0.0.1', want: false },
    { name: 'v6 inside', cidr: 'fd00::/64', ip: 'fd00::abcd', want: true },
    { name: 'v6 outside', cidr: 'fd00::/64', ip: 'fd00:0:0:1::1', want: false },
    { name: 'mapped cidr acts as v4 network', cidr: '::ffff:10.0.0.0/104', ip: '10.0.0.9', want: true },
    { name: 'mapped cidr /104 is /8 on v4', cidr: '::ffff:10.0.0.0/104', ip: '11.0.0.9', want: false },
    { name: '/32 single host', cidr: '1.2.3.4/32', ip: '1.2.3.4', want: true },
    { name: 'leading-zero prefix length', cidr: '1.2.3.0/024', ip: '1.2.3.9', want: true },
  ];
  it.each(cases)('$name', ({ cidr, ip, want }) => {
    const c = parseCidr(cidr)!;
    const b = new Uint8Array(16);
    expect(parseIpInto(ip, b)).not.toBe(0);
    expect(cidrContains(c, b)).toBe(want);
  });
  it.each(['10.0.0.0/33', '10.0.0/8', 'fd00::/129', '10.0.0.0/', '10.0.0.0/+8', 'fe80::%eth0/64', '/8'])(
    'rejects %s',
    (s) => expect(parseCidr(s)).toBeUndefined(),
  );
});

const flow: Flow = {
  IP: { source: '10.0.0.1', destination: 'fd00::1', source_xlated: '192.168.1.5', ipVersion: 'IPv4' },
};

describe('ip filters', () => {
  const cases: MatchCase[] = [
    { name: 'exact source', filter: { source_ip: ['10.0.0.1'] }, flow, want: true },
    {
      name: 'exact is a string comparison (no normalisation)',
      filter: { destination_ip: ['fd00:0::1'] },
      flow,
      want: false,
    },
    { name: 'exact destination', filter: { destination_ip: ['fd00::1'] }, flow, want: true },
    { name: 'cidr source', filter: { source_ip: ['10.0.0.0/8'] }, flow, want: true },
    { name: 'cidr or exact', filter: { source_ip: ['1.1.1.1', '10.0.0.0/30'] }, flow, want: true },
    { name: 'cidr miss', filter: { source_ip: ['11.0.0.0/8'] }, flow, want: false },
    { name: 'v6 cidr', filter: { destination_ip: ['fd00::/8'] }, flow, want: true },
    {
      name: 'mapped source in v4 cidr',
      filter: { source_ip: ['10.0.0.0/8'] },
      flow: { IP: { source: '::ffff:10.9.9.9' } },
      want: true,
    },
    { name: 'absent IP never matches', filter: { source_ip: ['0.0.0.0/0'] }, flow: {}, want: false },
    {
      name: 'empty IP never matches',
      filter: { source_ip: ['0.0.0.0/0'] },
      flow: { IP: { source: '' } },
      want: false,
    },
    {
      name: 'unparsable flow IP never in cidr',
      filter: { source_ip: ['0.0.0.0/0'] },
      flow: { IP: { source: 'junk' } },
      want: false,
    },
    { name: 'xlated (v1.19)', filter: { source_ip_xlated: ['192.168.0.0/16'] }, flow, want: true },
    {
      name: 'xlated absent',
      filter: { source_ip_xlated: ['192.168.1.5'] },
      flow: { IP: { source: '192.168.1.5' } },
      want: false,
    },
    {
      name: 'source and destination ANDed',
      filter: { source_ip: ['10.0.0.1'], destination_ip: ['fd00::2'] },
      flow,
      want: false,
    },
  ];
  it.each(cases)('$name', (c) => expect(matches(c)).toBe(c.want));

  const errors: ErrorCase[] = [
    {
      name: 'rejects a bad CIDR',
      filter: { source_ip: ['10.0.0.0/33'] },
      wantError: 'invalid CIDR in filter: "10.0.0.0/33"',
    },
    {
      name: 'rejects a bad address',
      filter: { destination_ip: ['10.0.0'] },
      wantError: 'invalid IP address in filter: "10.0.0"',
    },
    {
      name: 'rejects a zone',
      filter: { source_ip: ['fe80::1%eth0'] },
      wantError: 'invalid IP address in filter: "fe80::1%eth0"',
    },
    {
      name: 'rejects an empty element',
      filter: { source_ip: [''] },
      wantError: 'invalid IP address in filter: ""',
    },
    {
      name: 'checks source before destination',
      filter: { source_ip: ['x'], destination_ip: ['y/1'] },
      wantError: 'invalid IP address in filter: "x"',
    },
    {
      name: 'checks xlated (v1.19)',
      filter: { source_ip_xlated: ['1.2.3.4/40'] },
      wantError: 'invalid CIDR in filter: "1.2.3.4/40"',
    },
  ];
  it.each(errors)('$name', (c) => expect(compileError(c.filter)).toBe(c.wantError));
});
