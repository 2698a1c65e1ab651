/**
 * CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy (cilium.io/v2), L3/L4 part: parsing
 * and matching. L7 rules are recognised but not judged (the L4 verdict is given, with a note).
 *
 * Semantics follow Cilium (pkg/k8s/apis/cilium.io/utils, pkg/policy):
 * - `endpointSelector` selects endpoints of the policy's namespace (a CCNP: of every namespace).
 * - `fromEndpoints`/`toEndpoints` selectors are limited to the policy's namespace unless they
 *   name `io.kubernetes.pod.namespace` or a namespace label (`io.cilium.k8s.namespace.labels.*`);
 *   for a CCNP they match any namespaced endpoint. Selectors on `reserved:` labels are used as is.
 * - Keys may carry a source prefix (`k8s:app`, `any:app`, `reserved:host`); without one any
 *   source matches.
 * - An endpoint selected by a rule with an `ingress`/`ingressDeny` (`egress`/`egressDeny`)
 *   section is in default deny for that direction, unless `enableDefaultDeny` says otherwise.
 * - A rule with only `toPorts` allows any peer on those ports; a rule with nothing allows nothing.
 * - CIDR rules match only addresses outside the cluster; `toFQDNs` matches the flow's
 *   destination names when it has them; `toServices` the destination Service.
 * - Deny rules win over allow rules.
 * Where a rule depends on something a flow cannot tell (named ports without container ports,
 * FQDNs without names, node selectors, `fromRequires`, groups), the match is `unknown`.
 */
import { cidrContains, parseCidr, parseIP } from './cidr.js';
import { PolicyParseError, type FieldPath } from './parse.js';
import type { LabelSelectorRequirement, NamedPort } from './types.js';

/** A Cilium endpoint selector (a label selector whose keys may carry a source prefix). */
export interface CiliumSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** One `toPorts[].ports[]` entry. */
export interface CiliumPort {
  /** Number as text, or a named port. */
  port: string;
  endPort?: number;
  protocol: 'TCP' | 'UDP' | 'SCTP' | 'ANY';
}

/** One `toPorts` entry. */
export interface CiliumPortRule {
  ports: CiliumPort[];
  /** L7 rule kinds present (`http`, `dns`, `kafka`, `l7proto`...): allowed at L4, judged by the proxy. */
  l7: string[];
}

/** A CIDR with exceptions (`fromCIDRSet`/`toCIDRSet`, or a plain `fromCIDR`/`toCIDR`). */
export interface CiliumCidr {
  cidr: string;
  except?: string[];
}

/** An ingress/egress (allow or deny) rule, L3/L4 part. */
export interface CiliumPeerRule {
  endpoints?: CiliumSelector[];
  cidrs?: CiliumCidr[];
  entities?: string[];
  fqdns?: Array<{ matchName?: string; matchPattern?: string }>;
  services?: Array<{ serviceName?: string; namespace?: string; selector?: boolean }>;
  toPorts?: CiliumPortRule[];
  icmps?: boolean;
  /** Fields present that cannot be judged from flows (fromRequires, fromNodes, toGroups...). */
  unjudged: string[];
}

/** One rule (a `spec` or an entry of `specs`). */
export interface CiliumRule {
  endpointSelector?: CiliumSelector;
  nodeSelector?: CiliumSelector;
  ingress?: CiliumPeerRule[];
  ingressDeny?: CiliumPeerRule[];
  egress?: CiliumPeerRule[];
  egressDeny?: CiliumPeerRule[];
  enableDefaultDeny?: { ingress?: boolean; egress?: boolean };
}

/** A parsed CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy. */
export interface CiliumPolicy {
  apiVersion: 'cilium.io/v2';
  kind: 'CiliumNetworkPolicy' | 'CiliumClusterwideNetworkPolicy';
  metadata: { name: string; namespace?: string };
  rules: CiliumRule[];
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function list(v: unknown, path: FieldPath): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new PolicyParseError(path, 'a list');
  return v;
}

