/**
 * Explains a connection against a policy catalog (Kubernetes NetworkPolicies and Cilium
 * policies together, as Cilium enforces them): for each direction, which policies select the
 * endpoint, what each of their rules says about the connection and why it does not match (the
 * selector that did not match, the missing port, a default deny), and the overall verdict.
 * Verdicts are three-valued: where a rule depends on something flows do not show (named ports
 * of unknown pods, FQDNs, node selectors) the answer is `unknown`, never a guess.
 */
import { compiledSet, type PolicyCatalog } from './catalog.js';
import {
  describeSelector,
  enforces,
  peerMatches,
  portsMatch,
  ruleSelects,
  type CiliumPeerRule,
  type Match,
} from './cilium.js';
import { cidrContains, parseCidr, parseIP } from './cidr.js';
import type { Connection, ConnectionEnd } from './connection.js';
import { matchesSelector } from './label-selector.js';
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from './types.js';

/** How one rule of a policy relates to the connection. */
export interface RuleCheck {
  /** 1-based rule number within the policy's direction (`ingress[0]` is rule 1). */
  rule: number;
  /** `allow` rules admit; `deny` rules (Cilium ingressDeny/egressDeny) refuse. */
  effect: 'allow' | 'deny';
  match: Match;
  /** The peer part and the port part separately (a near miss matches one of them). */
  peer: Match;
  ports: Match;
  /** Why it matches or not. */
  reasons: string[];
  /** L7 rule kinds on the matching port (the L7 verdict is the proxy's, not judged here). */
  l7?: string[];
}

/** A policy that selects the endpoint for the direction. */
export interface PolicyCheck {
  kind: 'NetworkPolicy' | 'CiliumNetworkPolicy' | 'CiliumClusterwideNetworkPolicy';
  namespace?: string;
  name: string;
  /** Whether the policy isolates the endpoint (puts it in default deny) for this direction. */
  isolates: boolean;
  rules: RuleCheck[];
  /** `admits`: a rule allows; `denies`: a deny rule matches; `no-rule`: nothing admits; `unknown`. */
  outcome: 'admits' | 'denies' | 'no-rule' | 'unknown';
}

/** Verdicts. */
export type Verdict = 'allowed' | 'denied' | 'unknown';

/** One direction: egress at the source, ingress at the destination. */
export interface DirectionExplanation {
  direction: 'egress' | 'ingress';
  /** The endpoint whose policies apply (source for egress, destination for ingress). */
  endpoint: string;
  isolated: boolean;
  policies: PolicyCheck[];
  verdict: Verdict;
  summary: string;
}

/** The whole explanation. */
export interface Explanation {
  source: string;
  destination: string;
  protocol: string;
  port: number;
  verdict: Verdict;
  /** The first direction that denies (egress is checked first, as the datapath does). */
  deniedBy?: 'egress' | 'ingress';
  egress: DirectionExplanation;
  ingress: DirectionExplanation;
  summary: string;
  notes: string[];
}

function labelsText(l: Readonly<Record<string, string>>): string {
  const e = Object.entries(l);
  return e.length ? e.map(([k, v]) => `${k}=${v}`).join(',') : '(no labels)';
}

/** `app=web,tier in (a,b)` text of a Kubernetes label selector. */
export function selectorText(s: LabelSelector | undefined): string {
  if (!s) return '(none)';
  return describeSelector(s);
}

