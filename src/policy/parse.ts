/**
 * Validation of NetworkPolicy objects (as parsed from YAML or JSON) into typed values, with the
 * checks the Kubernetes API server applies. Errors carry the path of the offending field so a
 * caller that knows the source positions (the scenario loader) can point at file:line:column.
 */
import { parseCidr, cidrWithin } from './cidr.js';
import type {
  IPBlock,
  LabelSelector,
  LabelSelectorRequirement,
  NetworkPolicy,
  NetworkPolicyEgressRule,
  NetworkPolicyIngressRule,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  PolicyProtocol,
} from './types.js';

/** A path into the parsed document: object keys and array indexes. */
export type FieldPath = ReadonlyArray<string | number>;

/** A NetworkPolicy that does not validate. `path` names the field, `expected` what was wanted. */
export class PolicyParseError extends Error {
  readonly code = 'POLICY_INVALID';
  constructor(
    readonly path: FieldPath,
    readonly expected: string,
    readonly got?: string,
  ) {
    super(`${formatPath(path)}: expected ${expected}${got ? `, got ${got}` : ''}`);
    this.name = 'PolicyParseError';
  }
}

/** Formats a path as `spec.ingress[0].from[1]`. */
export function formatPath(path: FieldPath): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? p : `.${p}`;
  return s || '(document)';
}

type Obj = Record<string, unknown>;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function obj(v: unknown, path: FieldPath, allowed: readonly string[]): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new PolicyParseError(path, 'a mapping', describe(v));
  for (const k of Object.keys(v)) {
    if (!allowed.includes(k))
      throw new PolicyParseError(
        [...path, k],
        `one of the fields ${allowed.join(', ')}`,
        `unknown field "${k}"`,
      );
  }
  return v as Obj;
}

function list(v: unknown, path: FieldPath): unknown[] {
  if (!Array.isArray(v)) throw new PolicyParseError(path, 'a list', describe(v));
  return v;
}

function str(v: unknown, path: FieldPath): string {
  if (typeof v !== 'string' || v === '') throw new PolicyParseError(path, 'a non-empty string', describe(v));
  return v;
}

function strMap(v: unknown, path: FieldPath): Record<string, string> {
  const o = obj(v, path, Object.keys((v ?? {}) as object));
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o)) {
    if (typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
    else out[k] = typeof val === 'string' ? val : str(val, [...path, k]);
  }
  return out;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Kubernetes IANA_SVC_NAME: what a named port may be. */
const SVC_NAME = /^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Validates a label selector. */
export function parseLabelSelector(v: unknown, path: FieldPath): LabelSelector {
  if (v === null || v === undefined) return {};
  const o = obj(v, path, ['matchLabels', 'matchExpressions']);
  const sel: LabelSelector = {};
  if (o.matchLabels !== undefined && o.matchLabels !== null)
    sel.matchLabels = strMap(o.matchLabels, [...path, 'matchLabels']);
  if (o.matchExpressions !== undefined && o.matchExpressions !== null) {
    sel.matchExpressions = list(o.matchExpressions, [...path, 'matchExpressions']).map((e, i) => {
      const p = [...path, 'matchExpressions', i];
      const eo = obj(e, p, ['key', 'operator', 'values']);
      const op = eo.operator;
      if (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist') {
        throw new PolicyParseError(
          [...p, 'operator'],
          'one of In, NotIn, Exists, DoesNotExist',
          describe(op),
        );
      }
      const req: LabelSelectorRequirement = { key: str(eo.key, [...p, 'key']), operator: op };
      const values =
        eo.values === undefined || eo.values === null
          ? []
          : list(eo.values, [...p, 'values']).map((x, j) =>
              typeof x === 'number' ? String(x) : str(x, [...p, 'values', j]),
            );
      if ((op === 'In' || op === 'NotIn') && values.length === 0)
        throw new PolicyParseError([...p, 'values'], `a non-empty list for operator ${op}`);
      if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0)
        throw new PolicyParseError([...p, 'values'], `no values for operator ${op}`);
      if (values.length > 0) req.values = values;
      return req;
    });
  }
  return sel;
}