function selector(v: unknown, path: FieldPath): CiliumSelector {
  if (v === null || v === undefined) return {};
  if (!isObj(v)) throw new PolicyParseError(path, 'a label selector');
  const s: CiliumSelector = {};
  if (isObj(v.matchLabels))
    s.matchLabels = Object.fromEntries(Object.entries(v.matchLabels).map(([k, x]) => [k, String(x ?? '')]));
  if (v.matchExpressions !== undefined) {
    s.matchExpressions = list(v.matchExpressions, [...path, 'matchExpressions']).map((e, i) => {
      if (
        !isObj(e) ||
        typeof e.key !== 'string' ||
        !['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(String(e.operator))
      ) {
        throw new PolicyParseError(
          [...path, 'matchExpressions', i],
          'a requirement {key, operator In|NotIn|Exists|DoesNotExist, values}',
        );
      }
      return {
        key: e.key,
        operator: e.operator as LabelSelectorRequirement['operator'],
        values: list(e.values, [...path, 'matchExpressions', i, 'values']).map(String),
      };
    });
  }
  return s;
}

function ports(v: unknown, path: FieldPath): CiliumPortRule[] {
  return list(v, path).map((pr, i) => {
    const p = [...path, i];
    if (!isObj(pr)) throw new PolicyParseError(p, 'a port rule {ports, rules}');
    const out: CiliumPortRule = {
      ports: list(pr.ports, [...p, 'ports']).map((x, j) => {
        if (!isObj(x) || (x.port === undefined && x.protocol === undefined))
          throw new PolicyParseError([...p, 'ports', j], 'a port {port, protocol}');
        const protocol = String(x.protocol ?? 'ANY').toUpperCase();
        if (!['TCP', 'UDP', 'SCTP', 'ANY'].includes(protocol))
          throw new PolicyParseError(
            [...p, 'ports', j, 'protocol'],
            'TCP, UDP, SCTP or ANY',
            JSON.stringify(x.protocol),
          );
        const port: CiliumPort = {
          port: x.port === undefined ? '0' : String(x.port),
          protocol: protocol as CiliumPort['protocol'],
        };
        if (typeof x.endPort === 'number') port.endPort = x.endPort;
        return port;
      }),
      l7: isObj(pr.rules) ? Object.keys(pr.rules) : [],
    };
    return out;
  });
}

const JUDGED = new Set([
  'fromEndpoints', 'toEndpoints', 'fromCIDR', 'toCIDR', 'fromCIDRSet', 'toCIDRSet', 'fromEntities', 'toEntities', 'toFQDNs', 'toServices', 'toPorts', 'icmps', 'authentication',
]); // prettier-ignore

function peerRule(v: unknown, path: FieldPath, dir: 'from' | 'to'): CiliumPeerRule {
  if (!isObj(v)) throw new PolicyParseError(path, 'a rule mapping');
  const r: CiliumPeerRule = { unjudged: Object.keys(v).filter((k) => !JUDGED.has(k)) };
  const eps = v[`${dir}Endpoints`];
  if (eps !== undefined && eps !== null)
    r.endpoints = list(eps, [...path, `${dir}Endpoints`]).map((s, i) =>
      selector(s, [...path, `${dir}Endpoints`, i]),
    );
  const cidrs: CiliumCidr[] = [];
  for (const c of list(v[`${dir}CIDR`], [...path, `${dir}CIDR`])) cidrs.push({ cidr: String(c) });
  for (const [i, c] of list(v[`${dir}CIDRSet`], [...path, `${dir}CIDRSet`]).entries()) {
    if (!isObj(c) || typeof c.cidr !== 'string') {
      r.unjudged.push(`${dir}CIDRSet[${i}] (cidrGroupRef/selector)`);
      continue;
    }
    cidrs.push({ cidr: c.cidr, except: list(c.except, [...path, `${dir}CIDRSet`, i, 'except']).map(String) });
  }
  for (const [i, c] of cidrs.entries()) {
    if (!parseCidr(c.cidr.includes('/') ? c.cidr : c.cidr + (c.cidr.includes(':') ? '/128' : '/32')))
      throw new PolicyParseError([...path, `${dir}CIDR`, i], 'a CIDR', JSON.stringify(c.cidr));
  }
  if (cidrs.length) r.cidrs = cidrs;
  const ents = v[`${dir}Entities`];
  if (ents !== undefined && ents !== null) r.entities = list(ents, [...path, `${dir}Entities`]).map(String);
  if (dir === 'to' && v.toFQDNs !== undefined) {
    r.fqdns = list(v.toFQDNs, [...path, 'toFQDNs']).map((f) =>
      isObj(f)
        ? { matchName: f.matchName as string | undefined, matchPattern: f.matchPattern as string | undefined }
        : {},
    );
  }
  if (dir === 'to' && v.toServices !== undefined) {
    r.services = list(v.toServices, [...path, 'toServices']).map((x) => {
      const k = isObj(x) && isObj(x.k8sService) ? x.k8sService : undefined;
      return k
        ? { serviceName: k.serviceName as string | undefined, namespace: k.namespace as string | undefined }
        : { selector: true };
    });
  }
  if (v.toPorts !== undefined && v.toPorts !== null) r.toPorts = ports(v.toPorts, [...path, 'toPorts']);
  if (v.icmps !== undefined) r.icmps = true;
  return r;
}

function rule(v: unknown, path: FieldPath): CiliumRule {
  if (!isObj(v)) throw new PolicyParseError(path, 'a rule');
  const r: CiliumRule = {};
  if (v.endpointSelector !== undefined)
    r.endpointSelector = selector(v.endpointSelector, [...path, 'endpointSelector']);
  if (v.nodeSelector !== undefined) r.nodeSelector = selector(v.nodeSelector, [...path, 'nodeSelector']);
  if (!r.endpointSelector && !r.nodeSelector)
    throw new PolicyParseError(path, 'an endpointSelector or a nodeSelector');
  for (const [key, dir] of [
    ['ingress', 'from'],
    ['ingressDeny', 'from'],
    ['egress', 'to'],
    ['egressDeny', 'to'],
  ] as const) {
    if (v[key] !== undefined && v[key] !== null)
      r[key] = list(v[key], [...path, key]).map((x, i) => peerRule(x, [...path, key, i], dir));
  }
  if (isObj(v.enableDefaultDeny))
    r.enableDefaultDeny = {
      ingress: v.enableDefaultDeny.ingress as boolean | undefined,
      egress: v.enableDefaultDeny.egress as boolean | undefined,
    };
  return r;
}

/**
 * Parses a CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy object (from YAML/JSON).
 * `defaultNamespace` fills a missing namespace of a CiliumNetworkPolicy.
 */
export function parseCiliumPolicy(v: unknown, defaultNamespace?: string): CiliumPolicy {
  if (!isObj(v)) throw new PolicyParseError([], 'a mapping');
  if (v.apiVersion !== 'cilium.io/v2')
    throw new PolicyParseError(['apiVersion'], '"cilium.io/v2"', JSON.stringify(v.apiVersion));
  if (v.kind !== 'CiliumNetworkPolicy' && v.kind !== 'CiliumClusterwideNetworkPolicy')
    throw new PolicyParseError(
      ['kind'],
      'CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy',
      JSON.stringify(v.kind),
    );
  const md = isObj(v.metadata) ? v.metadata : {};
  if (typeof md.name !== 'string' || md.name === '')
    throw new PolicyParseError(['metadata', 'name'], 'a name');
  const metadata: CiliumPolicy['metadata'] = { name: md.name };
  if (v.kind === 'CiliumNetworkPolicy') {
    const ns = typeof md.namespace === 'string' && md.namespace ? md.namespace : defaultNamespace;
    if (!ns) throw new PolicyParseError(['metadata', 'namespace'], 'a namespace');
    metadata.namespace = ns;
  }
  const rules: CiliumRule[] = [];
  if (v.spec !== undefined && v.spec !== null) rules.push(rule(v.spec, ['spec']));
  for (const [i, s] of list(v.specs, ['specs']).entries()) rules.push(rule(s, ['specs', i]));
  if (rules.length === 0) throw new PolicyParseError(['spec'], 'a spec or specs');
  return { apiVersion: 'cilium.io/v2', kind: v.kind, metadata, rules };
}

// ---- matching ----------------------------------------------------------------------------

/** An endpoint as Cilium policy sees it. */
export interface CiliumEndpoint {
  /** Labels as `source:key=value` (flow label strings), including namespace labels. */
  labels: readonly string[];
  namespace?: string;
  ip?: string;
  /** True for pods (cluster endpoints); false for world addresses. */
  isPod: boolean;
  /** Reserved identity names (`host`, `world`, `remote-node`...), for entities. */
  reserved: readonly string[];
  /** DNS names of the endpoint (flow `destination_names`), for toFQDNs. */
  names?: readonly string[];
  /** The Service the flow was sent to, for toServices. */
  service?: { name?: string; namespace?: string };
  /** Named container ports, when known. */
  ports?: readonly NamedPort[];
}

/** Three-valued match. */
export type Match = 'yes' | 'no' | 'unknown';

function parseLabel(l: string): { source: string; key: string; value: string } {
  const colon = l.indexOf(':');
  const eq = l.indexOf('=');
  const source = colon >= 0 && (eq < 0 || colon < eq) ? l.slice(0, colon) : 'unspec';
  const rest = colon >= 0 && (eq < 0 || colon < eq) ? l.slice(colon + 1) : l;
  const e = rest.indexOf('=');
  return { source, key: e < 0 ? rest : rest.slice(0, e), value: e < 0 ? '' : rest.slice(e + 1) };
}

function splitKey(k: string): { source?: string; key: string } {
  const m = /^(k8s|any|reserved|cidr|fqdn|container|unspec|cilium-generated):(.*)$/.exec(k);
  if (!m) return { key: k };
  return { source: m[1] === 'any' ? undefined : m[1], key: m[2] };
}

function values(ep: CiliumEndpoint, key: string): Array<{ source: string; value: string }> {
  const { source, key: k } = splitKey(key);
  const out: Array<{ source: string; value: string }> = [];
  for (const l of ep.labels) {
    const p = parseLabel(l);
    if (p.key === k && (!source || p.source === source)) out.push(p);
  }
  return out;
}

/** Whether an endpoint matches a Cilium selector (already namespace-scoped by the caller). */
export function ciliumSelectorMatches(sel: CiliumSelector, ep: CiliumEndpoint): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {}))
    if (!values(ep, k).some((x) => x.value === v)) return false;
  for (const r of sel.matchExpressions ?? []) {
    const vs = values(ep, r.key);
    switch (r.operator) {
      case 'In':
        if (!vs.some((x) => (r.values ?? []).includes(x.value))) return false;
        break;
      case 'NotIn':
        if (vs.some((x) => (r.values ?? []).includes(x.value))) return false;
        break;
      case 'Exists':
        if (vs.length === 0) return false;
        break;
      case 'DoesNotExist':
        if (vs.length > 0) return false;
        break;
    }
  }
  return true;
}

