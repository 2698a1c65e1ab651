/**
 * Hubble's `Summary` strings (hubble-flow.md §2.10) for the flows the agent builds: TCP flags,
 * gopacket's ICMP type/code names, DNS queries and answers, HTTP and Kafka.
 */
import type { DNS, HTTP, Kafka, TCPFlags } from '../../flow/index.js';
import { RCODE_TEXT } from '../decode/dns.js';
import { TcpFlag } from '../decode/packet.js';

const FLAG_ORDER: Array<[keyof TCPFlags, number]> = [
  ['SYN', TcpFlag.SYN],
  ['ACK', TcpFlag.ACK],
  ['RST', TcpFlag.RST],
  ['FIN', TcpFlag.FIN],
  ['PSH', TcpFlag.PSH],
  ['URG', TcpFlag.URG],
  ['ECE', TcpFlag.ECE],
  ['CWR', TcpFlag.CWR],
  ['NS', TcpFlag.NS],
];

/** The `flags` record of a TCP header (only set flags), in Hubble's key order. */
export function tcpFlagsRecord(bits: number): TCPFlags {
  const f: TCPFlags = {};
  if (bits & TcpFlag.FIN) f.FIN = true;
  if (bits & TcpFlag.SYN) f.SYN = true;
  if (bits & TcpFlag.RST) f.RST = true;
  if (bits & TcpFlag.PSH) f.PSH = true;
  if (bits & TcpFlag.ACK) f.ACK = true;
  if (bits & TcpFlag.URG) f.URG = true;
  if (bits & TcpFlag.ECE) f.ECE = true;
  if (bits & TcpFlag.CWR) f.CWR = true;
  if (bits & TcpFlag.NS) f.NS = true;
  return f;
}

const flagSummaryCache = new Map<number, string>();

/** `TCP Flags: SYN, ACK`. */
export function tcpSummary(bits: number): string {
  let s = flagSummaryCache.get(bits);
  if (s === undefined) {
    s =
      'TCP Flags: ' +
      FLAG_ORDER.filter(([, b]) => bits & b)
        .map(([n]) => n)
        .join(', ');
    flagSummaryCache.set(bits, s);
  }
  return s;
}

type CodeInfo = [string, Record<number, string> | undefined];
const ICMP4: Record<number, CodeInfo> = {
  0: ['EchoReply', undefined],
  3: ['DestinationUnreachable', { 0: 'Net', 1: 'Host', 2: 'Protocol', 3: 'Port', 4: 'FragmentationNeeded', 5: 'SourceRoutingFailed', 6: 'NetUnknown', 7: 'HostUnknown', 8: 'SourceIsolated', 9: 'NetAdminProhibited', 10: 'HostAdminProhibited', 11: 'NetTOS', 12: 'HostTOS', 13: 'CommAdminProhibited', 14: 'HostPrecedence', 15: 'PrecedenceCutoff' }],
  4: ['SourceQuench', undefined],
  5: ['Redirect', { 0: 'Net', 1: 'Host', 2: 'TOS+Net', 3: 'TOS+Host' }],
  8: ['EchoRequest', undefined],
  9: ['RouterAdvertisement', undefined],
  10: ['RouterSolicitation', undefined],
  11: ['TimeExceeded', { 0: 'TTLExceeded', 1: 'FragmentReassemblyTimeExceeded' }],
  12: ['ParameterProblem', { 0: 'PointerIndicatesError', 1: 'MissingOption', 2: 'BadLength' }],
  13: ['TimestampRequest', undefined],
  14: ['TimestampReply', undefined],
  15: ['InfoRequest', undefined],
  16: ['InfoReply', undefined],
  17: ['AddressMaskRequest', undefined],
  18: ['AddressMaskReply', undefined],
}; // prettier-ignore
const ICMP6: Record<number, CodeInfo> = {
  1: ['DestinationUnreachable', { 0: 'NoRouteToDst', 1: 'AdminProhibited', 2: 'BeyondScopeOfSrc', 3: 'AddressUnreachable', 4: 'PortUnreachable', 5: 'SrcAddressFailedPolicy', 6: 'RejectRouteToDst' }],
  2: ['PacketTooBig', undefined],
  3: ['TimeExceeded', { 0: 'HopLimitExceeded', 1: 'FragmentReassemblyTimeExceeded' }],
  4: ['ParameterProblem', { 0: 'ErroneousHeaderField', 1: 'UnrecognizedNextHeader', 2: 'UnrecognizedIPv6Option' }],
  128: ['EchoRequest', undefined],
  129: ['EchoReply', undefined],
  133: ['RouterSolicitation', undefined],
  134: ['RouterAdvertisement', undefined],
  135: ['NeighborSolicitation', undefined],
  136: ['NeighborAdvertisement', undefined],
  137: ['Redirect', undefined],
}; // prettier-ignore

/** gopacket's ICMP type-code text, e.g. `DestinationUnreachable(Port)`. */
export function icmpTypeCode(v6: boolean, type: number, code: number): string {
  const info = (v6 ? ICMP6 : ICMP4)[type];
  if (!info) return `${type}(${code})`;
  const [name, codes] = info;
  if (!codes) return code === 0 ? name : `${name}(Code: ${code})`;
  const c = codes[code];
  return c ? `${name}(${c})` : `${name}(Code: ${code})`;
}

/** `ICMPv4 EchoRequest`. */
export function icmpSummary(v6: boolean, type: number, code: number): string {
  return `${v6 ? 'ICMPv6' : 'ICMPv4'} ${icmpTypeCode(v6, type, code)}`;
}

const goQuote = (s: string) => JSON.stringify(s);

/** DNS request / response summaries. */
export function dnsSummary(d: DNS, response: boolean): string {
  const qt = (d.qtypes ?? []).join(',');
  if (!response) return `DNS Query ${d.query ?? ''} ${qt}`;
  const tail = `TTL: ${d.ttl ?? 0} (Query ${d.query ?? ''} ${qt})`;
  if ((d.rcode ?? 0) !== 0) return `DNS Answer RCode: ${RCODE_TEXT[d.rcode!] ?? d.rcode} ${tail}`;
  const ips = goQuote((d.ips ?? []).join(','));
  if (d.cnames && d.cnames.length > 0)
    return `DNS Answer ${ips} CNAMEs: ${goQuote(d.cnames.join(','))} ${tail}`;
  return `DNS Answer ${ips} ${tail}`;
}

/** HTTP request / response summaries. */
export function httpSummary(h: HTTP, response: boolean, latencyNs?: number): string {
  if (!response) return `${h.protocol} ${h.method} ${h.url}`;
  return `${h.protocol} ${h.code} ${Math.floor((latencyNs ?? 0) / 1e6)}ms (${h.method} ${h.url})`;
}

/** Kafka request / response summaries. */
export function kafkaSummary(k: Kafka, response: boolean): string {
  const base = `Kafka ${response ? 'response' : 'request'} ${k.api_key} correlation id ${k.correlation_id ?? 0} topic '${k.topic ?? ''}'`;
  return response ? `${base} return code ${k.error_code ?? 0}` : base;
}
