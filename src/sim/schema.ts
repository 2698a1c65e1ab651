/**
 * The scenario model: what a scenario YAML file describes once validated and defaulted.
 * See docs/scenarios.md for the file format. Durations are milliseconds, rates are per second.
 */
import type { NetworkPolicy, PolicyProtocol } from '../policy/index.js';
import type { Origin } from './source.js';

/** Where an item was defined; absent for scenarios built in code. */
export interface Located {
  origin?: Origin;
}

/** Cluster-wide settings. */
export interface ClusterSpec {
  /** Cilium cluster name (`k8s:io.cilium.k8s.policy.cluster=`); node names get a `name/` prefix unless `default`. */
  name: string;
  /** `native`: cross-node packets are traced `to-stack`; `tunnel`: `to-overlay`. */
  routing: 'native' | 'tunnel';
  /** Pod CIDR (a /16); node i gets the i-th /24. */
  podCIDR: string;
  /** Service CIDR (a /16) for ClusterIPs. */
  serviceCIDR: string;
  /** Cluster DNS domain. */
  domain: string;
}

/** A node. */
export interface NodeSpec extends Located {
  name: string;
}

/** A namespace and its labels (`kubernetes.io/metadata.name` is added automatically). */
export interface NamespaceSpec extends Located {
  name: string;
  labels: Record<string, string>;
}

/** A container port. */
export interface ContainerPortSpec {
  name?: string;
  port: number;
  protocol: PolicyProtocol;
}

/** A Deployment, StatefulSet or DaemonSet. */
export interface WorkloadSpec extends Located {
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  name: string;
  namespace: string;
  /** Ignored for DaemonSets (one pod per node). */
  replicas: number;
  /** Pod labels; default `{app: <name>}`. */
  labels: Record<string, string>;
  serviceAccount: string;
  ports: ContainerPortSpec[];
  /** Restricts placement to these nodes. */
  nodes?: string[];
}

/** A Service port; `targetPort` is a number or a container port name. */
export interface ServicePortSpec {
  name?: string;
  port: number;
  targetPort: number | string;
  protocol: PolicyProtocol;
}

/** A ClusterIP Service selecting pods of its namespace. */
export interface ServiceSpec extends Located {
  name: string;
  namespace: string;
  selector: Record<string, string>;
  ports: ServicePortSpec[];
  clusterIP?: string;
}

/** An endpoint outside the cluster (world), optionally with a DNS name. */
export interface ExternalSpec extends Located {
  name: string;
  fqdn?: string;
  ips: string[];
  ipv6: string[];
  cnames: string[];
  /** TTL of its DNS answers, seconds. */
  ttl: number;
}

/** A latency distribution (log-normal through its median and 99th percentile), in ms. */
export interface LatencySpec {
  p50: number;
  p99: number;
}

/** A weighted HTTP request template. */
export interface HttpRequestSpec {
  method: string;
  path: string;
  weight: number;
}

/** L7 settings of an HTTP edge. */
export interface HttpSpec {
  protocol: 'HTTP/1.1' | 'HTTP/2';
  requests: HttpRequestSpec[];
  /** Baseline share of responses that fail (status `errorStatus`). */
  errorRate: number;
  errorStatus: number;
}

/** L7 settings of a gRPC edge (HTTP/2 POST /service/method). */
export interface GrpcSpec {
  service: string;
  methods: string[];
}

/** L7 settings of a Kafka edge. */
export interface KafkaSpec {
  topic: string;
  apiKey: 'produce' | 'fetch';
  apiVersion: number;
}

/** Which side of a connection a traffic edge targets. */
export type TargetRef =
  | { kind: 'service'; namespace: string; name: string }
  | { kind: 'workload'; namespace: string; name: string; pod?: string }
  | { kind: 'external'; name: string };

/** Who opens the connections of an edge. */
export type SourceRef =
  { kind: 'workload'; namespace: string; name: string } | { kind: 'external'; name: string };

/** Daily variation of a rate: a cosine with its maximum at `peakHour` (UTC). */
export interface DailySpec {
  amplitude: number;
  peakHour: number;
}

