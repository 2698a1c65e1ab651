/**
 * L7 aggregates: HTTP (and gRPC over HTTP/2) responses per server workload and route, and
 * Kafka requests/responses per broker workload, topic and API key. Each keeps error series,
 * per-bucket latency histograms (for regressions) and the pods and clients involved.
 */
import type { Flow } from '../../flow/index.js';
import type { EndpointInfo } from '../endpoint.js';
import { grpcStatus, routeOf } from '../flow-view.js';
import { BoundedMap, BucketHistogram, bump, mergeCounts, Samples, Series } from '../series.js';

/** Responses of one route of one server workload. */
export class HttpRouteStat {
  readonly total = new Series();
  readonly e4xx = new Series();
  readonly e5xx = new Series();
  /** gRPC responses with a non-zero grpc-status. */
  readonly grpcErr = new Series();
  readonly latency = new BucketHistogram();
  readonly codes = new Map<string, number>();
  readonly clients = new Map<string, number>();
  readonly podTotal = new Map<string, number>();
  readonly podErrors = new Map<string, number>();
  readonly samples = new Samples();
  readonly latencySamples = new Samples(2, 5);
  server = '';
  method = '';
  route = '';
  protocol = '';

  merge(o: HttpRouteStat): void {
    this.total.merge(o.total);
    this.e4xx.merge(o.e4xx);
    this.e5xx.merge(o.e5xx);
    this.grpcErr.merge(o.grpcErr);
    this.latency.merge(o.latency);
    mergeCounts(this.codes, o.codes);
    mergeCounts(this.clients, o.clients);
    mergeCounts(this.podTotal, o.podTotal);
    mergeCounts(this.podErrors, o.podErrors);
    this.samples.merge(o.samples);
    this.latencySamples.merge(o.latencySamples);
    this.server ||= o.server;
    this.method ||= o.method;
    this.route ||= o.route;
    this.protocol ||= o.protocol;
  }
}

/** Kafka traffic of one broker workload, topic and API key. */
export class KafkaStat {
  readonly requests = new Series();
  readonly responses = new Series();
  readonly errors = new Series();
  readonly latency = new BucketHistogram();
  readonly codes = new Map<string, number>();
  readonly clients = new Map<string, number>();
  readonly podErrors = new Map<string, number>();
  readonly samples = new Samples();
  broker = '';
  topic = '';
  apiKey = '';

  merge(o: KafkaStat): void {
    this.requests.merge(o.requests);
    this.responses.merge(o.responses);
    this.errors.merge(o.errors);
    this.latency.merge(o.latency);
    mergeCounts(this.codes, o.codes);
    mergeCounts(this.clients, o.clients);
    mergeCounts(this.podErrors, o.podErrors);
    this.samples.merge(o.samples);
    this.broker ||= o.broker;
    this.topic ||= o.topic;
    this.apiKey ||= o.apiKey;
  }
}

/** The L7 tables. */
export class L7Table {
  readonly http: BoundedMap<HttpRouteStat>;
  readonly kafka: BoundedMap<KafkaStat>;

  constructor(limit: number) {
    this.http = new BoundedMap(limit, () => new HttpRouteStat());
    this.kafka = new BoundedMap(limit, () => new KafkaStat());
  }

  /** An HTTP response (source = server, destination = client). */
  addHttpResponse(
    flow: Flow,
    bucket: number,
    weight: number,
    server: EndpointInfo,
    client: EndpointInfo,
  ): void {
    const http = flow.l7!.http!;
    const method = http.method ?? '';
    const route = routeOf(http.url);
    const s = this.http.get(server.workloadKey + ' ' + method + ' ' + route);
    if (!s) return;
    if (!s.server) {
      s.server = server.workloadKey;
      s.method = method;
      s.route = route;
      s.protocol = http.protocol ?? '';
    }
    const code = http.code ?? 0;
    s.total.add(bucket, weight);
    bump(s.codes, String(code), weight);
    bump(s.clients, client.workloadKey, weight);
    if (server.kind === 'pod') bump(s.podTotal, server.key, weight);
    const gs = grpcStatus(flow);
    const isErr = code >= 500 || (gs !== undefined && gs !== 0);
    if (code >= 500) s.e5xx.add(bucket, weight);
    else if (code >= 400) s.e4xx.add(bucket, weight);
    if (gs !== undefined && gs !== 0) {
      s.grpcErr.add(bucket, weight);
      bump(s.codes, `grpc-${gs}`, weight);
    }
    if (isErr || code >= 400) {
      s.samples.add(flow.uuid);
      if (server.kind === 'pod') bump(s.podErrors, server.key, weight);
    }
    const lat = flow.l7?.latency_ns;
    if (lat !== undefined) {
      const ns = Number(lat);
      s.latency.add(bucket, ns, weight);
      if (ns > 0) s.latencySamples.add(flow.uuid);
    }
  }

  /** A Kafka request (client → broker) or response (broker → client). */
  addKafka(
    flow: Flow,
    bucket: number,
    weight: number,
    src: EndpointInfo,
    dst: EndpointInfo,
    isResponse: boolean,
  ): void {
    const k = flow.l7!.kafka!;
    const broker = isResponse ? src : dst;
    const client = isResponse ? dst : src;
    const s = this.kafka.get(broker.workloadKey + '|' + (k.topic ?? '') + '|' + (k.api_key ?? ''));
    if (!s) return;
    if (!s.broker) {
      s.broker = broker.workloadKey;
      s.topic = k.topic ?? '';
      s.apiKey = k.api_key ?? '';
    }
    bump(s.clients, client.workloadKey, weight);
    if (!isResponse) {
      s.requests.add(bucket, weight);
      return;
    }
    s.responses.add(bucket, weight);
    const code = k.error_code ?? 0;
    if (code !== 0) {
      s.errors.add(bucket, weight);
      bump(s.codes, String(code), weight);
      s.samples.add(flow.uuid);
      if (broker.kind === 'pod') bump(s.podErrors, broker.key, weight);
    }
    const lat = flow.l7?.latency_ns;
    if (lat !== undefined) s.latency.add(bucket, Number(lat), weight);
  }

  merge(o: L7Table): void {
    this.http.merge(o.http, (a, b) => a.merge(b));
    this.kafka.merge(o.kafka, (a, b) => a.merge(b));
  }
}