function peerCheck(
  peer: NetworkPolicyPeer,
  policyNs: string,
  other: ConnectionEnd,
): { match: Match; why: string } {
  const o = other.k8s;
  if (peer.ipBlock) {
    if (o.kind === 'pod')
      return {
        match: 'no',
        why: `ipBlock ${peer.ipBlock.cidr} matches only addresses outside the cluster’s pods, and ${other.display} is a pod`,
      };
    const ip = o.ip ? parseIP(o.ip) : undefined;
    const c = parseCidr(peer.ipBlock.cidr);
    if (!ip || !c || !cidrContains(c, ip))
      return { match: 'no', why: `${o.ip ?? 'the address'} is not in ipBlock ${peer.ipBlock.cidr}` };
    const ex = (peer.ipBlock.except ?? []).find((e) => {
      const x = parseCidr(e);
      return x ? cidrContains(x, ip) : false;
    });
    if (ex)
      return { match: 'no', why: `${o.ip} is in ipBlock ${peer.ipBlock.cidr} but excluded by except ${ex}` };
    return { match: 'yes', why: `${o.ip} is in ipBlock ${peer.ipBlock.cidr}` };
  }
  if (o.kind !== 'pod')
    return { match: 'no', why: `the peer selects pods and ${other.display} is outside the cluster` };
  if (peer.namespaceSelector) {
    if (!matchesSelector(peer.namespaceSelector, o.namespaceLabels)) {
      return {
        match: 'no',
        why: `namespaceSelector ${selectorText(peer.namespaceSelector)} does not match namespace ${o.namespace} (${labelsText(o.namespaceLabels)})`,
      };
    }
  } else if (o.namespace !== policyNs) {
    return {
      match: 'no',
      why: `a podSelector without namespaceSelector selects pods of ${policyNs} only, and ${other.display} is in ${o.namespace}`,
    };
  }
  if (peer.podSelector && !matchesSelector(peer.podSelector, o.labels)) {
    return {
      match: 'no',
      why: `podSelector ${selectorText(peer.podSelector)} does not match ${other.display} (${labelsText(o.labels)})`,
    };
  }
  return {
    match: 'yes',
    why: `${peer.namespaceSelector ? `namespaceSelector ${selectorText(peer.namespaceSelector)}` : ''}${peer.namespaceSelector && peer.podSelector ? ' and ' : ''}${peer.podSelector ? `podSelector ${selectorText(peer.podSelector)}` : ''} match${peer.namespaceSelector && peer.podSelector ? '' : 'es'} ${other.display}`,
  };
}

function k8sPortsCheck(ports: NetworkPolicyPort[] | undefined, c: Connection): { match: Match; why: string } {
  if (!ports || ports.length === 0) return { match: 'yes', why: 'all ports' };
  if (c.protocol === 'ICMP') return { match: 'no', why: 'the rule lists ports, so it does not admit ICMP' };
  let unknown = '';
  for (const p of ports) {
    if (p.protocol !== c.protocol) continue;
    if (p.port === undefined) return { match: 'yes', why: `all ${p.protocol} ports` };
    if (typeof p.port === 'number') {
      if (p.endPort !== undefined ? c.port >= p.port && c.port <= p.endPort : c.port === p.port)
        return { match: 'yes', why: `port ${c.port}/${c.protocol} is listed` };
      continue;
    }
    const dst = c.destination.k8s;
    if (dst.kind !== 'pod') continue;
    if (!dst.ports) {
      unknown = `named port "${p.port}" cannot be resolved: the container ports of ${c.destination.display} are unknown (add its Deployment or Pod manifest to --policies)`;
      continue;
    }
    if (dst.ports.some((np) => np.name === p.port && np.protocol === p.protocol && np.port === c.port))
      return { match: 'yes', why: `named port "${p.port}" is ${c.port}` };
  }
  if (unknown) return { match: 'unknown', why: unknown };
  const listed = ports
    .map((p) => `${p.port ?? '*'}${p.endPort ? '-' + p.endPort : ''}/${p.protocol}`)
    .join(', ');
  return { match: 'no', why: `port ${c.port}/${c.protocol} is not in the rule’s ports (${listed})` };
}

function and(a: Match, b: Match): Match {
  if (a === 'no' || b === 'no') return 'no';
  return a === 'unknown' || b === 'unknown' ? 'unknown' : 'yes';
}

function k8sChecks(np: NetworkPolicy, dir: 'ingress' | 'egress', c: Connection): PolicyCheck {
  const other = dir === 'ingress' ? c.source : c.destination;
  const rules = (dir === 'ingress' ? np.spec.ingress : np.spec.egress) ?? [];
  const checks: RuleCheck[] = rules.map((r, i) => {
    const peers =
      (dir === 'ingress'
        ? (r as { from?: NetworkPolicyPeer[] }).from
        : (r as { to?: NetworkPolicyPeer[] }).to) ?? [];
    let pm: { match: Match; why: string } = { match: 'yes', why: 'all peers' };
    if (peers.length > 0) {
      const results = peers.map((p) => peerCheck(p, np.metadata.namespace, other));
      const yes = results.find((x) => x.match === 'yes');
      pm = yes ?? { match: 'no', why: results.map((x) => x.why).join('; ') };
    }
    const pt = k8sPortsCheck(r.ports, c);
    const match = and(pm.match, pt.match);
    return {
      rule: i + 1,
      effect: 'allow',
      match,
      peer: pm.match,
      ports: pt.match,
      reasons:
        match === 'yes'
          ? [pm.why, pt.why]
          : [pm.match !== 'yes' ? pm.why : '', pt.match !== 'yes' ? pt.why : ''].filter(Boolean),
    };
  });
  const outcome = checks.some((x) => x.match === 'yes')
    ? 'admits'
    : checks.some((x) => x.match === 'unknown')
      ? 'unknown'
      : 'no-rule';
  return {
    kind: 'NetworkPolicy',
    namespace: np.metadata.namespace,
    name: np.metadata.name,
    isolates: true,
    rules: checks,
    outcome,
  };
}

