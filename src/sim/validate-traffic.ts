/** Validation of `traffic:` entries of a scenario file. */
import { DNS_LABEL } from './patterns.js';
import { Reader } from './reader.js';
import type {
  DailySpec,
  GrpcSpec,
  HttpSpec,
  KafkaSpec,
  LatencySpec,
  SourceRef,
  TargetRef,
  TrafficSpec,
} from './schema.js';

const NS_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/;

/** Parses `ns/name` into its parts, or throws at `r`. */
export function readNsName(
  r: Reader,
  what = 'a namespace/name reference such as shop/frontend',
): { namespace: string; name: string } {
  const s = r.pattern(NS_NAME, what);
  const [namespace, name] = s.split('/');
  return { namespace, name };
}

function readSource(r: Reader): SourceRef {
  if (typeof r.value === 'string' && r.value.startsWith('external:'))
    return { kind: 'external', name: r.value.slice(9) };
  if (typeof r.value === 'object' && r.value !== null && !Array.isArray(r.value)) {
    r.map(['workload', 'external']);
    if (!r.at('external').absent)
      return { kind: 'external', name: r.at('external').pattern(DNS_LABEL, 'an external endpoint name') };
    return { kind: 'workload', ...readNsName(r.req('workload', 'a workload such as shop/frontend')) };
  }
  return { kind: 'workload', ...readNsName(r, 'a workload such as shop/frontend, or external:NAME') };
}

function readTarget(r: Reader): TargetRef {
  if (typeof r.value === 'string' && r.value.startsWith('external:'))
    return { kind: 'external', name: r.value.slice(9) };
  if (typeof r.value === 'object' && r.value !== null && !Array.isArray(r.value)) {
    r.map(['service', 'workload', 'pod', 'external']);
    if (!r.at('external').absent)
      return { kind: 'external', name: r.at('external').pattern(DNS_LABEL, 'an external endpoint name') };
    if (!r.at('service').absent) return { kind: 'service', ...readNsName(r.at('service')) };
    const w = readNsName(r.req('workload', 'one of service, workload or external'));
    return { kind: 'workload', ...w, pod: r.opt('pod', (x) => x.pattern(DNS_LABEL, 'a pod name')) };
  }
  // A bare ns/name is a Service when one exists, else a workload; resolved when the topology is built.
  return {
    kind: 'service',
    ...readNsName(r, 'a Service or workload such as shop/backend, or external:NAME'),
  };
}

function readLatency(r: Reader, fallback: LatencySpec): LatencySpec {
  if (r.absent) return fallback;
  r.map(['p50', 'p99']);
  const p50 = r.req('p50', 'the median latency').duration();
  const p99 = r.opt('p99', (x) => x.duration(), p50 * 4);
  if (p99 < p50) r.at('p99').expected(`a latency at least p50 (${p50}ms)`);
  return { p50, p99 };
}

function readDaily(r: Reader): DailySpec {
  if (r.absent) return { amplitude: 0, peakHour: 12 };
  r.map(['amplitude', 'peak']);
  const peak = r.at('peak');
  let peakHour = 12;
  if (typeof peak.value === 'number') peakHour = peak.number(0, 24);
  else if (!peak.absent) {
    const [h, m] = peak
      .pattern(/^([01]?\d|2[0-3]):[0-5]\d$/, 'an hour of the day such as "19:00"')
      .split(':')
      .map(Number);
    peakHour = h + m / 60;
  }
  return { amplitude: r.opt('amplitude', (x) => x.number(0, 1), 0.3), peakHour };
}

function readRequests(r: Reader, fallback: { min: number; max: number }): { min: number; max: number } {
  if (r.absent) return fallback;
  if (typeof r.value === 'number') {
    const n = r.number(1, 10000, true);
    return { min: n, max: n };
  }
  const s = r.pattern(/^\d+-\d+$/, 'a number of requests per connection such as 3 or "1-5"');
  const [min, max] = s.split('-').map(Number);
  if (min < 1 || max < min) r.expected('a range "min-max" with 1 <= min <= max');
  return { min, max };
}

function readHttp(r: Reader, grpc: boolean): HttpSpec {
  r.map(['protocol', 'requests', 'errorRate', 'errorStatus']);
  const requests = r
    .at('requests')
    .list()
    .map((q) => {
      q.map(['method', 'path', 'weight']);
      return {
        method: q.opt(
          'method',
          (x) => x.oneOf(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const),
          'GET',
        ),
        path: q
          .req('path', 'a request path such as /api/products')
          .pattern(/^\/\S*$/, 'a request path starting with /'),
        weight: q.opt('weight', (x) => x.number(0, 1e6), 1),
      };
    });
  return {
    protocol: r.opt(
      'protocol',
      (x) => x.oneOf(['HTTP/1.1', 'HTTP/2'] as const),
      grpc ? 'HTTP/2' : 'HTTP/1.1',
    ),
    requests: requests.length > 0 ? requests : [{ method: 'GET', path: '/', weight: 1 }],
    errorRate: r.opt('errorRate', (x) => x.number(0, 1), 0),
    errorStatus: r.opt('errorStatus', (x) => x.number(100, 599, true), 500),
  };
}

