/**
 * The kernel's drop reasons (`enum skb_drop_reason`, printed by name by the skb:kfree_skb
 * tracepoint) mapped to Hubble's DropReason. Cilium's datapath drops in eBPF with its own
 * codes; the kernel stack drops for its own reasons. Where the meaning matches, the Hubble code
 * is given; the rest have **no Hubble equivalent** and become DROPPED flows without a
 * `drop_reason_desc` (DROP_REASON_UNKNOWN), with the kernel's name kept in the Summary.
 *
 * `OTHERHOST` is listed as ignored: a promiscuous capture on a bridge passes every bridged frame
 * up to the bridge owner's IP stack, which frees it as "not for this host" — an artefact of the
 * capture itself, not a drop of traffic (see linux-lab.md §4). `NOT_SPECIFIED` (consume_skb-like
 * frees without a reason) is ignored too.
 */

/** A Hubble drop reason: its enum name and number. */
export interface HubbleDrop {
  name: string;
  code: number;
}

const H = (name: string, code: number): HubbleDrop => ({ name, code });
const POLICY_DENIED = H('POLICY_DENIED', 133);
const INVALID_PACKET = H('INVALID_PACKET_DROPPED', 134);
const UNSUPPORTED_L3 = H('UNSUPPORTED_L3_PROTOCOL', 139);
const UNKNOWN_L4 = H('UNKNOWN_L4_PROTOCOL', 142);
const FIB = H('FIB_LOOKUP_FAILED', 169);
const BAD_EXTHDR = H('INVALID_IPV6_EXTENSION_HEADER', 156);

/** Kernel reason name → Hubble drop reason, for the reasons that have an equivalent. */
export const KERNEL_TO_HUBBLE: Readonly<Record<string, HubbleDrop>> = {
  NETFILTER_DROP: POLICY_DENIED, // iptables/nftables DROP: how NetworkPolicy is enforced without Cilium
  BPF_CGROUP_INGRESS: POLICY_DENIED,
  BPF_CGROUP_EGRESS: POLICY_DENIED,
  SECURITY_HOOK: POLICY_DENIED,
  PKT_TOO_SMALL: INVALID_PACKET,
  IP_CSUM: INVALID_PACKET,
  IP_INHDR: INVALID_PACKET,
  TCP_CSUM: INVALID_PACKET,
  UDP_CSUM: INVALID_PACKET,
  ICMP_CSUM: INVALID_PACKET,
  SKB_CSUM: INVALID_PACKET,
  HDR_TRUNC: INVALID_PACKET,
  DEV_HDR: INVALID_PACKET,
  INVALID_PROTO: INVALID_PACKET,
  TCP_FLAGS: INVALID_PACKET,
  IPV6_NDISC_FRAG: INVALID_PACKET,
  IPV6_NDISC_HOP_LIMIT: INVALID_PACKET,
  IPV6_NDISC_BAD_OPTIONS: INVALID_PACKET,
  IPV6_NDISC_BAD_CODE: H('UNKNOWN_ICMPV6_CODE', 145),
  IP_RPFILTER: H('INVALID_SOURCE_IP', 132),
  IP_INADDRERRORS: H('UNKNOWN_L3_TARGET_ADDRESS', 150),
  IP_INNOROUTES: FIB,
  IP_OUTNOROUTES: FIB,
  IP_NOPROTO: UNKNOWN_L4,
  IPV6DISABLED: UNSUPPORTED_L3,
  UNHANDLED_PROTO: UNSUPPORTED_L3,
  IPV6_BAD_EXTHDR: BAD_EXTHDR,
  IPV6_NEXTHDR: BAD_EXTHDR,
  VXLAN_VNI_NOT_FOUND: H('INVALID_VNI', 183),
  MAC_INVALID_SOURCE: H('INVALID_SOURCE_MAC', 130),
  IP_TUNNEL_ECN: INVALID_PACKET,
  VXLAN_INVALID_HDR: INVALID_PACKET,
  FRAG_REASM_TIMEOUT: H('FIRST_LOGICAL_DATAGRAM_FRAGMENT_NOT_FOUND', 175),
  TC_INGRESS: POLICY_DENIED,
  TC_EGRESS: POLICY_DENIED,
};

