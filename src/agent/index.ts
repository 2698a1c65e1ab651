/**
 * `flowlens agent`: Hubble flows from real Linux traffic on any CNI.
 *
 * - Agent (agent.ts): captures → decoders → assembler → bounded queue → batches of FlowEvents.
 * - As a pipeline source: `AgentSource` in src/sources/agent.
 * - TCP states for the `tcp_state` metrics: `agent.tcpStates()` returns a TcpStateSnapshot
 *   (`states` keyed by Retina's state names: ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT1,
 *   FIN_WAIT2, TIME_WAIT, CLOSE, CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING, UNKNOWN; every name
 *   present, 0 when none), from conntrack (`tcpStates: 'conntrack'`) or socket tables
 *   (`'sockets'`). The status file of `flowlens agent --status-file` carries the same object
 *   under `tcpStates`. See README.md in this folder.
 */
export { Agent, defaultAgentOptions, type AgentOptions, type AgentStats } from './agent.js';
export {
  Assembler,
  defaultAssemblerOptions,
  type AssemblerOptions,
  type AssemblerCounters,
} from './flows/assembler.js';
export {
  TopologyIndex,
  workloadOf,
  type PodInfo,
  type ServiceInfo,
  type NamespaceInfo,
  type NodeInfo,
  type ResolvedEndpoint,
} from './enrich/topology.js';
export { parseTopology, TopologyError, TopologyFileWatcher, type Topology } from './enrich/topology-file.js';
export { KubernetesWatcher } from './enrich/kubernetes.js';
export { DnsNameCache } from './enrich/dns-names.js';
export {
  ConntrackTable,
  ConntrackWatcher,
  parseConntrackLine,
  retinaState,
  TCP_STATE_NAMES,
  type TcpStateProvider,
  type TcpStateSnapshot,
} from './tcp-states/conntrack.js';
export { SocketTableReader, countProcTcp } from './tcp-states/sockets.js';
export {
  KERNEL_TO_HUBBLE,
  KERNEL_WITHOUT_EQUIVALENT,
  IGNORED_KERNEL_REASONS,
  hubbleDropReason,
} from './drops/drop-reasons.js';
export { parseKfreeSkbLine, KfreeSkbWatcher, type KfreeSkbEvent } from './drops/kfree-skb.js';
export { PcapStreamParser, LinkType, pcapGlobalHeader, pcapRecord } from './pcap/pcap-stream.js';
export { parsePolicyPrefix } from './decode/nflog.js';