function readGrpc(r: Reader): GrpcSpec {
  r.map(['service', 'methods']);
  const methods = r
    .req('methods', 'a list of method names')
    .list()
    .map((m) => m.pattern(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a gRPC method name'));
  if (methods.length === 0) r.at('methods').expected('at least one method');
  return {
    service: r
      .req('service', 'a gRPC service such as payment.v1.PaymentService')
      .pattern(/^[A-Za-z_][\w.]*$/, 'a gRPC service name'),
    methods,
  };
}

function readKafka(r: Reader): KafkaSpec {
  r.map(['topic', 'apiKey', 'apiVersion']);
  return {
    topic: r.req('topic', 'a Kafka topic').pattern(/^[A-Za-z0-9._-]+$/, 'a Kafka topic name'),
    apiKey: r.opt('apiKey', (x) => x.oneOf(['produce', 'fetch'] as const), 'produce'),
    apiVersion: r.opt('apiVersion', (x) => x.number(0, 20, true), 7),
  };
}

const FIELDS = [
  'name',
  'from',
  'to',
  'port',
  'protocol',
  'rate',
  'daily',
  'jitter',
  'requests',
  'latency',
  'resolve',
  'http',
  'grpc',
  'kafka',
];

/** Reads one traffic edge. */
export function readTraffic(r: Reader): TrafficSpec {
  r.map(FIELDS);
  const from = readSource(r.req('from', 'a workload such as shop/frontend, or external:NAME'));
  const to = readTarget(r.req('to', 'a Service, workload or external:NAME'));
  const protocol = r.opt('protocol', (x) => x.oneOf(['tcp', 'udp', 'http', 'grpc', 'kafka'] as const), 'tcp');
  const portR = r.req('port', 'the destination port (number or name)');
  const port =
    typeof portR.value === 'number'
      ? portR.number(1, 65535, true)
      : portR.pattern(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a port number or name');
  const resolveR = r.at('resolve');
  let resolve: string | undefined;
  if (resolveR.value === false) resolve = undefined;
  else if (!resolveR.absent)
    resolve = resolveR.pattern(/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?\.?$/, 'a DNS name to resolve, or false');
  else
    resolve =
      to.kind === 'service'
        ? to.name
        : to.kind === 'workload' && to.pod
          ? `${to.pod}.${to.name}`
          : to.kind === 'external'
            ? ''
            : undefined;
  const edge: TrafficSpec = {
    origin: r.origin,
    name: r.opt(
      'name',
      (x) => x.pattern(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a lower-case name'),
      `${from.kind === 'workload' ? `${from.namespace}/${from.name}` : from.name}->${to.kind === 'external' ? to.name : `${to.namespace}/${to.name}`}`,
    ),
    from,
    to,
    port,
    protocol,
    rate: r.req('rate', 'a rate such as 20/s').rate(),
    daily: readDaily(r.at('daily')),
    jitter: r.opt('jitter', (x) => x.number(0, 1), 0.1),
    requests: readRequests(r.at('requests'), protocol === 'kafka' ? { min: 3, max: 12 } : { min: 1, max: 3 }),
    latency: readLatency(r.at('latency'), protocol === 'kafka' ? { p50: 4, p99: 40 } : { p50: 12, p99: 90 }),
    // '' means "the external endpoint's FQDN", filled when the topology is built.
    resolve,
  };
  if (protocol === 'http' || protocol === 'grpc')
    edge.http = readHttp(
      r.at('http').absent ? new Reader(r.file, {}, [...r.path, 'http']) : r.at('http'),
      protocol === 'grpc',
    );
  else if (!r.at('http').absent) throw r.at('http').error('http settings need protocol: http or grpc', true);
  if (protocol === 'grpc') edge.grpc = readGrpc(r.req('grpc', 'grpc settings (service, methods)'));
  else if (!r.at('grpc').absent) throw r.at('grpc').error('grpc settings need protocol: grpc', true);
  if (protocol === 'kafka') edge.kafka = readKafka(r.req('kafka', 'kafka settings (topic)'));
  else if (!r.at('kafka').absent) throw r.at('kafka').error('kafka settings need protocol: kafka', true);
  return edge;
}
