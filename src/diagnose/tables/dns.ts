/**
 * DNS aggregates from Hubble's L7 DNS records: per client workload, per DNS server workload,
 * and per (client, base name) where the base name folds the search-path expansions of one
 * lookup together (`api.example.com.shop.svc.cluster.local.` → `api.example.com`), so the
 * NXDOMAINs that every ndots:5 lookup produces can be told from real failures.
 */
import type { Flow } from '../../flow/index.js';
import type { EndpointInfo } from '../endpoint.js';
import { BoundedMap, BucketHistogram, bump, mergeCounts, Samples, Series } from '../series.js';

/** Outcome counts of one query type. */
export interface QtypeCounts {
  req: number;
  ok: number;
  /** SERVFAIL, REFUSED and other errors except NXDOMAIN. */
  err: number;
  nx: number;
}

function newQtype(): QtypeCounts {
  return { req: 0, ok: 0, err: 0, nx: 0 };
}

function mergeQtypes(into: Map<string, QtypeCounts>, from: Map<string, QtypeCounts>): void {
  for (const [k, v] of from) {
    const m = into.get(k);
    if (!m) into.set(k, { ...v });
    else {
      m.req += v.req;
      m.ok += v.ok;
      m.err += v.err;
      m.nx += v.nx;
    }
  }
}

/** One client workload's DNS. */
export class DnsClientStat {
  readonly requests = new Series();
  readonly responses = new Series();
  readonly servfail = new Series();
  readonly refused = new Series();
  readonly nxdomain = new Series();
  readonly latency = new BucketHistogram();
  /** pod key → responses with an error rcode, and requests. */
  readonly podErrors = new Map<string, number>();
  readonly podRequests = new Map<string, number>();
  readonly servers = new Map<string, number>();
  readonly qtypes = new Map<string, QtypeCounts>();
  readonly samples = new Samples();

  merge(o: DnsClientStat): void {
    this.requests.merge(o.requests);
    this.responses.merge(o.responses);
    this.servfail.merge(o.servfail);
    this.refused.merge(o.refused);
    this.nxdomain.merge(o.nxdomain);
    this.latency.merge(o.latency);
    mergeCounts(this.podErrors, o.podErrors);
    mergeCounts(this.podRequests, o.podRequests);
    mergeCounts(this.servers, o.servers);
    mergeQtypes(this.qtypes, o.qtypes);
    this.samples.merge(o.samples);
  }
}

/** One base name as looked up by one client workload. */
export class DnsNameStat {
  readonly req = new Series();
  readonly ok = new Series();
  readonly nx = new Series();
  readonly err = new Series();
  readonly servfail = new Series();
  readonly refused = new Series();
  /** Requests, responses and error answers (not NXDOMAIN) of A and AAAA queries. */
  readonly reqA = new Series();
  readonly reqAAAA = new Series();
  readonly respA = new Series();
  readonly respAAAA = new Series();
  readonly failA = new Series();
  readonly failAAAA = new Series();
  /** Requests, responses and SERVFAILs of the forms outside the cluster domain (resolved upstream). */
  readonly extReq = new Series();
  readonly extResp = new Series();
  readonly extServfail = new Series();
  readonly qtypes = new Map<string, QtypeCounts>();
  readonly samples = new Samples(2, 3);
  /** Query names seen (the forms of the lookup), with counts. */
  readonly forms = new Map<string, number>();
  client = '';
  base = '';
  /** Whether a form outside the cluster domain was looked up (the name goes upstream). */
  external = false;