const NS_KEY = 'io.kubernetes.pod.namespace';
const NS_LABELS = 'io.cilium.k8s.namespace.labels.';

function selectorKeys(sel: CiliumSelector): string[] {
  return [...Object.keys(sel.matchLabels ?? {}), ...(sel.matchExpressions ?? []).map((e) => e.key)];
}

/** Whether a peer selector matches `ep`, with Cilium's implicit namespace scoping. */
export function peerSelectorMatches(
  sel: CiliumSelector,
  policyNs: string | undefined,
  ep: CiliumEndpoint,
): boolean {
  const keys = selectorKeys(sel).map((k) => splitKey(k));
  if (keys.some((k) => k.source === 'reserved')) return ciliumSelectorMatches(sel, ep);
  if (!keys.some((k) => k.key === NS_KEY && (k.source === undefined || k.source === 'k8s'))) {
    if (!ep.isPod || !ep.namespace) return false;
    if (policyNs !== undefined && !keys.some((k) => k.key.startsWith(NS_LABELS)) && ep.namespace !== policyNs)
      return false;
  }
  return ciliumSelectorMatches(sel, ep);
}

/** Whether a policy rule selects `ep` (its subject). */
export function ruleSelects(r: CiliumRule, policyNs: string | undefined, ep: CiliumEndpoint): boolean {
  if (!r.endpointSelector) return false; // node policies are not about pods
  if (policyNs !== undefined && (!ep.isPod || ep.namespace !== policyNs)) return false;
  if (policyNs === undefined && !ep.isPod && !ep.reserved.length) return false;
  return ciliumSelectorMatches(r.endpointSelector, ep);
}

