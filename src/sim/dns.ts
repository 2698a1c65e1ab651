/**
 * DNS lookups as a pod's resolver performs them through CoreDNS and Cilium's DNS proxy: search
 * path expansion (ndots:5), A and AAAA queries in parallel from one socket, retries after 5 s
 * without answer, answers with TTLs, and the L7 request/response records Hubble shows for them.
 * DNS faults (upstream down, REFUSED, A-only failures) change answers here.
 */
import type { DNS } from '../flow/index.js';
import type { Conn } from './flow-factory.js';
import type { RunContext } from './run-context.js';
import type { SimPod } from './topology.js';

/** Cilium's (gopacket's) names of DNS response codes, used in Summary. */
export const RCODE_NAMES: Readonly<Record<number, string>> = {
  0: 'No Error',
  1: 'Format Error',
  2: 'Server Failure',
  3: 'Non-Existent Domain',
  4: 'Not Implemented',
  5: 'Query Refused',
};

const NO_TTL = 4294967295;
const TIMEOUT_NS = 5e9;
const ATTEMPTS = 2;

/** What the DNS server answers to one query, or undefined for no answer. */
interface Answer {
  rcode: number;
  ips: string[];
  cnames: string[];
  ttl: number;
  latencyNs: number;
}

/** Outcome of a whole lookup. */
export interface LookupResult {
  /** The IPv4 address to connect to, when resolution succeeded. */
  ip?: string;
  /** Offset at which the application has its answer (or gives up). */
  doneNs: number;
}

/** The names glibc tries for `name`, in order, with trailing dots. */
export function searchCandidates(
  name: string,
  namespace: string,
  domain: string,
  searchPath: boolean,
): string[] {
  if (name.endsWith('.')) return [name];
  if (!searchPath) return [`${name}.`];
  const search = [`${name}.${namespace}.svc.${domain}.`, `${name}.svc.${domain}.`, `${name}.${domain}.`];
  const dots = name.split('.').length - 1;
  return dots >= 5 ? [`${name}.`, ...search] : [...search, `${name}.`];
}

function inCluster(q: string, domain: string): boolean {
  return q.endsWith(`.${domain}.`);
}

