/**
 * Kubernetes NetworkPolicy → nftables, the way a CNI without eBPF enforces policy: one chain
 * per isolated pod and direction, an accept (ingress) or return (egress) rule per allowed peer
 * and port, then an NFLOG rule whose prefix names the policies that isolate the pod, then DROP.
 * The rules sit in the FORWARD hook of the namespace that owns the bridge; br_netfilter sends
 * bridged pod-to-pod traffic through it. Established and related packets are accepted first,
 * so only new connections are judged (and conntrack gets turned on in that namespace).
 *
 * Selectors are resolved against the pods the caller knows (the lab's "cluster") with the
 * policy module's parser and label matching, so the semantics are Kubernetes': a pod is
 * isolated for a direction once any policy of that direction selects it; traffic is allowed
 * when any rule of any selecting policy matches; egress and ingress are both required.
 *
 * Prefix format (parsed by the agent's parsePolicyPrefix): `deny:in:<ns>/<name>[,<ns>/<name>…]`
 * or `deny:eg:…`, cut to 63 bytes (the NFLOG limit).
 */
import {
  cidrContains,
  matchesSelector,
  parseCidr,
  parseIP,
  parseNetworkPolicy,
  type NetworkPolicy,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
} from '../policy/index.js';

/** A pod the translator can select. */
export interface PolicyPod {
  namespace: string;
  name: string;
  ip: string;
  labels: Record<string, string>;
}

/** Options of the translation. */
export interface NftPolicyOptions {
  table: string;
  nflogGroup: number;
  /** Namespace labels (kubernetes.io/metadata.name is added automatically). */
  namespaceLabels?: Record<string, Record<string, string>>;
  /** Hook chain priority. */
  priority?: number;
}

const NFLOG_PREFIX_MAX = 63;

/** Parses policy objects (from YAML) with the policy module's validator. */
export function parsePolicies(docs: unknown[], defaultNamespace = 'default'): NetworkPolicy[] {
  return docs
    .filter((d) => d !== null && d !== undefined)
    .map((d) => parseNetworkPolicy(d, defaultNamespace));
}

/** The NFLOG prefix naming the policies behind a drop. */
export function nflogPrefix(direction: 'ingress' | 'egress', policies: NetworkPolicy[]): string {
  const names = policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort();
  let s = `deny:${direction === 'ingress' ? 'in' : 'eg'}:${names.join(',')}`;
  if (Buffer.byteLength(s) > NFLOG_PREFIX_MAX)
    s = Buffer.from(s)
      .subarray(0, NFLOG_PREFIX_MAX)
      .toString('utf8')
      .replace(/\uFFFD$/, '');
  return s;
}

function nsLabels(ns: string, o: NftPolicyOptions): Record<string, string> {
  return { ...(o.namespaceLabels?.[ns] ?? {}), 'kubernetes.io/metadata.name': ns };
}

/** The addresses a peer stands for: pod IPs, or a CIDR with exceptions. */
function peerMatch(
  peer: NetworkPolicyPeer,
  policyNs: string,
  pods: PolicyPod[],
  o: NftPolicyOptions,
): string | undefined {
  if (peer.ipBlock) {
    const c = parseCidr(peer.ipBlock.cidr);
    if (!c || !peer.ipBlock.cidr.includes('.')) return undefined; // the lab is IPv4-only
    const except = (peer.ipBlock.except ?? []).filter((e) => e.includes('.'));
    return except.length ? `${peer.ipBlock.cidr} . ${except.join(',')}` : peer.ipBlock.cidr;
  }
  const ips = pods
    .filter((p) =>
      peer.namespaceSelector
        ? matchesSelector(peer.namespaceSelector, nsLabels(p.namespace, o))
        : p.namespace === policyNs,
    )
    .filter((p) => !peer.podSelector || matchesSelector(peer.podSelector, p.labels))
    .map((p) => p.ip);
  return ips.length ? `{ ${ips.join(', ')} }` : '';
}

