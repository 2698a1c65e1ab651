/**
 * Topology files: how the agent learns pods, Services, namespaces and nodes outside a cluster.
 * Two shapes are accepted, in YAML or JSON:
 *
 * 1. Kubernetes objects, as `kubectl get pods,services,namespaces,nodes -A -o yaml` prints them
 *    (a `List` with `items`, a single object, or several YAML documents).
 * 2. A short form:
 *
 *    ```yaml
 *    node: lab-node                # this node (pods elsewhere are remote)
 *    namespaces: [{ name: shop, labels: { team: retail } }]
 *    pods:
 *      - { name: web-5d8f7c9b4-x2kqp, namespace: shop, ip: 10.244.1.11, labels: { app: web },
 *          workload: { kind: Deployment, name: web } }
 *    services: [{ name: web, namespace: shop, clusterIP: 10.96.0.10, selector: { app: web } }]
 *    nodes: [{ name: lab-node, ips: [10.244.1.1] }]
 *    ```
 */
import { readFileSync, statSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { NamespaceInfo, NodeInfo, PodInfo, ServiceInfo, TopologyIndex } from './topology.js';

/** A parsed topology. */
export interface Topology {
  nodeName?: string;
  pods: PodInfo[];
  services: ServiceInfo[];
  namespaces: NamespaceInfo[];
  nodes: NodeInfo[];
}

/** A topology file that cannot be used. */
export class TopologyError extends Error {
  readonly code = 'TOPOLOGY_INVALID';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TopologyError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strMap = (v: unknown): Record<string, string> | undefined => {
  if (!isObj(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = String(x);
  return out;
};
const strList = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];

/** Converts a Kubernetes Pod object (API or YAML shape). */
export function podFromObject(o: Obj): PodInfo | undefined {
  const md = isObj(o.metadata) ? o.metadata : {};
  const spec = isObj(o.spec) ? o.spec : {};
  const status = isObj(o.status) ? o.status : {};
  const name = str(md.name);
  if (!name) return undefined;
  const ips = Array.isArray(status.podIPs)
    ? status.podIPs.map((x) => (isObj(x) ? str(x.ip) : undefined)).filter((x): x is string => !!x)
    : [];
  if (ips.length === 0 && str(status.podIP)) ips.push(str(status.podIP)!);
  const owners = Array.isArray(md.ownerReferences)
    ? md.ownerReferences
        .filter(isObj)
        .map((r) => ({ kind: str(r.kind) ?? '', name: str(r.name) ?? '', controller: r.controller === true }))
    : undefined;
  return {
    name,
    namespace: str(md.namespace) ?? 'default',
    ips,
    labels: strMap(md.labels),
    ownerReferences: owners,
    serviceAccount: str(spec.serviceAccountName),
    nodeName: str(spec.nodeName),
    hostNetwork: spec.hostNetwork === true,
  };
}

/** Converts a Kubernetes Service object. */
export function serviceFromObject(o: Obj): ServiceInfo | undefined {
  const md = isObj(o.metadata) ? o.metadata : {};
  const spec = isObj(o.spec) ? o.spec : {};
  const name = str(md.name);
  if (!name) return undefined;
  const ips = strList(spec.clusterIPs);
  if (ips.length === 0 && str(spec.clusterIP)) ips.push(str(spec.clusterIP)!);
  return {
    name,
    namespace: str(md.namespace) ?? 'default',
    clusterIPs: ips,
    selector: strMap(spec.selector),
  };
}

/** Converts a Kubernetes Namespace object. */
export function namespaceFromObject(o: Obj): NamespaceInfo | undefined {
  const md = isObj(o.metadata) ? o.metadata : {};
  const name = str(md.name);
  return name ? { name, labels: strMap(md.labels) } : undefined;
}

/** Converts a Kubernetes Node object. */
export function nodeFromObject(o: Obj): NodeInfo | undefined {
  const md = isObj(o.metadata) ? o.metadata : {};
  const status = isObj(o.status) ? o.status : {};
  const name = str(md.name);
  if (!name) return undefined;
  const ips = Array.isArray(status.addresses)
    ? status.addresses
        .filter(isObj)
        .filter((a) => a.type === 'InternalIP' || a.type === 'ExternalIP')
        .map((a) => str(a.address))
        .filter((x): x is string => !!x)
    : [];
  return { name, ips };
}

function addObject(t: Topology, o: Obj): void {
  switch (o.kind) {
    case 'List':
      for (const it of Array.isArray(o.items) ? o.items : []) if (isObj(it)) addObject(t, it);
      return;
    case 'Pod': {
      const p = podFromObject(o);
      if (p) t.pods.push(p);
      return;
    }
    case 'Service': {
      const s = serviceFromObject(o);
      if (s) t.services.push(s);
      return;
    }
    case 'Namespace': {
      const n = namespaceFromObject(o);
      if (n) t.namespaces.push(n);
      return;
    }
    case 'Node': {
      const n = nodeFromObject(o);
      if (n) t.nodes.push(n);
      return;
    }
  }
}

function addShort(t: Topology, o: Obj): void {
  if (str(o.node)) t.nodeName = str(o.node);
  for (const p of Array.isArray(o.pods) ? o.pods.filter(isObj) : []) {
    const name = str(p.name);
    if (!name) throw new TopologyError('a pod has no name');
    const ips = [...strList(p.ips), ...strList(p.ip)];
    const wl = isObj(p.workload)
      ? { name: str(p.workload.name), kind: str(p.workload.kind) ?? 'Deployment' }
      : undefined;
    t.pods.push({
      name,
      namespace: str(p.namespace) ?? 'default',
      ips,
      labels: strMap(p.labels),
      workload: wl,
      serviceAccount: str(p.serviceAccount),
      nodeName: str(p.node),
    });
  }
  for (const s of Array.isArray(o.services) ? o.services.filter(isObj) : []) {
    const name = str(s.name);
    if (!name) throw new TopologyError('a service has no name');
    t.services.push({
      name,
      namespace: str(s.namespace) ?? 'default',
      clusterIPs: [...strList(s.clusterIPs), ...strList(s.clusterIP)],
      selector: strMap(s.selector),
    });
  }
  for (const n of Array.isArray(o.namespaces) ? o.namespaces : []) {
    if (typeof n === 'string') t.namespaces.push({ name: n });
    else if (isObj(n) && str(n.name)) t.namespaces.push({ name: str(n.name)!, labels: strMap(n.labels) });
  }
  for (const n of Array.isArray(o.nodes) ? o.nodes.filter(isObj) : []) {
    if (str(n.name)) t.nodes.push({ name: str(n.name)!, ips: [...strList(n.ips), ...strList(n.ip)] });
  }
}

/** Parses topology text (YAML or JSON, either shape). */
export function parseTopology(text: string): Topology {
  const t: Topology = { pods: [], services: [], namespaces: [], nodes: [] };
  let docs;
  try {
    docs = parseAllDocuments(text);
  } catch (err) {
    throw new TopologyError(`cannot parse topology: ${(err as Error).message}`, { cause: err });
  }
  for (const d of Array.isArray(docs) ? docs : [docs]) {
    if (d.errors.length > 0) throw new TopologyError(`cannot parse topology: ${d.errors[0].message}`);
    const v: unknown = d.toJS();
    if (v === null || v === undefined) continue;
    if (!isObj(v)) throw new TopologyError('a topology document must be a mapping');
    if (typeof v.kind === 'string') addObject(t, v);
    else addShort(t, v);
  }
  return t;
}

/** Loads a topology file into an index, and reloads it when it changes (poll, no inotify needed). */
export class TopologyFileWatcher {
  private mtime = -1;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly path: string,
    private readonly index: TopologyIndex,
    private readonly onError: (err: Error) => void = () => {},
  ) {}

  /** Loads the file now; throws TopologyError when it is unreadable or invalid. */
  load(): void {
    let text: string;
    try {
      this.mtime = statSync(this.path).mtimeMs;
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      throw new TopologyError(`cannot read topology file ${this.path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    this.index.replace(parseTopology(text));
  }

  /** Polls the file's mtime every intervalMs and reloads it when it changed. */
  watch(intervalMs = 2000): void {
    this.timer = setInterval(() => {
      try {
        if (statSync(this.path).mtimeMs !== this.mtime) this.load();
      } catch (err) {
        this.onError(err as Error);
      }
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
