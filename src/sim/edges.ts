/**
 * Resolution of traffic edges against the topology: which pods open the connections, which
 * backends answer on which ports, and which name clients resolve first. Errors point at the
 * offending field of the traffic entry.
 */
import { errorAt } from './source.js';
import type { TrafficSpec } from './schema.js';
import type { SimExternal, SimPod, SimService, Topology } from './topology.js';

/** A traffic edge ready for generation. */
export interface SimEdge {
  index: number;
  spec: TrafficSpec;
  /** Client pods (empty when the clients are external). */
  clients: SimPod[];
  /** External clients (world addresses), when `from` is external. */
  externalClient?: SimExternal;
  target: 'service' | 'pods' | 'external';
  service?: SimService;
  /** Backend pods (service endpoints or the workload's pods). */
  backends: SimPod[];
  /** Destination port on each backend (after service translation). */
  backendPorts: number[];
  /** Port the client connects to (service port, pod port or external port). */
  port: number;
  external?: SimExternal;
  l4: 'TCP' | 'UDP';
  /** Name the client resolves before connecting (relative or absolute); undefined = no DNS. */
  resolve?: string;
  /** `namespace/workload` keys of the target workloads (for workload-scoped faults). */
  targetWorkloads: Set<string>;
}

function fail(spec: TrafficSpec, field: string, msg: string): never {
  if (spec.origin) throw errorAt(spec.origin, [field], msg, { code: 'SCENARIO_REFERENCE' });
  throw new Error(`traffic ${spec.name}: ${field}: ${msg}`);
}

function list(names: Iterable<string>): string {
  const all = [...names];
  return all.length > 12 ? `${all.slice(0, 12).join(', ')}, …` : all.join(', ');
}

function resolveEdge(t: Topology, spec: TrafficSpec, index: number): SimEdge {
  const edge: SimEdge = {
    index,
    spec,
    clients: [],
    target: 'pods',
    backends: [],
    backendPorts: [],
    port: 0,
    l4: spec.protocol === 'udp' ? 'UDP' : 'TCP',
    targetWorkloads: new Set(),
  };
  if (spec.from.kind === 'external') {
    edge.externalClient =
      t.externals.get(spec.from.name) ??
      fail(
        spec,
        'from',
        `unknown external endpoint "${spec.from.name}"; expected one of: ${list(t.externals.keys())}`,
      );
  } else {
    const key = `${spec.from.namespace}/${spec.from.name}`;
    edge.clients =
      t.podsByWorkload.get(key) ??
      (t.workloads.has(key)
        ? []
        : fail(spec, 'from', `unknown workload "${key}"; expected one of: ${list(t.workloads.keys())}`));
  }
  const to = spec.to;
  if (to.kind === 'external') {
    const ext =
      t.externals.get(to.name) ??
      fail(
        spec,
        'to',
        `unknown external endpoint "${to.name}"; expected one of: ${list(t.externals.keys())}`,
      );
    if (typeof spec.port !== 'number') fail(spec, 'port', 'expected a port number for an external endpoint');
    Object.assign(edge, {
      target: 'external',
      external: ext,
      port: spec.port,
      resolve: spec.resolve === '' ? ext.fqdn : spec.resolve,
    });
    return edge;
  }
  const key = `${to.namespace}/${to.name}`;
  const svc = to.kind === 'service' ? t.services.get(key) : undefined;
  if (svc) {
    const sp = svc.spec.ports.find((p) =>
      typeof spec.port === 'number' ? p.port === spec.port : p.name === spec.port,
    );
    if (!sp)
      fail(
        spec,
        'port',
        `service ${key} has no port ${JSON.stringify(spec.port)}; it has ${svc.spec.ports.map((p) => p.name ?? p.port).join(', ')}`,
      );
    if ((sp.protocol === 'UDP') !== (edge.l4 === 'UDP'))
      fail(
        spec,
        'protocol',
        `service port ${sp.port} is ${sp.protocol} but the edge protocol is ${spec.protocol}`,
      );
    edge.target = 'service';
    edge.service = svc;
    edge.port = sp.port;
    edge.backends = svc.backends;
    edge.backendPorts = svc.backends.map((p) =>
      typeof sp.targetPort === 'number'
        ? sp.targetPort
        : p.ports.find((cp) => cp.name === sp.targetPort)!.port,
    );
    edge.resolve =
      spec.resolve &&
      spec.from.kind === 'workload' &&
      spec.from.namespace !== to.namespace &&
      spec.resolve === to.name
        ? `${to.name}.${to.namespace}`
        : spec.resolve;
  } else {
    const pods = t.podsByWorkload.get(key);
    if (!pods && !t.workloads.has(key)) {
      fail(
        spec,
        'to',
        `no Service or workload "${key}"; services: ${list(t.services.keys())}; workloads: ${list(t.workloads.keys())}`,
      );
    }
    let backends = pods ?? [];
    if (to.kind === 'workload' && to.pod) {
      const pod = backends.find((p) => p.name === to.pod);
      if (!pod)
        fail(
          spec,
          'to',
          `workload ${key} has no pod "${to.pod}"; it has ${list(backends.map((p) => p.name))}`,
        );
      backends = [pod];
    }
    const w = t.workloads.get(key)!;
    const cp = w.ports.find((p) =>
      typeof spec.port === 'number' ? p.port === spec.port : p.name === spec.port,
    );
    if (!cp && typeof spec.port === 'string')
      fail(spec, 'port', `workload ${key} has no container port named "${spec.port}"`);
    const port = cp?.port ?? (spec.port as number);
    edge.backends = backends;
    edge.backendPorts = backends.map(() => port);
    edge.port = port;
    edge.resolve =
      to.kind === 'workload' && to.pod && spec.resolve
        ? `${to.pod}.${to.name}.${to.namespace}.svc.${t.scenario.cluster.domain}.`
        : spec.resolve === to.name
          ? undefined
          : spec.resolve;
  }
  for (const b of edge.backends) edge.targetWorkloads.add(`${b.namespace}/${b.workload.name}`);
  if (edge.backends.length === 0 && edge.target === 'pods')
    fail(spec, 'to', `workload ${key} has no pods (replicas: 0)`);
  return edge;
}

/** Resolves every traffic edge of the topology's scenario. */
export function resolveEdges(t: Topology): SimEdge[] {
  const seen = new Map<string, number>();
  return t.scenario.traffic.map((spec, i) => {
    const n = seen.get(spec.name) ?? 0;
    seen.set(spec.name, n + 1);
    const named = n === 0 ? spec : { ...spec, name: `${spec.name}#${n + 1}` };
    return resolveEdge(t, named, i);
  });
}