const CLUSTER_ENTITIES = new Set([
  'host',
  'remote-node',
  'kube-apiserver',
  'health',
  'init',
  'ingress',
  'unmanaged',
]);

function entityMatches(entity: string, ep: CiliumEndpoint): boolean {
  switch (entity) {
    case 'all':
      return true;
    case 'world':
    case 'world-ipv4':
    case 'world-ipv6':
      return !ep.isPod && (ep.reserved.length === 0 || ep.reserved.some((r) => r.startsWith('world')));
    case 'cluster':
      return ep.isPod || ep.reserved.some((r) => CLUSTER_ENTITIES.has(r));
    default:
      return ep.reserved.includes(entity);
  }
}

function fqdnMatches(f: { matchName?: string; matchPattern?: string }, names: readonly string[]): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/\.$/, '');
  return names.some((n) => {
    const name = norm(n);
    if (f.matchName) return norm(f.matchName) === name;
    if (f.matchPattern) {
      const re = new RegExp(
        '^' +
          norm(f.matchPattern)
            .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '[-a-z0-9_.]*') +
          '$',
      );
      return re.test(name);
    }
    return false;
  });
}

function cidrMatches(c: CiliumCidr, ip: string | undefined): boolean {
  const addr = ip ? parseIP(ip) : undefined;
  const block = parseCidr(c.cidr.includes('/') ? c.cidr : c.cidr + (c.cidr.includes(':') ? '/128' : '/32'));
  if (!addr || !block || !cidrContains(block, addr)) return false;
  return !(c.except ?? []).some((e) => {
    const x = parseCidr(e);
    return x ? cidrContains(x, addr) : false;
  });
}