function portMatches(ports: NetworkPolicyPort[] | undefined): string[] {
  if (!ports || ports.length === 0) return [''];
  const out: string[] = [];
  for (const p of ports) {
    const proto = p.protocol.toLowerCase();
    if (p.port === undefined) out.push(`meta l4proto ${proto}`);
    else if (typeof p.port === 'number')
      out.push(`${proto} dport ${p.endPort ? `${p.port}-${p.endPort}` : p.port}`);
    // Named ports need the pods' container ports; the lab does not use them.
  }
  return out;
}

function addrRule(dir: 'saddr' | 'daddr', match: string): string {
  const sp = match.indexOf(' . ');
  if (sp > 0) {
    // CIDR with exceptions: the exceptions first (they never match), then the block.
    const cidr = match.slice(0, sp);
    const except = match.slice(sp + 3).split(',');
    return `ip ${dir} ${cidr} ip ${dir} != { ${except.join(', ')} }`;
  }
  return `ip ${dir} ${match}`;
}

/** Translates policies for the given pods into an `nft -f` script. */
export function policiesToNft(policies: NetworkPolicy[], pods: PolicyPod[], o: NftPolicyOptions): string {
  const lines: string[] = [];
  const chains: string[] = [];
  const jumps: string[] = [];
  let i = 0;
  for (const dir of ['egress', 'ingress'] as const) {
    for (const pod of pods) {
      const selecting = policies.filter(
        (p) =>
          p.metadata.namespace === pod.namespace &&
          p.spec.policyTypes.includes(dir === 'ingress' ? 'Ingress' : 'Egress') &&
          matchesSelector(p.spec.podSelector, pod.labels),
      );
      if (selecting.length === 0) continue;
      const chain = `${dir}_${i++}`;
      jumps.push(`    ip ${dir === 'ingress' ? 'daddr' : 'saddr'} ${pod.ip} jump ${chain}`);
      const body: string[] = [
        `  chain ${chain} {`,
        `    # ${dir} of ${pod.namespace}/${pod.name}, isolated by ${selecting.map((p) => p.metadata.name).join(', ')}`,
      ];
      const verdict = dir === 'ingress' ? 'accept' : 'return';
      for (const pol of selecting) {
        const rules = dir === 'ingress' ? (pol.spec.ingress ?? []) : (pol.spec.egress ?? []);
        for (const r of rules) {
          const peers =
            dir === 'ingress'
              ? (r as { from?: NetworkPolicyPeer[] }).from
              : (r as { to?: NetworkPolicyPeer[] }).to;
          const addrMatches =
            !peers || peers.length === 0
              ? [undefined]
              : peers.map((p) => peerMatch(p, pol.metadata.namespace, pods, o));
          for (const am of addrMatches) {
            if (am === '') continue; // a selector that matches no pod allows nothing
            for (const pm of portMatches(r.ports)) {
              const parts = [
                am !== undefined ? addrRule(dir === 'ingress' ? 'saddr' : 'daddr', am) : '',
                pm,
                verdict,
              ].filter((x) => x !== '');
              body.push(`    ${parts.join(' ')}`);
            }
          }
        }
      }
      // queue-threshold 1: without it nfnetlink_log batches messages for up to a second.
      body.push(
        `    log prefix ${JSON.stringify(nflogPrefix(dir, selecting))} group ${o.nflogGroup} queue-threshold 1`,
        '    drop',
        '  }',
      );
      chains.push(body.join('\n'));
    }
  }
  lines.push(`table inet ${o.table} {`);
  lines.push(
    '  chain forward {',
    `    type filter hook forward priority ${o.priority ?? 0}; policy accept;`,
    '    ct state established,related accept',
  );
  lines.push(...jumps, '  }');
  lines.push(...chains, '}');
  return lines.join('\n') + '\n';
}

/** True when an IPv4 address is inside a CIDR (helper for callers checking lab ranges). */
export function inCidr(ip: string, cidr: string): boolean {
  const c = parseCidr(cidr);
  const a = parseIP(ip);
  return !!c && !!a && cidrContains(c, a);
}