  merge(o: DnsNameStat): void {
    this.req.merge(o.req);
    this.ok.merge(o.ok);
    this.nx.merge(o.nx);
    this.err.merge(o.err);
    this.servfail.merge(o.servfail);
    this.refused.merge(o.refused);
    this.reqA.merge(o.reqA);
    this.reqAAAA.merge(o.reqAAAA);
    this.respA.merge(o.respA);
    this.respAAAA.merge(o.respAAAA);
    this.failA.merge(o.failA);
    this.failAAAA.merge(o.failAAAA);
    this.extReq.merge(o.extReq);
    this.extResp.merge(o.extResp);
    this.extServfail.merge(o.extServfail);
    mergeQtypes(this.qtypes, o.qtypes);
    this.samples.merge(o.samples);
    for (const [k, v] of o.forms) if (this.forms.size < 8 || this.forms.has(k)) bump(this.forms, k, v);
    this.client ||= o.client;
    this.base ||= o.base;
    this.external ||= o.external;
  }
}

/** One DNS server workload (CoreDNS, node-local DNS...). */
export class DnsServerStat {
  readonly requests = new Series();
  readonly responses = new Series();
  readonly servfail = new Series();
  readonly latency = new BucketHistogram();
  readonly podResponses = new Map<string, number>();
  readonly podServfail = new Map<string, number>();
  readonly clients = new Map<string, number>();

  merge(o: DnsServerStat): void {
    this.requests.merge(o.requests);
    this.responses.merge(o.responses);
    this.servfail.merge(o.servfail);
    this.latency.merge(o.latency);
    mergeCounts(this.podResponses, o.podResponses);
    mergeCounts(this.podServfail, o.podServfail);
    mergeCounts(this.clients, o.clients);
  }
}

/**
 * Folds a query into the name the application asked for, by removing the search-path suffix
 * the resolver appended (`.<ns>.svc.<domain>`, `.svc.<domain>`, `.<domain>`).
 */
export function baseName(
  query: string,
  clientNs: string,
  domain: string,
): { base: string; internal: boolean } {
  let q = query.toLowerCase();
  if (q.endsWith('.')) q = q.slice(0, -1);
  const d = '.' + domain;
  if (!q.endsWith(d)) return { base: q, internal: false };
  for (const suffix of ['.' + clientNs + '.svc' + d, '.svc' + d, d]) {
    if (clientNs === '' && suffix.startsWith('..')) continue;
    if (q.endsWith(suffix) && q.length > suffix.length)
      return { base: q.slice(0, -suffix.length), internal: true };
  }
  return { base: q, internal: true };
}

/** The DNS tables. */
export class DnsTable {
  readonly clients: BoundedMap<DnsClientStat>;
  readonly names: BoundedMap<DnsNameStat>;
  readonly servers: BoundedMap<DnsServerStat>;
  /** Responses and SERVFAILs for cluster-internal and external names. */
  readonly internalResponses = new Series();
  readonly internalServfail = new Series();
  readonly externalResponses = new Series();
  readonly externalServfail = new Series();

  constructor(
    limit: number,
    readonly domain: string,
  ) {
    this.clients = new BoundedMap(limit, () => new DnsClientStat());
    this.names = new BoundedMap(limit, () => new DnsNameStat());
    this.servers = new BoundedMap(limit, () => new DnsServerStat());
  }