/**
 * Kernel reasons with no Hubble equivalent (a non-exhaustive list of the common ones; any name
 * not in KERNEL_TO_HUBBLE is treated the same way). They describe the host stack's own state:
 * sockets, queues, memory, TCP sequence checks, neighbours and qdiscs.
 */
export const KERNEL_WITHOUT_EQUIVALENT: readonly string[] = [
  'NO_SOCKET', 'SOCKET_FILTER', 'SOCKET_CLOSE', 'SOCKET_RCVBUFF', 'SOCKET_BACKLOG', 'PROTO_MEM', 'UDP_CSUM_ERR',
  'TCP_MD5NOTFOUND', 'TCP_MD5UNEXPECTED', 'TCP_MD5FAILURE', 'TCP_AONOTFOUND', 'TCP_AOUNEXPECTED', 'TCP_AOKEYNOTFOUND', 'TCP_AOFAILURE',
  'TCP_ZEROWINDOW', 'TCP_OLD_DATA', 'TCP_OVERWINDOW', 'TCP_OFOMERGE', 'TCP_RFC7323_PAWS', 'TCP_OLD_SEQUENCE', 'TCP_INVALID_SEQUENCE',
  'TCP_INVALID_ACK_SEQUENCE', 'TCP_RESET', 'TCP_INVALID_SYN', 'TCP_CLOSE', 'TCP_FASTOPEN', 'TCP_OLD_ACK', 'TCP_TOO_OLD_ACK',
  'TCP_ACK_UNSENT_DATA', 'TCP_OFO_QUEUE_PRUNE', 'TCP_OFO_DROP', 'TCP_MINTTL', 'TCP_LISTEN_OVERFLOW', 'TCP_ABORT_ON_DATA',
  'XFRM_POLICY', 'UNICAST_IN_L2_MULTICAST', 'OTHERHOST', 'PKT_TOO_BIG', 'DUP_FRAG', 'FRAG_TOO_FAR', 'NEIGH_CREATEFAIL',
  'NEIGH_FAILED', 'NEIGH_QUEUEFULL', 'NEIGH_DEAD', 'QDISC_DROP', 'QDISC_OVERLIMIT', 'QDISC_CONGESTED', 'CPU_BACKLOG', 'XDP',
  'SKB_GSO_SEG', 'SKB_UCOPY_FAULT', 'DEV_READY', 'FULL_RING', 'NOMEM', 'TAP_FILTER', 'TAP_TXFILTER', 'TUNNEL_TXINFO',
  'VXLAN_ENTRY_EXISTS', 'ARP_PVLAN_DISABLE', 'IPV6_NDISC_NS_OTHERHOST', 'QUEUE_PURGE', 'IP_LOCALNET', 'IP_INADDRERRORS_LOCAL',
  'PTYPE_ABSENT', 'SKB_BAD_GSO', 'NETFILTER_CHAIN', 'BRIDGE_VLAN_FILTER',
]; // prettier-ignore

/**
 * Reasons counted but not turned into flows: the host freeing data of sockets it closes or
 * purges, and duplicate segments TCP discards by design. They are not traffic being dropped on
 * its way, and on a busy node they are the bulk of all events.
 */
export const LOCAL_TEARDOWN_REASONS: ReadonlySet<string> = new Set([
  'SOCKET_CLOSE', 'QUEUE_PURGE', 'TCP_CLOSE', 'TCP_ABORT_ON_DATA', 'TCP_OLD_SEQUENCE', 'TCP_OLD_DATA', 'TCP_OLD_ACK', 'TCP_TOO_OLD_ACK',
  'TCP_OFOMERGE', 'SOCKET_RCV_SHUTDOWN', 'TCP_RESET',
]); // prettier-ignore

/** Reasons never reported (see the module comment). */
export const IGNORED_KERNEL_REASONS: ReadonlySet<string> = new Set(['OTHERHOST', 'NOT_SPECIFIED']);

/** The Hubble drop reason of a kernel reason, or undefined when it has none. */
export function hubbleDropReason(kernelReason: string): HubbleDrop | undefined {
  return KERNEL_TO_HUBBLE[kernelReason];
}
