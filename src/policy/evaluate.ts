/**
 * Pure evaluation of Kubernetes NetworkPolicies for one new connection.
 *
 * Semantics (networking.k8s.io/v1):
 * - A pod is isolated for a direction when at least one policy in its namespace selects it
 *   (spec.podSelector) and lists that direction in policyTypes. A pod that no policy selects is
 *   non-isolated: everything is allowed in that direction.
 * - An isolated pod accepts a connection when any rule of any selecting policy matches it (rules
 *   are additive, there is no deny rule). A selecting policy with no rules denies everything.
 * - A connection needs both the source's egress and the destination's ingress to allow it.
 *   Replies of an allowed connection are always allowed (policies are stateful), so callers
 *   evaluate only the first packet of a connection.
 * - Peers: podSelector alone selects pods of the policy's namespace; namespaceSelector alone all
 *   pods of the matching namespaces; both together the matching pods of the matching namespaces;
 *   ipBlock matches addresses in cidr but not in except (by default only non-pod addresses,
 *   see EvaluateOptions.ipBlockMatchesPods). An empty or missing from/to matches every peer.
 * - Ports: an empty or missing ports list matches every port and protocol; otherwise the
 *   protocol must match and the port equal `port`, lie in [port, endPort], or, for a named port,
 *   equal the destination pod's container port of that name and protocol.
 */
import { parseCidr, parseIP, cidrContains, type Cidr, type ParsedIP } from './cidr.js';
import { isEmptySelector, matchesSelector } from './label-selector.js';
import {
  defaultEvaluateOptions,
  type DirectionVerdict,
  type EvaluateOptions,
  type NetworkPolicy,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
  type PolicyDecision,
  type PolicyEndpoint,
  type PolicyMatchType,
  type PolicyQuery,
  type PolicyRef,
} from './types.js';

interface CompiledPeer {
  peer: NetworkPolicyPeer;
  cidr?: Cidr;
  except?: Cidr[];
}

interface CompiledRule {
  peers?: CompiledPeer[];
  ports?: NetworkPolicyPort[];
}

interface CompiledPolicy {
  ref: PolicyRef;
  policy: NetworkPolicy;
  ingress?: CompiledRule[];
  egress?: CompiledRule[];
}

/** Policies grouped by namespace with their CIDRs parsed once; build with compilePolicies. */
export interface PolicySet {
  readonly policies: readonly NetworkPolicy[];
  readonly byNamespace: ReadonlyMap<string, readonly CompiledPolicy[]>;
}

function compileRules(
  rules:
    Array<{ from?: NetworkPolicyPeer[]; to?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }> | undefined,
): CompiledRule[] {
  return (rules ?? []).map((r) => {
    const peers = r.from ?? r.to;
    return {
      peers: peers && peers.length > 0 ? peers.map(compilePeer) : undefined,
      ports: r.ports && r.ports.length > 0 ? r.ports : undefined,
    };
  });
}

function compilePeer(peer: NetworkPolicyPeer): CompiledPeer {
  if (!peer.ipBlock) return { peer };
  const cidr = parseCidr(peer.ipBlock.cidr);
  if (!cidr) throw new Error(`invalid CIDR ${peer.ipBlock.cidr}`);
  return { peer, cidr, except: (peer.ipBlock.except ?? []).map((e) => parseCidr(e)!).filter(Boolean) };
}

/** Prepares validated policies for repeated evaluation. */
export function compilePolicies(policies: readonly NetworkPolicy[]): PolicySet {
  const byNamespace = new Map<string, CompiledPolicy[]>();
  for (const policy of policies) {
    const ns = policy.metadata.namespace;
    const types = policy.spec.policyTypes;
    const c: CompiledPolicy = {
      ref: { namespace: ns, name: policy.metadata.name },
      policy,
      ingress: types.includes('Ingress') ? compileRules(policy.spec.ingress) : undefined,
      egress: types.includes('Egress') ? compileRules(policy.spec.egress) : undefined,
    };
    let arr = byNamespace.get(ns);
    if (!arr) byNamespace.set(ns, (arr = []));
    arr.push(c);
  }
  return { policies, byNamespace };
}

function ipOf(ep: PolicyEndpoint): ParsedIP | undefined {
  return ep.ip ? parseIP(ep.ip) : undefined;
}

function peerMatches(
  cp: CompiledPeer,
  policyNs: string,
  other: PolicyEndpoint,
  opts: Required<EvaluateOptions>,
): boolean {
  const { peer } = cp;
  if (cp.cidr) {
    if (other.kind === 'pod' && !opts.ipBlockMatchesPods) return false;
    const ip = ipOf(other);
    if (!ip || !cidrContains(cp.cidr, ip)) return false;
    return !cp.except!.some((e) => cidrContains(e, ip));
  }
  if (other.kind !== 'pod') return false;
  if (peer.namespaceSelector) {
    if (!matchesSelector(peer.namespaceSelector, other.namespaceLabels)) return false;
  } else if (other.namespace !== policyNs) {
    return false;
  }
  return !peer.podSelector || matchesSelector(peer.podSelector, other.labels);
}