function ciliumRuleCheck(
  r: CiliumPeerRule,
  n: number,
  effect: 'allow' | 'deny',
  policyNs: string | undefined,
  c: Connection,
  dir: 'ingress' | 'egress',
): RuleCheck {
  const other = dir === 'ingress' ? c.source : c.destination;
  const pm = peerMatches(r, policyNs, other.cilium);
  const pt = portsMatch(r, c.protocol, c.port, c.destination.cilium);
  const match = and(pm.match, pt.match);
  const check: RuleCheck = {
    rule: n,
    effect,
    match,
    peer: pm.match,
    ports: pt.match,
    reasons:
      match === 'yes'
        ? [pm.why, pt.why]
        : [pm.match !== 'yes' ? pm.why : '', pt.match !== 'yes' ? pt.why : ''].filter(Boolean),
  };
  if (match === 'yes' && pt.l7.length) check.l7 = pt.l7;
  return check;
}

function ciliumChecks(c: Connection, catalog: PolicyCatalog, dir: 'ingress' | 'egress'): PolicyCheck[] {
  const self = dir === 'ingress' ? c.destination : c.source;
  const out: PolicyCheck[] = [];
  for (const p of catalog.ciliumPolicies) {
    const ns = p.metadata.namespace;
    const rules: RuleCheck[] = [];
    let isolates = false;
    let selected = false;
    for (const r of p.rules) {
      if (!ruleSelects(r, ns, self.cilium)) continue;
      selected = true;
      if (enforces(r, dir)) isolates = true;
      const allow = dir === 'ingress' ? r.ingress : r.egress;
      const deny = dir === 'ingress' ? r.ingressDeny : r.egressDeny;
      (deny ?? []).forEach((x, i) => rules.push(ciliumRuleCheck(x, i + 1, 'deny', ns, c, dir)));
      (allow ?? []).forEach((x, i) => rules.push(ciliumRuleCheck(x, i + 1, 'allow', ns, c, dir)));
    }
    if (!selected || (!isolates && rules.length === 0)) continue;
    const denies = rules.filter((x) => x.effect === 'deny');
    const allows = rules.filter((x) => x.effect === 'allow');
    const outcome = denies.some((x) => x.match === 'yes')
      ? 'denies'
      : allows.some((x) => x.match === 'yes') && !denies.some((x) => x.match === 'unknown')
        ? 'admits'
        : [...denies, ...allows].some((x) => x.match === 'unknown')
          ? 'unknown'
          : 'no-rule';
    out.push({ kind: p.kind, namespace: ns, name: p.metadata.name, isolates, rules, outcome });
  }
  return out;
}

/**
 * How close a policy came to admitting the connection: a rule matching it (3), a near miss
 * matching the peer or the port (2), rules that match neither (1), no rules at all (0). The
 * closest policy is usually the one meant to admit the traffic, so explanations list it first.
 */
export function closeness(p: PolicyCheck): number {
  if (p.outcome === 'denies' || p.outcome === 'admits') return 3;
  let best = 0;
  for (const r of p.rules) best = Math.max(best, r.peer === 'yes' || r.ports === 'yes' ? 2 : 1);
  return best;
}

function policyName(p: PolicyCheck): string {
  return `${p.kind} ${p.namespace ? p.namespace + '/' : ''}${p.name}`;
}