  add(
    flow: Flow,
    bucket: number,
    weight: number,
    src: EndpointInfo,
    dst: EndpointInfo,
    isResponse: boolean,
  ): void {
    const dns = flow.l7!.dns!;
    const client = isResponse ? dst : src;
    const server = isResponse ? src : dst;
    const c = this.clients.get(client.workloadKey);
    const s = this.servers.get(server.workloadKey);
    const { base, internal } = baseName(dns.query ?? '', client.namespace, this.domain);
    const n = this.names.get(client.workloadKey + '|' + base);
    if (n) {
      if (!n.client) {
        n.client = client.workloadKey;
        n.base = base;
      }
      if (!internal) n.external = true;
    }
    const qtypes = dns.qtypes && dns.qtypes.length > 0 ? dns.qtypes : ['?'];
    if (!isResponse) {
      c?.requests.add(bucket, weight);
      if (c && client.kind === 'pod') bump(c.podRequests, client.key, weight);
      s?.requests.add(bucket, weight);
      if (n) {
        n.req.add(bucket, weight);
        if (!internal) n.extReq.add(bucket, weight);
        for (const q of qtypes) {
          qtype(n.qtypes, q).req += weight;
          if (q === 'A') n.reqA.add(bucket, weight);
          else if (q === 'AAAA') n.reqAAAA.add(bucket, weight);
        }
        if (n.forms.size < 8 || n.forms.has(dns.query ?? '')) bump(n.forms, dns.query ?? '', weight);
      }
      if (c) for (const q of qtypes) qtype(c.qtypes, q).req += weight;
      return;
    }
    const rcode = dns.rcode ?? 0;
    const lat = flow.l7?.latency_ns !== undefined ? Number(flow.l7.latency_ns) : NaN;
    if (c) {
      c.responses.add(bucket, weight);
      if (rcode === 2) c.servfail.add(bucket, weight);
      else if (rcode === 5) c.refused.add(bucket, weight);
      else if (rcode === 3) c.nxdomain.add(bucket, weight);
      if (rcode !== 0) {
        if (client.kind === 'pod') bump(c.podErrors, client.key, weight);
        if (rcode !== 3) c.samples.add(flow.uuid);
      }
      bump(c.servers, server.workloadKey, weight);
      if (lat >= 0) c.latency.add(bucket, lat, weight);
      for (const q of qtypes) countOutcome(qtype(c.qtypes, q), rcode, weight);
    }
    if (s) {
      s.responses.add(bucket, weight);
      if (rcode === 2) {
        s.servfail.add(bucket, weight);
        if (server.kind === 'pod') bump(s.podServfail, server.key, weight);
      }
      if (server.kind === 'pod') bump(s.podResponses, server.key, weight);
      bump(s.clients, client.workloadKey, weight);
      if (lat >= 0) s.latency.add(bucket, lat, weight);
    }
    if (internal) {
      this.internalResponses.add(bucket, weight);
      if (rcode === 2) this.internalServfail.add(bucket, weight);
    } else {
      this.externalResponses.add(bucket, weight);
      if (rcode === 2) this.externalServfail.add(bucket, weight);
    }
    if (n) {
      if (rcode === 0) n.ok.add(bucket, weight);
      else if (rcode === 3) n.nx.add(bucket, weight);
      else {
        n.err.add(bucket, weight);
        if (rcode === 2) n.servfail.add(bucket, weight);
        if (rcode === 5) n.refused.add(bucket, weight);
      }
      if (rcode !== 0) n.samples.add(flow.uuid);
      if (!internal) {
        n.extResp.add(bucket, weight);
        if (rcode === 2) n.extServfail.add(bucket, weight);
      }
      for (const q of qtypes) {
        countOutcome(qtype(n.qtypes, q), rcode, weight);
        const fail = rcode !== 0 && rcode !== 3;
        if (q === 'A') {
          n.respA.add(bucket, weight);
          if (fail) n.failA.add(bucket, weight);
        } else if (q === 'AAAA') {
          n.respAAAA.add(bucket, weight);
          if (fail) n.failAAAA.add(bucket, weight);
        }
      }
    }
  }

  merge(o: DnsTable): void {
    this.clients.merge(o.clients, (a, b) => a.merge(b));
    this.names.merge(o.names, (a, b) => a.merge(b));
    this.servers.merge(o.servers, (a, b) => a.merge(b));
    this.internalResponses.merge(o.internalResponses);
    this.internalServfail.merge(o.internalServfail);
    this.externalResponses.merge(o.externalResponses);
    this.externalServfail.merge(o.externalServfail);
  }
}

function qtype(m: Map<string, QtypeCounts>, q: string): QtypeCounts {
  let c = m.get(q);
  if (!c) m.set(q, (c = newQtype()));
  return c;
}

function countOutcome(c: QtypeCounts, rcode: number, weight: number): void {
  if (rcode === 0) c.ok += weight;
  else if (rcode === 3) c.nx += weight;
  else c.err += weight;
}