function parseIPBlock(v: unknown, path: FieldPath): IPBlock {
  const o = obj(v, path, ['cidr', 'except']);
  const cidrText = str(o.cidr, [...path, 'cidr']);
  const cidr = parseCidr(cidrText);
  if (!cidr)
    throw new PolicyParseError([...path, 'cidr'], 'a CIDR such as 10.0.0.0/16', JSON.stringify(cidrText));
  const block: IPBlock = { cidr: cidrText };
  if (o.except !== undefined && o.except !== null) {
    block.except = list(o.except, [...path, 'except']).map((x, i) => {
      const t = str(x, [...path, 'except', i]);
      const c = parseCidr(t);
      if (!c) throw new PolicyParseError([...path, 'except', i], 'a CIDR', JSON.stringify(t));
      if (!cidrWithin(c, cidr) || c.prefix === cidr.prefix)
        throw new PolicyParseError(
          [...path, 'except', i],
          `a strict sub-range of ${cidrText}`,
          JSON.stringify(t),
        );
      return t;
    });
  }
  return block;
}

function parsePeer(v: unknown, path: FieldPath): NetworkPolicyPeer {
  const o = obj(v, path, ['podSelector', 'namespaceSelector', 'ipBlock']);
  const peer: NetworkPolicyPeer = {};
  if (o.ipBlock !== undefined && o.ipBlock !== null) {
    if ((o.podSelector ?? null) !== null || (o.namespaceSelector ?? null) !== null) {
      throw new PolicyParseError(
        [...path, 'ipBlock'],
        'ipBlock alone (it cannot be combined with podSelector or namespaceSelector)',
      );
    }
    peer.ipBlock = parseIPBlock(o.ipBlock, [...path, 'ipBlock']);
    return peer;
  }
  if (o.podSelector !== undefined && o.podSelector !== null)
    peer.podSelector = parseLabelSelector(o.podSelector, [...path, 'podSelector']);
  if (o.namespaceSelector !== undefined && o.namespaceSelector !== null) {
    peer.namespaceSelector = parseLabelSelector(o.namespaceSelector, [...path, 'namespaceSelector']);
  }
  if (!peer.podSelector && !peer.namespaceSelector)
    throw new PolicyParseError(path, 'at least one of podSelector, namespaceSelector or ipBlock');
  return peer;
}

function parsePort(v: unknown, path: FieldPath): NetworkPolicyPort {
  const o = obj(v, path, ['protocol', 'port', 'endPort']);
  let protocol: PolicyProtocol = 'TCP';
  if (o.protocol !== undefined && o.protocol !== null) {
    if (o.protocol !== 'TCP' && o.protocol !== 'UDP' && o.protocol !== 'SCTP')
      throw new PolicyParseError([...path, 'protocol'], 'one of TCP, UDP, SCTP', describe(o.protocol));
    protocol = o.protocol;
  }
  const port: NetworkPolicyPort = { protocol };
  if (o.port !== undefined && o.port !== null) {
    if (typeof o.port === 'number') {
      if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535)
        throw new PolicyParseError(
          [...path, 'port'],
          'a port number 1-65535 or a port name',
          describe(o.port),
        );
      port.port = o.port;
    } else if (typeof o.port === 'string' && /^\d+$/.test(o.port)) {
      throw new PolicyParseError(
        [...path, 'port'],
        'a port number (unquoted) or a port name',
        describe(o.port),
      );
    } else if (
      typeof o.port === 'string' &&
      o.port.length <= 15 &&
      SVC_NAME.test(o.port) &&
      !o.port.includes('--')
    ) {
      port.port = o.port;
    } else {
      throw new PolicyParseError(
        [...path, 'port'],
        'a port number 1-65535 or a port name (IANA_SVC_NAME, at most 15 characters)',
        describe(o.port),
      );
    }
  }
  if (o.endPort !== undefined && o.endPort !== null) {
    if (typeof port.port !== 'number')
      throw new PolicyParseError([...path, 'endPort'], 'endPort only together with a numeric port');
    if (
      typeof o.endPort !== 'number' ||
      !Number.isInteger(o.endPort) ||
      o.endPort < port.port ||
      o.endPort > 65535
    ) {
      throw new PolicyParseError(
        [...path, 'endPort'],
        `a port number between ${port.port} and 65535`,
        describe(o.endPort),
      );
    }
    port.endPort = o.endPort;
  }
  return port;
}