function portMatches(p: NetworkPolicyPort, q: PolicyQuery): boolean {
  if (q.protocol !== p.protocol) return false;
  if (p.port === undefined) return true;
  if (typeof p.port === 'number')
    return p.endPort !== undefined ? q.port >= p.port && q.port <= p.endPort : q.port === p.port;
  const dst = q.destination;
  if (dst.kind !== 'pod' || !dst.ports) return false;
  return dst.ports.some((np) => np.name === p.port && np.protocol === p.protocol && np.port === q.port);
}

function matchType(rule: CompiledRule): PolicyMatchType {
  if (!rule.peers && !rule.ports) return 'all';
  if (!rule.peers) return 'L4-Only';
  return rule.ports ? 'L3-L4' : 'L3-Only';
}

function evaluateDirection(
  set: PolicySet,
  self: PolicyEndpoint,
  other: PolicyEndpoint,
  q: PolicyQuery,
  dir: 'ingress' | 'egress',
  opts: Required<EvaluateOptions>,
): DirectionVerdict {
  const v: DirectionVerdict = { isolated: false, selectedBy: [], allowedBy: [], allowed: true };
  if (self.kind !== 'pod') return v;
  const candidates = set.byNamespace.get(self.namespace);
  if (!candidates) return v;
  for (const cp of candidates) {
    const rules = cp[dir];
    if (!rules || !matchesSelector(cp.policy.spec.podSelector, self.labels)) continue;
    v.isolated = true;
    v.selectedBy.push(cp.ref);
    for (const rule of rules) {
      const peerOk = !rule.peers || rule.peers.some((p) => peerMatches(p, cp.ref.namespace, other, opts));
      if (!peerOk) continue;
      if (rule.ports && !(q.protocol !== 'ICMP' && rule.ports.some((p) => portMatches(p, q)))) continue;
      v.allowedBy.push(cp.ref);
      v.matchType ??= matchType(rule);
      break;
    }
  }
  v.allowed = !v.isolated || v.allowedBy.length > 0;
  return v;
}

function refList(refs: PolicyRef[]): string {
  return refs.map((r) => `${r.namespace}/${r.name}`).join(', ');
}

function endpointName(ep: PolicyEndpoint): string {
  if (ep.name) return ep.name;
  return ep.kind === 'pod' ? `a pod in ${ep.namespace}` : (ep.ip ?? 'world');
}

/**
 * Decides whether the connection `q` is allowed by `policies` (a PolicySet from
 * compilePolicies, or a plain list). Egress of the source is checked before ingress of the
 * destination, as the datapath does, and `deniedBy` names the first direction that denies.
 *
 * @example
 * const set = compilePolicies([parseNetworkPolicy(yamlObject)]);
 * const d = evaluate(set, { source, destination, protocol: 'TCP', port: 8080 });
 * if (!d.allowed) console.log(d.reason);
 */
export function evaluate(
  policies: PolicySet | readonly NetworkPolicy[],
  q: PolicyQuery,
  options: EvaluateOptions = {},
): PolicyDecision {
  const set =
    'byNamespace' in policies
      ? (policies as PolicySet)
      : compilePolicies(policies as readonly NetworkPolicy[]);
  const opts = { ...defaultEvaluateOptions, ...options };
  const egress = evaluateDirection(set, q.source, q.destination, q, 'egress', opts);
  const ingress = evaluateDirection(set, q.destination, q.source, q, 'ingress', opts);
  const target = `${endpointName(q.destination)} port ${q.port}/${q.protocol}`;
  let reason: string;
  let deniedBy: 'egress' | 'ingress' | undefined;
  if (!egress.allowed) {
    deniedBy = 'egress';
    reason = `denied on egress: ${endpointName(q.source)} is selected by egress policies ${refList(egress.selectedBy)} and none of their rules allows ${target}`;
  } else if (!ingress.allowed) {
    deniedBy = 'ingress';
    reason = `denied on ingress: ${endpointName(q.destination)} is selected by ingress policies ${refList(ingress.selectedBy)} and none of their rules allows ${endpointName(q.source)} on port ${q.port}/${q.protocol}`;
  } else {
    const e = egress.isolated
      ? `egress allowed by ${refList(egress.allowedBy)}`
      : 'source not isolated for egress';
    const i = ingress.isolated
      ? `ingress allowed by ${refList(ingress.allowedBy)}`
      : 'destination not isolated for ingress';
    reason = `allowed: ${e}; ${i}`;
  }
  return { allowed: !deniedBy, egress, ingress, deniedBy, reason };
}

/** Whether the selector of a policy selects every pod of its namespace (e.g. default-deny). */
export function selectsWholeNamespace(policy: NetworkPolicy): boolean {
  return isEmptySelector(policy.spec.podSelector);
}