/** L3 match of a rule's peer part, with the reason when it does not match. */
export function peerMatches(
  r: CiliumPeerRule,
  policyNs: string | undefined,
  peer: CiliumEndpoint,
): { match: Match; why: string } {
  const hasL3 = !!(r.endpoints || r.cidrs || r.entities || r.fqdns || r.services);
  if (!hasL3) {
    if (r.unjudged.length)
      return { match: 'unknown', why: `depends on ${r.unjudged.join(', ')}, which flows do not show` };
    if (!r.toPorts && !r.icmps)
      return { match: 'no', why: 'the rule is empty (an empty rule admits nothing)' };
    return { match: 'yes', why: 'no peer restriction' };
  }
  if (r.endpoints?.some((s) => peerSelectorMatches(s, policyNs, peer)))
    return { match: 'yes', why: 'an endpoint selector matches' };
  if (r.entities?.some((e) => entityMatches(e, peer))) return { match: 'yes', why: 'an entity matches' };
  if (!peer.isPod && r.cidrs?.some((c) => cidrMatches(c, peer.ip)))
    return { match: 'yes', why: 'a CIDR matches' };
  if (
    r.services?.some(
      (s) =>
        !s.selector &&
        s.serviceName === peer.service?.name &&
        (s.namespace ?? policyNs) === peer.service?.namespace,
    )
  )
    return { match: 'yes', why: 'the destination Service matches' };
  if (r.fqdns && peer.names?.length && r.fqdns.some((f) => fqdnMatches(f, peer.names!)))
    return { match: 'yes', why: 'a DNS name matches' };
  const unknown: string[] = [...r.unjudged];
  if (r.fqdns && !peer.names?.length) unknown.push('toFQDNs (the flow has no DNS name for the destination)');
  if (r.services?.some((s) => s.selector)) unknown.push('toServices with a selector');
  if (unknown.length) return { match: 'unknown', why: `depends on ${unknown.join(', ')}` };
  const parts: string[] = [];
  if (r.endpoints)
    parts.push(`no endpoint selector matches (${r.endpoints.map(describeSelector).join('; ')})`);
  if (r.entities) parts.push(`entities ${r.entities.join(', ')} do not include the peer`);
  if (r.cidrs)
    parts.push(
      peer.isPod
        ? 'CIDR rules do not apply to pods'
        : `${peer.ip} is not in ${r.cidrs.map((c) => c.cidr).join(', ')}`,
    );
  if (r.fqdns) parts.push(`the destination names ${peer.names?.join(', ')} match no toFQDNs`);
  if (r.services) parts.push('the destination Service is not listed');
  return { match: 'no', why: parts.join('; ') };
}