function answer(
  ctx: RunContext,
  tNs: number,
  client: SimPod,
  q: string,
  qtype: 'A' | 'AAAA',
): Answer | undefined {
  const t = ctx.topo;
  const domain = t.scenario.cluster.domain;
  const local = inCluster(q, domain);
  const f = ctx.faults;
  for (const rf of f.active('dns-refused', tNs)) {
    if ((rf.clientSet!.size === 0 || rf.clientSet!.has(client)) && ctx.prng.chance(rf.spec.ratio))
      return { rcode: 5, ips: [], cnames: [], ttl: NO_TTL, latencyNs: ctx.us(80, 400) };
  }
  if (!local) {
    const nameMatch = (names: RegExp[]) => names.length === 0 || names.some((re) => re.test(q));
    for (const rf of f.active('dns-upstream-down', tNs)) {
      if (!nameMatch(rf.names!) || !ctx.prng.chance(rf.spec.ratio)) continue;
      if (rf.spec.mode === 'no-response') return undefined;
      return { rcode: 2, ips: [], cnames: [], ttl: NO_TTL, latencyNs: ctx.latencyNs({ p50: 40, p99: 2000 }) };
    }
    if (qtype === 'A') {
      for (const rf of f.active('dns-a-fail', tNs)) {
        if (!nameMatch(rf.names!) || !ctx.prng.chance(rf.spec.ratio)) continue;
        if (rf.spec.mode === 'no-response') return undefined;
        return {
          rcode: 2,
          ips: [],
          cnames: [],
          ttl: NO_TTL,
          latencyNs: ctx.latencyNs({ p50: 30, p99: 800 }),
        };
      }
    }
  } else if (qtype === 'A' && f.has('dns-a-fail')) {
    for (const rf of f.active('dns-a-fail', tNs)) {
      if (rf.names!.length > 0 && rf.names!.some((re) => re.test(q)) && ctx.prng.chance(rf.spec.ratio)) {
        return rf.spec.mode === 'no-response'
          ? undefined
          : { rcode: 2, ips: [], cnames: [], ttl: NO_TTL, latencyNs: ctx.us(200, 2000) };
      }
    }
  }
  if (local) {
    const fast = ctx.us(150, 1500);
    const svc = t.serviceByFqdn.get(q);
    const ttl = t.scenario.dns.ttl;
    if (svc)
      return qtype === 'A'
        ? { rcode: 0, ips: [svc.clusterIP], cnames: [], ttl, latencyNs: fast }
        : { rcode: 0, ips: [], cnames: [], ttl: NO_TTL, latencyNs: fast };
    const pod = headlessPod(ctx, q);
    if (pod)
      return qtype === 'A'
        ? { rcode: 0, ips: [pod.ip], cnames: [], ttl, latencyNs: fast }
        : { rcode: 0, ips: [], cnames: [], ttl: NO_TTL, latencyNs: fast };
    return { rcode: 3, ips: [], cnames: [], ttl: NO_TTL, latencyNs: fast };
  }
  const upstream = ctx.latencyNs({ p50: 8, p99: 60 });
  const ext = t.externalByFqdn.get(q);
  if (!ext) return { rcode: 3, ips: [], cnames: [], ttl: NO_TTL, latencyNs: upstream };
  const ips = qtype === 'A' ? ext.spec.ips : ext.spec.ipv6;
  if (ips.length === 0)
    return {
      rcode: 0,
      ips: [],
      cnames: ext.spec.cnames,
      ttl: ext.spec.cnames.length > 0 ? ext.spec.ttl : NO_TTL,
      latencyNs: upstream,
    };
  return { rcode: 0, ips, cnames: ext.spec.cnames, ttl: ext.spec.ttl, latencyNs: upstream };
}

/** `<pod>.<workload>.<ns>.svc.<domain>.` of a StatefulSet pod behind its headless Service. */
function headlessPod(ctx: RunContext, q: string): SimPod | undefined {
  const parts = q.split('.');
  if (parts.length < 5 || parts[3] !== 'svc') return undefined;
  const pod = ctx.topo.podByName.get(`${parts[2]}/${parts[0]}`);
  return pod && pod.workload.name === parts[1] ? pod : undefined;
}

function responseSummary(d: DNS, q: string, qtype: string): string {
  let ans: string;
  if (d.rcode) ans = `RCode: ${RCODE_NAMES[d.rcode] ?? 'Unknown'}`;
  else {
    const parts: string[] = [];
    if (d.ips) parts.push(`"${d.ips.join(',')}"`);
    if (d.cnames) parts.push(`CNAMEs: "${d.cnames.join(',')}"`);
    ans = parts.join(' ');
  }
  return `DNS Answer ${ans} TTL: ${d.ttl} (Proxy ${q} ${qtype})`;
}

/** Sends one query (request record) and its answer (response record) if any; returns the answer. */
function query(
  ctx: RunContext,
  tNs: number,
  conn: Conn,
  client: SimPod,
  q: string,
  qtype: 'A' | 'AAAA',
): Answer | undefined {
  const node = client.node;
  const qtypes = qtype === 'A' ? QT_A : QT_AAAA;
  ctx.emit(
    tNs,
    ctx.factory.l7(
      tNs,
      node,
      conn,
      false,
      'EGRESS',
      { type: 'REQUEST', dns: { query: q, observation_source: 'proxy', qtypes } },
      `DNS Query ${q} ${qtype}`,
    ),
  );
  const a = answer(ctx, tNs, client, q, qtype);
  if (!a) return undefined;
  const d: DNS = { query: q, ttl: a.ttl, observation_source: 'proxy', qtypes };
  if (a.ips.length > 0) d.ips = a.ips;
  if (a.cnames.length > 0) d.cnames = a.cnames;
  if (a.rcode !== 0) d.rcode = a.rcode;
  const rr = [...a.cnames.map(() => 'CNAME'), ...a.ips.map(() => qtype)];
  if (rr.length > 0) d.rrtypes = rr;
  const tr = tNs + a.latencyNs;
  ctx.emit(
    tr,
    ctx.factory.l7(
      tr,
      node,
      conn,
      true,
      'EGRESS',
      { type: 'RESPONSE', latency_ns: String(a.latencyNs), dns: d },
      responseSummary(d, q, qtype),
    ),
  );
  return a;
}