function parseRules<R extends NetworkPolicyIngressRule | NetworkPolicyEgressRule>(
  v: unknown,
  path: FieldPath,
  peerKey: 'from' | 'to',
): R[] {
  return list(v, path).map((r, i) => {
    const p = [...path, i];
    const o = obj(r ?? {}, p, [peerKey, 'ports']);
    const rule: Record<string, unknown> = {};
    const peers = o[peerKey];
    if (peers !== undefined && peers !== null)
      rule[peerKey] = list(peers, [...p, peerKey]).map((x, j) => parsePeer(x, [...p, peerKey, j]));
    if (o.ports !== undefined && o.ports !== null)
      rule.ports = list(o.ports, [...p, 'ports']).map((x, j) => parsePort(x, [...p, 'ports', j]));
    return rule as R;
  });
}

/**
 * Validates one NetworkPolicy object and applies the API server's defaults: `protocol: TCP` on
 * ports and `policyTypes` (Ingress, plus Egress when the spec has egress rules).
 * `defaultNamespace` fills a missing `metadata.namespace`, as `kubectl apply -n` would.
 * Throws PolicyParseError (with the field path) on the first problem.
 */
export function parseNetworkPolicy(value: unknown, defaultNamespace?: string): NetworkPolicy {
  const o = obj(value, [], ['apiVersion', 'kind', 'metadata', 'spec']);
  if (o.apiVersion !== 'networking.k8s.io/v1')
    throw new PolicyParseError(['apiVersion'], '"networking.k8s.io/v1"', describe(o.apiVersion));
  if (o.kind !== 'NetworkPolicy') throw new PolicyParseError(['kind'], '"NetworkPolicy"', describe(o.kind));
  const md = obj(
    o.metadata,
    ['metadata'],
    [
      'name',
      'namespace',
      'labels',
      'annotations',
      'uid',
      'resourceVersion',
      'generation',
      'creationTimestamp',
    ],
  );
  const name = str(md.name, ['metadata', 'name']);
  if (name.length > 253 || !/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(name))
    throw new PolicyParseError(
      ['metadata', 'name'],
      'a DNS subdomain name (lower case, digits, "-", ".")',
      JSON.stringify(name),
    );
  const namespace =
    md.namespace === undefined || md.namespace === null
      ? defaultNamespace
      : str(md.namespace, ['metadata', 'namespace']);
  if (!namespace) throw new PolicyParseError(['metadata', 'namespace'], 'a namespace');
  if (!DNS_LABEL.test(namespace))
    throw new PolicyParseError(['metadata', 'namespace'], 'a DNS label', JSON.stringify(namespace));
  const metadata: NetworkPolicy['metadata'] = { name, namespace };
  if (md.labels) metadata.labels = strMap(md.labels, ['metadata', 'labels']);
  if (md.annotations) metadata.annotations = strMap(md.annotations, ['metadata', 'annotations']);
  const sp = obj(o.spec, ['spec'], ['podSelector', 'policyTypes', 'ingress', 'egress']);
  if (sp.podSelector === undefined)
    throw new PolicyParseError(
      ['spec', 'podSelector'],
      'a podSelector ({} selects every pod of the namespace)',
    );
  const spec: NetworkPolicy['spec'] = {
    podSelector: parseLabelSelector(sp.podSelector, ['spec', 'podSelector']),
    policyTypes: [],
  };
  if (sp.ingress !== undefined && sp.ingress !== null)
    spec.ingress = parseRules<NetworkPolicyIngressRule>(sp.ingress, ['spec', 'ingress'], 'from');
  if (sp.egress !== undefined && sp.egress !== null)
    spec.egress = parseRules<NetworkPolicyEgressRule>(sp.egress, ['spec', 'egress'], 'to');
  if (sp.policyTypes !== undefined && sp.policyTypes !== null) {
    const types = list(sp.policyTypes, ['spec', 'policyTypes']).map((t, i) => {
      if (t !== 'Ingress' && t !== 'Egress')
        throw new PolicyParseError(['spec', 'policyTypes', i], 'Ingress or Egress', describe(t));
      return t;
    });
    spec.policyTypes = [...new Set(types)];
  }
  if (spec.policyTypes.length === 0) {
    // API server defaulting: Ingress always; Egress when egress rules are present.
    spec.policyTypes = ['Ingress'];
    if (spec.egress && spec.egress.length > 0) spec.policyTypes.push('Egress');
  }
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata, spec };
}