function direction(catalog: PolicyCatalog, c: Connection, dir: 'ingress' | 'egress'): DirectionExplanation {
  const self = dir === 'ingress' ? c.destination : c.source;
  const policies: PolicyCheck[] = [];
  if (self.k8s.kind === 'pod') {
    const set = compiledSet(catalog);
    for (const cp of set.byNamespace.get(self.k8s.namespace) ?? []) {
      if (!cp.policy.spec.policyTypes.includes(dir === 'ingress' ? 'Ingress' : 'Egress')) continue;
      if (!matchesSelector(cp.policy.spec.podSelector, self.k8s.labels)) continue;
      policies.push(k8sChecks(cp.policy, dir, c));
    }
    policies.push(...ciliumChecks(c, catalog, dir));
  }
  policies.sort((a, b) => closeness(b) - closeness(a));
  const isolated = policies.some((p) => p.isolates);
  let verdict: Verdict;
  if (policies.some((p) => p.outcome === 'denies')) verdict = 'denied';
  else if (policies.some((p) => p.outcome === 'admits'))
    verdict = policies.some((p) => p.rules.some((r) => r.effect === 'deny' && r.match === 'unknown'))
      ? 'unknown'
      : 'allowed';
  else if (!isolated) verdict = policies.some((p) => p.outcome === 'unknown') ? 'unknown' : 'allowed';
  else verdict = policies.some((p) => p.outcome === 'unknown') ? 'unknown' : 'denied';
  const what = `${c.source.display} → ${c.destination.display} on ${c.protocol === 'ICMP' ? 'ICMP' : `${c.port}/${c.protocol}`}`;
  let summary: string;
  if (self.k8s.kind !== 'pod') summary = `${self.display} is outside the cluster: no ${dir} policy applies`;
  else if (!isolated && policies.length === 0)
    summary = `no policy selects ${self.display} for ${dir}: ${dir} is not restricted`;
  else if (verdict === 'denied') {
    const denier = policies.find((p) => p.outcome === 'denies');
    summary = denier
      ? `${policyName(denier)} has a ${dir} deny rule matching ${what}`
      : `${self.display} is isolated for ${dir} by ${policies
          .filter((p) => p.isolates)
          .map(policyName)
          .join(', ')}, and no rule admits ${what} (default deny)`;
  } else if (verdict === 'allowed') {
    const admit = policies.find((p) => p.outcome === 'admits');
    summary = admit ? `${policyName(admit)} admits ${what}` : `${self.display} is not isolated for ${dir}`;
  } else
    summary = `cannot tell whether ${what} is admitted: ${policies.flatMap((p) => p.rules.filter((r) => r.match === 'unknown').flatMap((r) => r.reasons)).join('; ')}`;
  return { direction: dir, endpoint: self.display, isolated, policies, verdict, summary };
}

/**
 * Explains whether the connection is allowed by the catalog's policies, direction by
 * direction, with the reasons of every selecting policy's rules.
 *
 * @example
 * const c = connectionFromFlow(catalog, flow)!;
 * const e = explainConnection(catalog, c);
 * e.verdict // 'denied'; e.ingress.summary tells why
 */
export function explainConnection(catalog: PolicyCatalog, c: Connection): Explanation {
  const egress = direction(catalog, c, 'egress');
  const ingress = direction(catalog, c, 'ingress');
  let verdict: Verdict;
  let deniedBy: 'egress' | 'ingress' | undefined;
  if (egress.verdict === 'denied') [verdict, deniedBy] = ['denied', 'egress'];
  else if (ingress.verdict === 'denied') [verdict, deniedBy] = ['denied', 'ingress'];
  else verdict = egress.verdict === 'unknown' || ingress.verdict === 'unknown' ? 'unknown' : 'allowed';
  const notes: string[] = [];
  for (const d of [egress, ingress]) {
    for (const p of d.policies)
      for (const r of p.rules)
        if (r.l7?.length)
          notes.push(
            `${policyName(p)} admits the connection at L4 and hands it to the L7 proxy (${r.l7.join(', ')} rules); the L7 verdict is not judged here`,
          );
  }
  const summary =
    verdict === 'allowed'
      ? `allowed: ${egress.summary}; ${ingress.summary}`
      : verdict === 'denied'
        ? `denied on ${deniedBy}: ${(deniedBy === 'egress' ? egress : ingress).summary}`
        : `undetermined: ${[egress, ingress]
            .filter((d) => d.verdict === 'unknown')
            .map((d) => d.summary)
            .join('; ')}`;
  return {
    source: c.source.display,
    destination: c.destination.display,
    protocol: c.protocol,
    port: c.port,
    verdict,
    deniedBy,
    egress,
    ingress,
    summary,
    notes,
  };
}