const QT_A = Object.freeze(['A']) as string[];
const QT_AAAA = Object.freeze(['AAAA']) as string[];

/**
 * Resolves `name` for `client` starting at `tNs`, emitting the DNS records. Successful answers
 * are cached when the scenario sets `dns.cache` (most runtimes in containers do not cache).
 */
export function lookup(
  ctx: RunContext,
  tNs: number,
  client: SimPod,
  name: string,
  useCache = true,
): LookupResult {
  const cache = ctx.dnsCache[client.index];
  const cacheSec = ctx.topo.scenario.dns.cache;
  const hit = useCache && cacheSec > 0 ? cache.get(name) : undefined;
  if (hit && hit.expiresNs > tNs) return { ip: hit.ip, doneNs: tNs };
  const t = ctx.topo;
  const dnsPods = t.dns.backends;
  if (dnsPods.length === 0) return { doneNs: tNs };
  const { domain } = t.scenario.cluster;
  const aaaa = t.scenario.dns.aaaa;
  let now = tNs;
  for (const q of searchCandidates(name, client.namespace, domain, t.scenario.dns.searchPath)) {
    const server = dnsPods[ctx.prng.int(dnsPods.length)];
    const cport = ctx.port(client);
    const conn: Conn = {
      client: { pod: client, ip: client.ip },
      server: { pod: server, ip: server.ip },
      cport,
      sport: 53,
      l4: 'UDP',
      svc: t.dns.flow,
      fwdIP: ctx.factory.ip(client.ip, server.ip),
      revIP: ctx.factory.ip(server.ip, client.ip),
    };
    const pol = ctx.policy.decide(now, conn.client, conn.server, 53, 'UDP');
    let a: Answer | undefined;
    let b: Answer | undefined;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (!pol.allowed) {
        const atClient = pol.deniedBy === 'egress';
        const node = atClient ? client.node : server.node;
        ctx.emit(
          now,
          ctx.factory.verdict(now, node, conn, undefined, atClient ? 'EGRESS' : 'INGRESS', false, 0),
        );
        ctx.emit(now, ctx.factory.drop(now, node, conn, false, undefined, 133, atClient));
      } else {
        a = query(ctx, now, conn, client, q, 'A');
        b = aaaa ? query(ctx, now + ctx.us(10, 60), conn, client, q, 'AAAA') : undefined;
      }
      if (a && (b || !aaaa)) break;
      now += TIMEOUT_NS;
    }
    if (!a || (aaaa && !b)) return { doneNs: now }; // timed out: glibc gives up the search
    now += Math.max(a.latencyNs, b?.latencyNs ?? 0);
    if (a.rcode === 0 && a.ips.length > 0) {
      const ip = a.ips[ctx.prng.int(a.ips.length)];
      if (cacheSec > 0) cache.set(name, { ip, expiresNs: now + Math.min(a.ttl, cacheSec) * 1e9 });
      return { ip, doneNs: now };
    }
    if (a.rcode === 0 || b?.rcode === 0) return { doneNs: now }; // the name exists but has no usable IPv4 answer
  }
  return { doneNs: now };
}