/** L4 match of a rule's ports, with the reason when it does not match. */
export function portsMatch(
  r: CiliumPeerRule,
  protocol: string,
  port: number,
  dst: CiliumEndpoint,
): { match: Match; why: string; l7: string[] } {
  if (protocol === 'ICMP') {
    if (r.icmps) return { match: 'yes', why: 'ICMP allowed', l7: [] };
    if (r.toPorts) return { match: 'no', why: 'the rule lists ports; ICMP needs an icmps rule', l7: [] };
    return { match: 'yes', why: 'no port restriction', l7: [] };
  }
  if (!r.toPorts)
    return {
      match: r.icmps ? 'no' : 'yes',
      why: r.icmps ? 'the rule only allows ICMP' : 'no port restriction',
      l7: [],
    };
  let unknown = '';
  for (const pr of r.toPorts) {
    const ports = pr.ports.length ? pr.ports : [{ port: '0', protocol: 'ANY' as const }];
    for (const p of ports) {
      if (p.protocol !== 'ANY' && p.protocol !== protocol) continue;
      if (/^\d+$/.test(p.port)) {
        const n = Number(p.port);
        if (n === 0 || (p.endPort ? port >= n && port <= p.endPort : port === n))
          return { match: 'yes', why: `port ${port}/${protocol} listed`, l7: pr.l7 };
      } else {
        const named = dst.ports?.find(
          (np) => np.name === p.port && (p.protocol === 'ANY' || np.protocol === p.protocol),
        );
        if (named && named.port === port)
          return { match: 'yes', why: `named port ${p.port} is ${port}`, l7: pr.l7 };
        if (!dst.ports) unknown = `named port ${p.port} (the destination's container ports are unknown)`;
      }
    }
  }
  if (unknown) return { match: 'unknown', why: unknown, l7: [] };
  const listed = r.toPorts.flatMap((pr) =>
    pr.ports.map((p) => `${p.port}${p.endPort ? '-' + p.endPort : ''}/${p.protocol}`),
  );
  return {
    match: 'no',
    why: `port ${port}/${protocol} is not in ${listed.join(', ') || 'the listed ports'}`,
    l7: [],
  };
}

/** `{app: web}` style text of a selector. */
export function describeSelector(s: CiliumSelector): string {
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions ?? [])
    parts.push(`${e.key} ${e.operator}${e.values?.length ? ' (' + e.values.join(',') + ')' : ''}`);
  return parts.length ? parts.join(',') : '{} (everything)';
}

/** Whether a rule puts its endpoints in default deny for a direction. */
export function enforces(r: CiliumRule, dir: 'ingress' | 'egress'): boolean {
  const present =
    dir === 'ingress'
      ? r.ingress !== undefined || r.ingressDeny !== undefined
      : r.egress !== undefined || r.egressDeny !== undefined;
  return present && r.enableDefaultDeny?.[dir] !== false;
}
