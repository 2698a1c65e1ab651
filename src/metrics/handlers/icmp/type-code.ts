/**
 * ICMP type/code text as gopacket prints it (Hubble's `type` label of hubble_icmp_total):
 * `EchoRequest`, `DestinationUnreachable(Port)`, `TimeExceeded(Code: 7)`, `42(0)`.
 */

interface TypeInfo {
  name: string;
  codes?: readonly string[];
}

const V4: Record<number, TypeInfo> = {
  0: { name: 'EchoReply' },
  3: {
    name: 'DestinationUnreachable',
    codes: [
      'Net',
      'Host',
      'Protocol',
      'Port',
      'FragmentationNeeded',
      'SourceRoutingFailed',
      'NetUnknown',
      'HostUnknown',
      'SourceIsolated',
      'NetAdminProhibited',
      'HostAdminProhibited',
      'NetTOS',
      'HostTOS',
      'CommAdminProhibited',
      'HostPrecedence',
      'PrecedenceCutoff',
    ],
  },
  4: { name: 'SourceQuench' },
  5: { name: 'Redirect', codes: ['Net', 'Host', 'TOS+Net', 'TOS+Host'] },
  8: { name: 'EchoRequest' },
  9: { name: 'RouterAdvertisement' },
  10: { name: 'RouterSolicitation' },
  11: { name: 'TimeExceeded', codes: ['TTLExceeded', 'FragmentReassemblyTimeExceeded'] },
  12: { name: 'ParameterProblem', codes: ['PointerIndicatesError', 'MissingOption', 'BadLength'] },
  13: { name: 'TimestampRequest' },
  14: { name: 'TimestampReply' },
  15: { name: 'InfoRequest' },
  16: { name: 'InfoReply' },
  17: { name: 'AddressMaskRequest' },
  18: { name: 'AddressMaskReply' },
};

const V6: Record<number, TypeInfo> = {
  1: {
    name: 'DestinationUnreachable',
    codes: [
      'NoRouteToDst',
      'AdminProhibited',
      'BeyondScopeOfSrc',
      'AddressUnreachable',
      'PortUnreachable',
      'SrcAddressFailedPolicy',
      'RejectRouteToDst',
    ],
  },
  2: { name: 'PacketTooBig' },
  3: { name: 'TimeExceeded', codes: ['HopLimitExceeded', 'FragmentReassemblyTimeExceeded'] },
  4: {
    name: 'ParameterProblem',
    codes: ['ErroneousHeaderField', 'UnrecognizedNextHeader', 'UnrecognizedIPv6Option'],
  },
  128: { name: 'EchoRequest' },
  129: { name: 'EchoReply' },
  133: { name: 'RouterSolicitation' },
  134: { name: 'RouterAdvertisement' },
  135: { name: 'NeighborSolicitation' },
  136: { name: 'NeighborAdvertisement' },
  137: { name: 'Redirect' },
};

/** The type/code string of an ICMPv4 (`v6` false) or ICMPv6 message. */
export function icmpTypeCode(v6: boolean, type: number, code: number): string {
  const info = (v6 ? V6 : V4)[type];
  if (info === undefined) return `${type}(${code})`;
  if (info.codes === undefined) return code === 0 ? info.name : `${info.name}(Code: ${code})`;
  const c = info.codes[code];
  return c === undefined ? `${info.name}(Code: ${code})` : `${info.name}(${c})`;
}
