/**
 * Validation of one scenario file (its parsed YAML) into a ScenarioFile: typed, defaulted per
 * item, with each item's origin kept for later reference checks. Merging with the scenario it
 * `extends` happens in load.ts.
 */
import type { PolicyProtocol } from '../policy/index.js';
import { canonicalTime } from '../flow/index.js';
import { Reader } from './reader.js';
import { DNS_LABEL } from './patterns.js';
import type {
  ClusterSpec,
  ContainerPortSpec,
  DnsSpec,
  ExternalSpec,
  Located,
  NamespaceSpec,
  NodeSpec,
  Scenario,
  ServiceSpec,
  WorkloadSpec,
} from './schema.js';
import { readFault } from './validate-faults.js';
import { readTraffic } from './validate-traffic.js';
import { readPolicy } from './validate-policy.js';

/** What one file declares; lists are appended to those of the scenario it extends. */
export interface ScenarioFile extends Located {
  name: string;
  description?: string;
  extends?: { ref: string; reader: Reader };
  start?: string;
  duration?: number;
  cluster: Partial<ClusterSpec>;
  dns: Partial<DnsSpec>;
  nodes?: NodeSpec[];
  namespaces: NamespaceSpec[];
  workloads: WorkloadSpec[];
  services: ServiceSpec[];
  external: ExternalSpec[];
  traffic: Scenario['traffic'];
  policies: Scenario['policies'];
  faults: Scenario['faults'];
}

const NODE_NAME = /^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:]+:[0-9a-fA-F:]*$/;

const TOP_FIELDS = [
  'name',
  'description',
  'extends',
  'start',
  'duration',
  'cluster',
  'dns',
  'nodes',
  'namespaces',
  'workloads',
  'services',
  'external',
  'traffic',
  'policies',
  'faults',
];

/** Reads a scenario file's top-level mapping. */
export function readScenarioFile(root: Reader): ScenarioFile {
  root.map(TOP_FIELDS);
  const out: ScenarioFile = {
    origin: root.origin,
    name: root
      .req('name', 'the scenario name')
      .pattern(DNS_LABEL, 'a lower-case name (letters, digits, "-")'),
    description: root.opt('description', (r) => r.string()),
    extends: root.opt('extends', (r) => ({
      ref: r.string('a built-in scenario name or a file path'),
      reader: r,
    })),
    start: root.opt('start', readTime),
    duration: root.opt('duration', (r) => r.duration()),
    cluster: root.opt('cluster', readCluster, {}),
    dns: root.opt('dns', readDns, {}),
    nodes: root.opt('nodes', readNodes),
    namespaces: root.at('namespaces').list().map(readNamespace),
    workloads: root.at('workloads').list().map(readWorkload),
    services: root.at('services').list().map(readService),
    external: root.at('external').list().map(readExternal),
    traffic: root.at('traffic').list().map(readTraffic),
    policies: root.at('policies').list().map(readPolicy),
    faults: root.at('faults').list().map(readFault),
  };
  return out;
}

/** An RFC 3339 timestamp (YAML may have parsed it as a Date). */
export function readTime(r: Reader): string {
  const v = r.value instanceof Date ? r.value.toISOString() : r.value;
  const t = typeof v === 'string' ? canonicalTime(v) : undefined;
  if (!t) r.expected('an RFC 3339 time such as 2025-06-02T09:00:00Z');
  return t;
}

function readCluster(r: Reader): Partial<ClusterSpec> {
  r.map(['name', 'routing', 'podCIDR', 'serviceCIDR', 'domain']);
  const c: Partial<ClusterSpec> = {};
  r.opt('name', (x) => (c.name = x.pattern(DNS_LABEL, 'a cluster name')));
  r.opt('routing', (x) => (c.routing = x.oneOf(['native', 'tunnel'] as const)));
  r.opt(
    'podCIDR',
    (x) => (c.podCIDR = x.pattern(/^\d+\.\d+\.0\.0\/16$/, 'an IPv4 /16 such as 10.244.0.0/16')),
  );
  r.opt(
    'serviceCIDR',
    (x) => (c.serviceCIDR = x.pattern(/^\d+\.\d+\.0\.0\/16$/, 'an IPv4 /16 such as 10.0.0.0/16')),
  );
  r.opt(
    'domain',
    (x) => (c.domain = x.pattern(/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/, 'a DNS domain such as cluster.local')),
  );
  return c;
}

function readDns(r: Reader): Partial<DnsSpec> {
  r.map(['ttl', 'searchPath', 'aaaa', 'cache']);
  const d: Partial<DnsSpec> = {};
  r.opt('ttl', (x) => (d.ttl = x.number(0, 86400, true)));
  r.opt('searchPath', (x) => (d.searchPath = x.bool()));
  r.opt('aaaa', (x) => (d.aaaa = x.bool()));
  r.opt('cache', (x) => (d.cache = x.number(0, 86400, true)));
  return d;
}