/** One traffic edge: connections from a workload (or the world) to a target. */
export interface TrafficSpec extends Located {
  name: string;
  from: SourceRef;
  to: TargetRef;
  /** Service port, container port, or port name; for external targets a number. */
  port: number | string;
  protocol: 'tcp' | 'udp' | 'http' | 'grpc' | 'kafka';
  /** New connections per second, averaged over the day. */
  rate: number;
  daily: DailySpec;
  /** Relative noise on the rate, 0..1, changing every second. */
  jitter: number;
  requests: { min: number; max: number };
  latency: LatencySpec;
  /** The name the client resolves before connecting; undefined connects by IP. */
  resolve?: string;
  http?: HttpSpec;
  grpc?: GrpcSpec;
  kafka?: KafkaSpec;
}

/** DNS settings. */
export interface DnsSpec {
  /** TTL of cluster-internal answers, seconds (CoreDNS `ttl`). */
  ttl: number;
  /** Resolve unqualified names through the pod's search path with ndots:5, like glibc. */
  searchPath: boolean;
  /** Query AAAA alongside A. */
  aaaa: boolean;
  /**
   * Seconds an application caches a successful answer (capped by its TTL). 0, the default, looks
   * names up for every new connection, as glibc without nscd, Go and Node.js do.
   */
  cache: number;
}

/** Fields shared by every fault. */
export interface FaultBase extends Located {
  /** Offset from the scenario start when the fault switches on, ms. */
  from: number;
  /** Offset when it switches off, ms; undefined = never. */
  to?: number;
  description?: string;
}

/** A workload named in a fault. */
export interface WorkloadRef {
  namespace: string;
  name: string;
}

/** The fault kinds and their parameters. */
export type FaultSpec = FaultBase &
  (
    | { kind: 'dns-upstream-down'; mode: 'servfail' | 'no-response'; names: string[]; ratio: number }
    | { kind: 'dns-refused'; ratio: number; clients: WorkloadRef[] }
    | { kind: 'dns-nxdomain'; workload: WorkloadRef; name: string; rate: number }
    | { kind: 'dns-a-fail'; mode: 'servfail' | 'no-response'; names: string[]; ratio: number }
    | { kind: 'policy-change'; policy: NetworkPolicy }
    | { kind: 'lb-skew'; workload: WorkloadRef; weights: number[] }
    | {
        kind: 'tcp-reset';
        workload: WorkloadRef;
        pods: Array<string | number>;
        role: 'server' | 'client';
        peer?: WorkloadRef;
        ratio: number;
      }
    | { kind: 'http-errors'; workload: WorkloadRef; status: number[]; ratio: number; paths: string[] }
    | { kind: 'latency'; workload: WorkloadRef; factor: number; add: number; ratio: number }
    | {
        kind: 'kafka-errors';
        workload: WorkloadRef;
        topic?: string;
        errorCode: number;
        ratio: number;
        noResponse: number;
      }
    | { kind: 'node-drops'; node: string; reason: string; ratio: number }
    | { kind: 'traffic-surge'; workload: WorkloadRef; factor: number }
  );

/** The kinds of faults a scenario can inject. */
export type FaultKind = FaultSpec['kind'];

/** A complete, validated scenario. */
export interface Scenario extends Located {
  name: string;
  description: string;
  /** Default start time (RFC 3339) and duration (ms) when the caller gives none. */
  start: string;
  duration: number;
  cluster: ClusterSpec;
  dns: DnsSpec;
  nodes: NodeSpec[];
  namespaces: NamespaceSpec[];
  workloads: WorkloadSpec[];
  services: ServiceSpec[];
  external: ExternalSpec[];
  traffic: TrafficSpec[];
  policies: Array<NetworkPolicy & Located>;
  faults: FaultSpec[];
}

/** Defaults of the cluster section. */
export const defaultClusterSpec: ClusterSpec = {
  name: 'default',
  routing: 'native',
  podCIDR: '10.244.0.0/16',
  serviceCIDR: '10.0.0.0/16',
  domain: 'cluster.local',
};

/** Defaults of the dns section. */
export const defaultDnsSpec: DnsSpec = { ttl: 30, searchPath: true, aaaa: true, cache: 0 };
