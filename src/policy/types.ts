/**
 * Kubernetes `networking.k8s.io/v1` NetworkPolicy, as a typed, validated value, and the
 * input/output types of the pure evaluator in `evaluate.ts`.
 *
 * The shapes mirror the Kubernetes API exactly (field names, optional fields), so a policy
 * read from YAML or from the API server is used as it is. Defaults that the API server applies
 * (protocol TCP, policyTypes) are applied by `parseNetworkPolicy`.
 */

/** The L4 protocols a NetworkPolicy port can name. */
export type PolicyProtocol = 'TCP' | 'UDP' | 'SCTP';

/** A label selector requirement (`matchExpressions` entry). */
export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

/** A Kubernetes label selector. `{}` selects everything. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** A CIDR with optional excluded sub-ranges. */
export interface IPBlock {
  cidr: string;
  except?: string[];
}

/** One `from`/`to` entry of a rule. Exactly one of ipBlock or the selectors is set. */
export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: IPBlock;
}

/** One `ports` entry of a rule. `port` is a number or a named container port. */
export interface NetworkPolicyPort {
  /** Defaulted to TCP by the parser. */
  protocol: PolicyProtocol;
  port?: number | string;
  endPort?: number;
}

/** An ingress rule: absent/empty `from` means every source; absent/empty `ports` every port. */
export interface NetworkPolicyIngressRule {
  from?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

/** An egress rule: absent/empty `to` means every destination; absent/empty `ports` every port. */
export interface NetworkPolicyEgressRule {
  to?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

/** The spec, with `policyTypes` always filled (API server defaulting applied). */
export interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes: Array<'Ingress' | 'Egress'>;
  ingress?: NetworkPolicyIngressRule[];
  egress?: NetworkPolicyEgressRule[];
}

/** A validated NetworkPolicy. */
export interface NetworkPolicy {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'NetworkPolicy';
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: NetworkPolicySpec;
}

/** A policy named by namespace and name. */
export interface PolicyRef {
  namespace: string;
  name: string;
}

/** A named container port of a pod (what named ports in rules resolve against). */
export interface NamedPort {
  name: string;
  port: number;
  protocol: PolicyProtocol;
}

/** A pod, as the evaluator needs to know it. */
export interface PodEndpoint {
  kind: 'pod';
  namespace: string;
  /** Pod labels (not namespace labels). */
  labels: Readonly<Record<string, string>>;
  /** Labels of the pod's namespace; include `kubernetes.io/metadata.name` as the API server does. */
  namespaceLabels: Readonly<Record<string, string>>;
  ip?: string;
  /** The pod's named container ports; needed only to resolve named ports in rules. */
  ports?: readonly NamedPort[];
  /** Display name used in reasons, e.g. `shop/frontend-6d9f7c8b5-x2kqp`. */
  name?: string;
}

/** Anything outside the cluster's pods (world, or a node): matched only by ipBlock. */
export interface ExternalEndpoint {
  kind: 'external';
  ip: string;
  name?: string;
}

/** One side of a connection. */
export type PolicyEndpoint = PodEndpoint | ExternalEndpoint;

/** Protocols a query can carry; ICMP matches only rules without `ports`. */
export type QueryProtocol = PolicyProtocol | 'ICMP';

/** A new connection to judge: who connects to whom, on which destination port. */
export interface PolicyQuery {
  source: PolicyEndpoint;
  destination: PolicyEndpoint;
  protocol: QueryProtocol;
  /** Destination port after service translation (the pod's port). */
  port: number;
}

/** The shape of the rule that allowed a connection, as Cilium's policy_match_type names it. */
export type PolicyMatchType = 'L3-Only' | 'L3-L4' | 'L4-Only' | 'all';

/** The verdict of one direction (egress at the source, ingress at the destination). */
export interface DirectionVerdict {
  /** True when at least one policy of this direction selects the endpoint (so it is isolated). */
  isolated: boolean;
  /** Policies of this direction that select the endpoint. */
  selectedBy: PolicyRef[];
  /** The selecting policies that have a rule matching the connection. */
  allowedBy: PolicyRef[];
  allowed: boolean;
  /** The shape of the first matching rule, when one matched. */
  matchType?: PolicyMatchType;
}

/** The evaluator's answer for one connection. */
export interface PolicyDecision {
  allowed: boolean;
  egress: DirectionVerdict;
  ingress: DirectionVerdict;
  /** Which direction denied the connection (egress is checked first, as the datapath does). */
  deniedBy?: 'egress' | 'ingress';
  /** One human sentence explaining the decision. */
  reason: string;
}

/** Evaluation options for implementation-defined corners of the API. */
export interface EvaluateOptions {
  /**
   * Whether ipBlock peers match pod IPs. Kubernetes leaves this to the implementation; Cilium
   * (the default, false) matches ipBlock only against addresses outside the cluster's pods.
   */
  ipBlockMatchesPods?: boolean;
}

/** Default evaluation options (Cilium's behaviour). */
export const defaultEvaluateOptions: Required<EvaluateOptions> = { ipBlockMatchesPods: false };