function readNodes(r: Reader): NodeSpec[] {
  if (!Array.isArray(r.value)) {
    r.map(['count', 'prefix']);
    const count = r.req('count', 'the number of nodes').number(1, 250, true);
    const prefix = r.opt(
      'prefix',
      (x) => x.pattern(NODE_NAME, 'a node name prefix'),
      'aks-nodepool1-12345678-vmss',
    );
    return Array.from({ length: count }, (_, i) => ({
      name: `${prefix}${String(i).padStart(6, '0')}`,
      origin: r.origin,
    }));
  }
  const nodes = r.list().map((n) => {
    if (typeof n.value === 'string') return { name: n.pattern(NODE_NAME, 'a node name'), origin: n.origin };
    n.map(['name']);
    return { name: n.req('name', 'a node name').pattern(NODE_NAME, 'a node name'), origin: n.origin };
  });
  if (nodes.length === 0) r.expected('at least one node');
  return nodes;
}

function readNamespace(r: Reader): NamespaceSpec {
  if (typeof r.value === 'string')
    return { name: r.pattern(DNS_LABEL, 'a namespace name'), labels: {}, origin: r.origin };
  r.map(['name', 'labels']);
  return {
    name: r.req('name', 'a namespace name').pattern(DNS_LABEL, 'a namespace name'),
    labels: r.at('labels').stringMap(),
    origin: r.origin,
  };
}

function readProtocol(r: Reader): PolicyProtocol {
  return r.opt('protocol', (x) => x.oneOf(['TCP', 'UDP', 'SCTP'] as const), 'TCP');
}

function readContainerPort(r: Reader): ContainerPortSpec {
  r.map(['name', 'port', 'containerPort', 'protocol']);
  const portR = r.at('port').absent ? r.at('containerPort') : r.at('port');
  if (portR.absent) throw r.error('missing field "port"; expected the container port number');
  return {
    name: r.opt('name', (x) =>
      x.pattern(/^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/, 'a port name (at most 15 characters)'),
    ),
    port: portR.number(1, 65535, true),
    protocol: readProtocol(r),
  };
}

function readWorkload(r: Reader): WorkloadSpec {
  r.map(['kind', 'name', 'namespace', 'replicas', 'labels', 'serviceAccount', 'ports', 'nodes']);
  const name = r.req('name', 'the workload name').pattern(DNS_LABEL, 'a workload name');
  const labels = r.at('labels').stringMap();
  return {
    origin: r.origin,
    kind: r
      .req('kind', 'Deployment, StatefulSet or DaemonSet')
      .oneOf(['Deployment', 'StatefulSet', 'DaemonSet'] as const),
    name,
    namespace: r.req('namespace', 'a namespace').pattern(DNS_LABEL, 'a namespace name'),
    replicas: r.opt('replicas', (x) => x.number(0, 500, true), 1),
    labels: Object.keys(labels).length > 0 ? labels : { app: name },
    serviceAccount: r.opt('serviceAccount', (x) => x.pattern(DNS_LABEL, 'a service account name'), name),
    ports: r.at('ports').list().map(readContainerPort),
    nodes: r.opt('nodes', (x) => x.list().map((n) => n.pattern(NODE_NAME, 'a node name'))),
  };
}

function readService(r: Reader): ServiceSpec {
  r.map(['name', 'namespace', 'selector', 'ports', 'clusterIP']);
  const name = r.req('name', 'the service name').pattern(DNS_LABEL, 'a service name');
  const selector = r.at('selector').stringMap();
  const ports = r
    .req('ports', 'a list of service ports')
    .list()
    .map((p) => {
      p.map(['name', 'port', 'targetPort', 'protocol']);
      const port = p.req('port', 'the service port').number(1, 65535, true);
      const tp = p.at('targetPort');
      const targetPort = tp.absent
        ? port
        : typeof tp.value === 'number'
          ? tp.number(1, 65535, true)
          : tp.pattern(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a port number or a container port name');
      return {
        name: p.opt('name', (x) => x.pattern(DNS_LABEL, 'a port name')),
        port,
        targetPort,
        protocol: readProtocol(p),
      };
    });
  if (ports.length === 0) r.at('ports').expected('at least one port');
  return {
    origin: r.origin,
    name,
    namespace: r.req('namespace', 'a namespace').pattern(DNS_LABEL, 'a namespace name'),
    selector: Object.keys(selector).length > 0 ? selector : { app: name },
    ports,
    clusterIP: r.opt('clusterIP', (x) => x.pattern(IPV4, 'an IPv4 address')),
  };
}

function readExternal(r: Reader): ExternalSpec {
  r.map(['name', 'fqdn', 'ips', 'ipv6', 'cnames', 'ttl']);
  const ext: ExternalSpec = {
    origin: r.origin,
    name: r.req('name', 'the endpoint name').pattern(DNS_LABEL, 'a lower-case name'),
    fqdn: r.opt('fqdn', (x) =>
      x
        .pattern(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}\.?$/, 'a fully qualified domain name')
        .replace(/\.$/, ''),
    ),
    ips: r
      .req('ips', 'a list of IPv4 addresses')
      .list()
      .map((x) => x.pattern(IPV4, 'an IPv4 address')),
    ipv6: r
      .at('ipv6')
      .list()
      .map((x) => x.pattern(IPV6, 'an IPv6 address')),
    cnames: r
      .at('cnames')
      .list()
      .map((x) => x.pattern(/^([a-z0-9-]+\.)+[a-z]{2,}\.?$/, 'a DNS name').replace(/\.?$/, '.')),
    ttl: r.opt('ttl', (x) => x.number(0, 86400, true), 300),
  };
  if (ext.ips.length === 0) r.at('ips').expected('at least one IPv4 address');
  return ext;
}
