/**
 * A policy catalog: everything `--policies` (or the Kubernetes API) provides — NetworkPolicies,
 * Cilium policies, Namespace labels and the named container ports of workloads — parsed from
 * YAML/JSON documents. Pure: callers read the files (see load-files.ts) and pass the text.
 */
import { parseAllDocuments } from 'yaml';
import { parseCiliumPolicy, type CiliumPolicy } from './cilium.js';
import { compilePolicies, type PolicySet } from './evaluate.js';
import { matchesSelector } from './label-selector.js';
import { parseNetworkPolicy, PolicyParseError } from './parse.js';
import type { NamedPort, NetworkPolicy, PolicyProtocol } from './types.js';

/** Container ports of the pods a workload manifest describes. */
export interface WorkloadPorts {
  namespace: string;
  /** Pod template labels (a pod with these labels runs this template). */
  labels: Record<string, string>;
  ports: NamedPort[];
  /** `Deployment/web` etc., for messages. */
  source: string;
}

/** A problem in one document; the rest of the catalog is still usable. */
export interface CatalogError {
  file: string;
  /** 1-based document index in the file. */
  document: number;
  line?: number;
  message: string;
}

/** The parsed policy set and its context. */
export interface PolicyCatalog {
  networkPolicies: NetworkPolicy[];
  ciliumPolicies: CiliumPolicy[];
  /** Namespace labels from Namespace manifests (plus `kubernetes.io/metadata.name`). */
  namespaces: Map<string, Record<string, string>>;
  workloadPorts: WorkloadPorts[];
  errors: CatalogError[];
  /** Documents of kinds the catalog ignores (Services, ConfigMaps...), counted. */
  ignored: number;
  /** Compiled NetworkPolicies (built lazily by compiledSet). */
  compiled?: PolicySet;
}

/** An empty catalog. */
export function emptyCatalog(): PolicyCatalog {
  return {
    networkPolicies: [],
    ciliumPolicies: [],
    namespaces: new Map(),
    workloadPorts: [],
    errors: [],
    ignored: 0,
  };
}

/** The NetworkPolicies compiled for the evaluator (cached on the catalog). */
export function compiledSet(c: PolicyCatalog): PolicySet {
  return (c.compiled ??= compilePolicies(c.networkPolicies));
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function containerPorts(spec: unknown): NamedPort[] {
  const out: NamedPort[] = [];
  const containers = isObj(spec) && Array.isArray(spec.containers) ? spec.containers : [];
  for (const c of containers) {
    if (!isObj(c) || !Array.isArray(c.ports)) continue;
    for (const p of c.ports) {
      if (!isObj(p) || typeof p.name !== 'string' || typeof p.containerPort !== 'number') continue;
      out.push({
        name: p.name,
        port: p.containerPort,
        protocol: (String(p.protocol ?? 'TCP').toUpperCase() as PolicyProtocol) ?? 'TCP',
      });
    }
  }
  return out;
}

/** Adds one parsed object (any kind) to the catalog. */
export function addObject(
  c: PolicyCatalog,
  o: unknown,
  where: { file: string; document: number; line?: number },
  defaultNamespace?: string,
): void {
  if (!isObj(o)) return;
  const kind = o.kind;
  const md = isObj(o.metadata) ? o.metadata : {};
  try {
    switch (kind) {
      case 'List':
      case 'NetworkPolicyList':
      case 'CiliumNetworkPolicyList':
      case 'CiliumClusterwideNetworkPolicyList':
      case 'NamespaceList':
        for (const item of Array.isArray(o.items) ? o.items : [])
          addObject(
            c,
            isObj(item) && !item.kind && typeof kind === 'string'
              ? { ...item, kind: kind.replace(/List$/, '') }
              : item,
            where,
            defaultNamespace,
          );
        return;
      case 'NetworkPolicy':
        c.networkPolicies.push(
          parseNetworkPolicy(
            o.apiVersion ? o : { ...o, apiVersion: 'networking.k8s.io/v1' },
            defaultNamespace,
          ),
        );
        c.compiled = undefined;
        return;
      case 'CiliumNetworkPolicy':
      case 'CiliumClusterwideNetworkPolicy':
        c.ciliumPolicies.push(
          parseCiliumPolicy(o.apiVersion ? o : { ...o, apiVersion: 'cilium.io/v2' }, defaultNamespace),
        );
        return;
      case 'Namespace': {
        if (typeof md.name !== 'string') return;
        const labels = isObj(md.labels)
          ? Object.fromEntries(Object.entries(md.labels).map(([k, v]) => [k, String(v)]))
          : {};
        c.namespaces.set(md.name, { ...labels, 'kubernetes.io/metadata.name': md.name });
        return;
      }
      case 'Pod': {
        const ports = containerPorts(o.spec);
        if (ports.length && isObj(md.labels))
          c.workloadPorts.push({
            namespace: String(md.namespace ?? defaultNamespace ?? 'default'),
            labels: md.labels as Record<string, string>,
            ports,
            source: `Pod/${md.name}`,
          });
        return;
      }
      case 'Deployment':
      case 'StatefulSet':
      case 'DaemonSet':
      case 'ReplicaSet':
      case 'Job': {
        const tpl = isObj(o.spec) && isObj(o.spec.template) ? o.spec.template : undefined;
        const tmd = tpl && isObj(tpl.metadata) ? tpl.metadata : {};
        const ports = containerPorts(tpl?.spec);
        if (ports.length && isObj(tmd.labels))
          c.workloadPorts.push({
            namespace: String(md.namespace ?? defaultNamespace ?? 'default'),
            labels: tmd.labels as Record<string, string>,
            ports,
            source: `${kind}/${md.name}`,
          });
        return;
      }
      default:
        c.ignored++;
    }
  } catch (e) {
    const msg =
      e instanceof PolicyParseError
        ? `${kind} ${String(md.name ?? '?')}: ${e.message}`
        : `${String(kind)} ${String(md.name ?? '?')}: ${(e as Error).message}`;
    c.errors.push({ ...where, message: msg });
  }
}

/**
 * Parses YAML or JSON text holding any number of documents into the catalog. Syntax errors and
 * invalid policies are collected in `errors` with their file, document and line.
 *
 * @example
 * const c = emptyCatalog();
 * addText(c, readFileSync('policies.yaml', 'utf8'), 'policies.yaml');
 */
export function addText(c: PolicyCatalog, text: string, file: string, defaultNamespace?: string): void {
  const docs = parseAllDocuments(text, { prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, i) => {
    const where = {
      file,
      document: i + 1,
      line: lineOf(text, doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0),
    };
    if (doc.errors.length > 0) {
      c.errors.push({ ...where, message: `invalid YAML: ${doc.errors[0].message.split('\n')[0]}` });
      return;
    }
    addObject(c, doc.toJS(), where, defaultNamespace);
  });
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** Formats a catalog error as `file:line (document n): message`. */
export function formatCatalogError(e: CatalogError): string {
  return `${e.file}${e.line ? `:${e.line}` : ''} (document ${e.document}): ${e.message}`;
}

/** The named ports of a pod, from the workload manifests whose template labels it carries. */
export function portsOfPod(
  c: PolicyCatalog,
  namespace: string,
  labels: Readonly<Record<string, string>>,
): NamedPort[] | undefined {
  for (const w of c.workloadPorts)
    if (w.namespace === namespace && matchesSelector({ matchLabels: w.labels }, labels)) return w.ports;
  return undefined;
}

/** Number of policies in the catalog. */
export function policyCount(c: PolicyCatalog): number {
  return c.networkPolicies.length + c.ciliumPolicies.length;
}
