/**
 * Rule `dns`: DNS failures from Hubble's DNS records.
 *
 * Every lookup is classified per client and base name (search-path expansions folded): an
 * NXDOMAIN counts as a failure only when the lookup it belongs to did not succeed in the same
 * time bucket (an ndots:5 search produces NXDOMAINs for every successful external lookup);
 * SERVFAIL and REFUSED always count; requests without any response count as missing.
 *
 * Findings:
 * - server side (subject: the DNS server workload): failures of names resolved upstream while
 *   cluster names resolve → upstream failure; cluster names failing too (or DNS latency up) →
 *   CoreDNS overloaded; failures of A queries while AAAA succeed → A-only failure;
 * - client side (subject: the client workload, peer: the DNS server): REFUSED, NXDOMAIN for
 *   names that never resolve, missing responses not explained by a server-side finding.
 */
import { EndpointRegistry } from '../endpoint.js';
import type { DiagnosisRule, FindingDraft, RuleContext } from '../rule.js';
import { histCount, histQuantile, mergeCounts } from '../series.js';
import type { DnsClientStat, DnsNameStat } from '../tables/dns.js';
import type { Severity } from '../types.js';
import { proportionIncrease, round } from '../stats.js';
import {
  analyzeDense,
  coarseFactor,
  fig,
  magnitude,
  pct,
  peerOf,
  rangeOf,
  severityOf,
  subjectOf,
  topKey,
  topPods,
  wlName,
  type RateAnalysis,
} from './common.js';

/** Dense per-bucket failure counts of one scope (a client, or all external names...). */
class Tally {
  readonly req: Float64Array;
  readonly servfail: Float64Array;
  readonly refused: Float64Array;
  readonly nx: Float64Array;
  readonly missing: Float64Array;
  /** A and AAAA queries and their failures (error answers or no answer). */
  readonly aReq: Float64Array;
  readonly aFail: Float64Array;
  readonly aaaaReq: Float64Array;
  readonly aaaaFail: Float64Array;
  constructor(n: number) {
    this.req = new Float64Array(n);
    this.servfail = new Float64Array(n);
    this.refused = new Float64Array(n);
    this.nx = new Float64Array(n);
    this.missing = new Float64Array(n);
    this.aReq = new Float64Array(n);
    this.aFail = new Float64Array(n);
    this.aaaaReq = new Float64Array(n);
    this.aaaaFail = new Float64Array(n);
  }
  sum(a: Float64Array, from: number): number {
    let s = 0;
    for (let i = from; i < a.length; i++) s += a[i];
    return s;
  }
  combine(...parts: Float64Array[]): Float64Array {
    const out = new Float64Array(this.req.length);
    for (const p of parts) for (let i = 0; i < out.length; i++) out[i] += p[i];
    return out;
  }
}

interface NameOutcome {
  name: DnsNameStat;
  servfail: number;
  refused: number;
  nx: number;
  missing: number;
  req: number;
}

/** Adds the upstream (outside the cluster domain) lookups of one name to a tally. */
function classifyUpstream(ctx: RuleContext, n: DnsNameStat, k: number, up: Tally): void {
  const buckets = new Set<number>([...n.extReq.points.keys(), ...n.extResp.points.keys()]);
  for (const b of buckets) {
    if (b < ctx.dataFrom || b > ctx.to) continue;
    const req = n.extReq.get(b);
    const resp = n.extResp.get(b);
    const i = Math.floor((b - ctx.dataFrom) / k);
    up.req[i] += Math.max(req, resp);
    up.servfail[i] += n.extServfail.get(b);
    up.missing[i] += Math.max(0, req - resp);
  }
}

/** Classifies one name's buckets and adds them to the tallies. */
function classify(ctx: RuleContext, n: DnsNameStat, k: number, into: Tally[]): NameOutcome {
  const o: NameOutcome = { name: n, servfail: 0, refused: 0, nx: 0, missing: 0, req: 0 };
  const buckets = new Set<number>([
    ...n.req.points.keys(),
    ...n.ok.points.keys(),
    ...n.nx.points.keys(),
    ...n.err.points.keys(),
  ]);
  for (const b of buckets) {
    if (b < ctx.dataFrom || b > ctx.to) continue;
    const ok = n.ok.get(b);
    const nx = n.nx.get(b);
    const err = n.err.get(b);
    const req = n.req.get(b);
    const missing = Math.max(0, req - (ok + nx + err));
    const realNx = ok === 0 && err === 0 && missing === 0 ? nx : 0;
    const sf = n.servfail.get(b);
    const rf = n.refused.get(b);
    const aReq = Math.max(n.reqA.get(b), n.respA.get(b));
    const aaaaReq = Math.max(n.reqAAAA.get(b), n.respAAAA.get(b));
    const aFail = n.failA.get(b) + Math.max(0, n.reqA.get(b) - n.respA.get(b));
    const aaaaFail = n.failAAAA.get(b) + Math.max(0, n.reqAAAA.get(b) - n.respAAAA.get(b));
    const i = Math.floor((b - ctx.dataFrom) / k);
    for (const t of into) {
      t.req[i] += req || ok + nx + err;
      t.servfail[i] += sf;
      t.refused[i] += rf;
      t.nx[i] += realNx;
      t.missing[i] += missing;
      t.aReq[i] += aReq;
      t.aFail[i] += aFail;
      t.aaaaReq[i] += aaaaReq;
      t.aaaaFail[i] += aaaaFail;
    }
    if (b >= ctx.from) {
      o.servfail += sf;
      o.refused += rf;
      o.nx += realNx;
      o.missing += missing;
      o.req += req || ok + nx + err;
    }
  }
  return o;
}

function latencyFigures(ctx: RuleContext, serverKey: string | undefined, a: RateAnalysis) {
  const s = serverKey ? ctx.acc.dns.servers.map.get(serverKey) : undefined;
  if (!s) return [];
  const during = s.latency.range(a.onset, a.end);
  const all = s.latency.range(ctx.dataFrom, ctx.to);
  const before = all.map((x, i) => x - during[i]);
  if (histCount(during) === 0) return [];
  return [
    fig(
      'dns_p95_latency_ms',
      'p95 DNS answer time',
      histQuantile(during, 0.95),
      'ms',
      histCount(before) ? histQuantile(before, 0.95) : undefined,
    ),
  ];
}

function topNames(outcomes: NameOutcome[], pick: (o: NameOutcome) => number, limit = 10) {
  return outcomes
    .filter((o) => pick(o) > 0)
    .sort((x, y) => pick(y) - pick(x))
    .slice(0, limit)
    .map((o) => ({
      name: o.name.base,
      client: wlName(o.name.client),
      failures: pick(o),
      lookups: o.req,
      forms: [...o.name.forms.keys()].slice(0, 4),
    }));
}

function severityFor(ctx: RuleContext, a: RateAnalysis): Severity | undefined {
  const th = ctx.thresholds;
  let s = severityOf(a.ratio, a.events, th.dnsMinFailures, th.dnsWarnRatio, th.dnsCritRatio);
  if (
    s &&
    a.baselineRatio !== undefined &&
    a.baselineRatio > 0 &&
    !(a.test.pValue < 1e-4 && a.ratio >= 2 * a.baselineRatio)
  ) {
    // Not a significant rise over the baseline: judge the period and its baseline together.
    // A failure share that is high throughout (chronic, or a window too short for a real
    // baseline, like a few seconds of capture split by a bucket boundary) is still a finding;
    // a small blip over a noisy baseline is not.
    const events = a.events + (a.baselineEvents ?? 0);
    const total = a.total + (a.baselineTotal ?? 0);
    s = severityOf(
      total > 0 ? events / total : 0,
      events,
      th.dnsMinFailures,
      th.dnsWarnRatio,
      th.dnsCritRatio,
    );
  }
  return s;
}

function serverKeyOf(ctx: RuleContext): string | undefined {
  const m = new Map<string, number>();
  for (const [k, s] of ctx.acc.dns.servers.map) m.set(k, s.responses.total + s.requests.total);
  return topKey(m);
}

function dnsCommand(ctx: RuleContext, description: string, args: string[], a: RateAnalysis) {
  return ctx.next.observe(description, ['--protocol', 'dns', ...args], rangeOf(ctx, a.onset, a.end));
}

interface ServerSide {
  findings: FindingDraft[];
  /** Clients covered by server-side findings, per failure kind. */
  clients: Set<string>;
  refusedClients: Set<string>;
}

type Cause = 'a-only' | 'overload' | 'upstream' | 'upstream-timeout' | 'refused';

/**
 * Server-side episodes. Four signals are searched separately, each against its own denominator
 * (REFUSED among all lookups; SERVFAIL and missing answers among lookups resolved upstream;
 * failures of cluster names among cluster lookups). For each, the most anomalous period is
 * found, split at gaps into runs, and each run becomes a finding; runs are blanked and the
 * search repeats, so distinct outages in one window become separate findings.
 */
function serverFindings(
  ctx: RuleContext,
  all: Tally,
  up: Tally,
  outcomes: NameOutcome[],
  k: number,
): ServerSide {
  const result: ServerSide = { findings: [], clients: new Set(), refusedClients: new Set() };
  const intFail = all.combine(all.servfail, all.missing);
  const upFail = up.combine(up.servfail, up.missing);
  for (let i = 0; i < intFail.length; i++) intFail[i] = Math.max(0, intFail[i] - upFail[i]);
  const intReq = all.combine(all.req);
  for (let i = 0; i < intReq.length; i++) intReq[i] = Math.max(0, intReq[i] - up.req[i]);
  const signals: Array<[Signal, Float64Array, Float64Array]> = [
    ['refused', all.combine(all.refused), all.req],
    ['servfail', up.combine(up.servfail), up.req],
    ['timeout', up.combine(up.missing), up.req],
    ['overload', intFail, intReq],
  ];
  for (const [signal, fail, req] of signals) {
    for (let round = 0; round < 3; round++) {
      const wFrom = Math.floor((ctx.from - ctx.dataFrom) / k);
      if (all.sum(fail, wFrom) < ctx.thresholds.dnsMinFailures) break;
      const a = analyzeDense(ctx, fail, req, k);
      if (!a || !severityFor(ctx, a)) break;
      const i0 = Math.floor((a.onset - ctx.dataFrom) / k);
      const i1 = Math.floor((a.end - ctx.dataFrom) / k) + 1;
      for (const [r0, r1] of runs(fail, req, i0, i1, a.ratio / 3)) {
        const run = periodOf(ctx, fail, req, r0, r1, k);
        const severity = severityFor(ctx, run);
        if (severity) {
          const span = (x: Float64Array) => x.slice(r0, r1).reduce((p, q) => p + q, 0);
          const f = finding(
            ctx,
            signal,
            run,
            severity,
            span,
            all,
            up,
            outcomes,
            result.findings.length,
            result,
          );
          if (f && !extendAdjacent(ctx, result.findings, f)) result.findings.push(f);
        }
      }
      for (let i = i0; i < i1; i++) fail[i] = 0;
    }
  }
  return result;
}

type Signal = 'refused' | 'servfail' | 'timeout' | 'overload';

/** Folds `f` into an earlier finding of the same cause that it continues (touching periods). */
function extendAdjacent(ctx: RuleContext, found: FindingDraft[], f: FindingDraft): boolean {
  const gap = 2 * ctx.acc.bucketMs;
  const cause = f.evidence.details?.cause;
  for (const g of found) {
    if (g.evidence.details?.cause !== cause) continue;
    const [fs, fe, gs, ge] = [
      Date.parse(f.since),
      Date.parse(f.lastSeen),
      Date.parse(g.since),
      Date.parse(g.lastSeen),
    ];
    if (fs > ge + gap || gs > fe + gap) continue;
    if (fs < gs) g.since = f.since;
    if (fe > ge) g.lastSeen = f.lastSeen;
    return true;
  }
  return false;
}

/** Runs of buckets in [i0, i1) whose failure ratio is at least `min`, merging gaps of ≤ 2 buckets. */
function runs(
  fail: Float64Array,
  req: Float64Array,
  i0: number,
  i1: number,
  min: number,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = -1;
  let lastHot = -1;
  for (let i = i0; i < i1; i++) {
    const hot = fail[i] > 0 && fail[i] / Math.max(req[i], fail[i]) >= min;
    if (!hot) continue;
    if (start < 0) start = i;
    else if (i - lastHot > 3) {
      out.push([start, lastHot + 1]);
      start = i;
    }
    lastHot = i;
  }
  if (start >= 0) out.push([start, lastHot + 1]);
  return out;
}

/** A RateAnalysis of the dense index range [r0, r1) against everything outside it. */
function periodOf(
  ctx: RuleContext,
  fail: Float64Array,
  req: Float64Array,
  r0: number,
  r1: number,
  k: number,
): RateAnalysis {
  let x = 0;
  let n = 0;
  let X = 0;
  let N = 0;
  for (let i = 0; i < fail.length; i++) {
    const t = Math.max(req[i], fail[i]);
    X += fail[i];
    N += t;
    if (i >= r0 && i < r1) {
      x += fail[i];
      n += t;
    }
  }
  const xo = X - x;
  const no = N - n;
  const test = proportionIncrease(x, n, xo, no);
  return {
    events: x,
    total: n,
    ratio: n ? x / n : 0,
    baselineEvents: no > 0 ? xo : undefined,
    baselineTotal: no > 0 ? no : undefined,
    baselineRatio: no > 0 ? xo / no : undefined,
    onset: ctx.dataFrom + r0 * k,
    end: Math.min(ctx.to, ctx.dataFrom + r1 * k - 1),
    changed: no > 0,
    test: {
      name: 'binomial change point + two-proportion z',
      statistic: round(test.statistic),
      pValue: test.pValue,
    },
    windowEvents: x,
    windowTotal: n,
  };
}

function finding(
  ctx: RuleContext,
  signal: Signal,
  a: RateAnalysis,
  severity: Severity,
  span: (x: Float64Array) => number,
  all: Tally,
  up: Tally,
  outcomes: NameOutcome[],
  index: number,
  result: ServerSide,
): FindingDraft | undefined {
  const th = ctx.thresholds;
  const extFailN = span(up.servfail) + span(up.missing);
  const extReqN = span(up.req);
  const intReqN = Math.max(0, span(all.req) - extReqN);
  const extRatio = extFailN / Math.max(1, extReqN);
  const intFailN = Math.max(0, span(all.servfail) + span(all.missing) - extFailN);
  const intRatio = intFailN / Math.max(1, intReqN);
  const refusedN = span(all.refused);
  const missN = span(all.missing);
  const sfN = span(all.servfail);
  const aRatio = span(all.aFail) / Math.max(1, span(all.aReq));
  const aaaaRatio = span(all.aaaaFail) / Math.max(1, span(all.aaaaReq));
  let cause: Cause;
  if (signal === 'refused') cause = 'refused';
  else if (signal === 'overload') cause = 'overload';
  else if (span(all.aaaaReq) > 0 && aRatio >= th.dnsWarnRatio && aaaaRatio * 4 <= aRatio) cause = 'a-only';
  else cause = signal === 'timeout' ? 'upstream-timeout' : 'upstream';
  // Clients and names that failed in this period.
  const pick = (o: NameOutcome) => (cause === 'refused' ? o.refused : o.servfail + o.missing + o.refused);
  const failing = outcomes.filter((o) => pick(o) > 0 && periodFailures(ctx, o.name, a) > 0);
  const names = topNames(failing, (o) => periodFailures(ctx, o.name, a));
  const clientFails = new Map<string, number>();
  for (const o of failing)
    clientFails.set(o.name.client, (clientFails.get(o.name.client) ?? 0) + periodFailures(ctx, o.name, a));
  for (const c of clientFails.keys()) (cause === 'refused' ? result.refusedClients : result.clients).add(c);
  if (cause === 'refused' && clientFails.size < 2) return undefined; // one client: reported client-side
  const server = serverKeyOf(ctx);
  const serverName = server ? wlName(server) : 'the DNS server';
  const srv = server ? ctx.acc.dns.servers.map.get(server) : undefined;
  const sw = server ? EndpointRegistry.splitWorkloadKey(server) : undefined;
  const titles: Record<Cause, string> = {
    'a-only': `DNS: A lookups fail (${pct(aRatio)}) while AAAA succeed, at ${serverName}`,
    overload: `DNS: ${serverName} is failing cluster and external lookups (${pct(a.ratio)}) — overloaded or unhealthy`,
    upstream: `DNS: upstream resolution failing (SERVFAIL) for external names (${pct(extRatio)} of lookups) at ${serverName}`,
    'upstream-timeout': `DNS: upstream resolver not answering: ${pct(extRatio)} of external lookups get no answer at ${serverName}`,
    refused: `DNS: ${serverName} refuses ${pct(a.ratio)} of queries from ${clientFails.size} workloads`,
  };
  const explanations: Record<Cause, string> = {
    'a-only': `Since ${ctx.time(a.onset)} A (IPv4) queries fail ${pct(aRatio)} of the time while AAAA queries for the same names succeed (${pct(aaaaRatio)} fail). Clients that need IPv4 cannot connect. This points at the upstream or a DNS filter handling A records.`,
    overload: `Since ${ctx.time(a.onset)} ${serverName} fails ${pct(intRatio)} of lookups of cluster names, which it answers itself, and ${pct(extRatio)} of external ones. Failing local answers mean the DNS pods are overloaded or unhealthy (check their CPU, restarts and the query rate), not the upstream.`,
    upstream: `Since ${ctx.time(a.onset)} lookups of names outside the cluster fail ${pct(extRatio)} of the time with SERVFAIL while cluster names resolve (${pct(intRatio)} fail). ${serverName} itself works; its upstream resolver fails.`,
    'upstream-timeout': `Since ${ctx.time(a.onset)} ${pct(extRatio)} of lookups of names outside the cluster get no answer at all while cluster names resolve (${pct(intRatio)} fail): the upstream resolver drops queries or is unreachable from ${serverName}. Clients wait for their resolver timeout (5 s) before retrying.`,
    refused: `Since ${ctx.time(a.onset)} ${serverName} answers REFUSED to ${pct(a.ratio)} of the queries of ${clientFails.size} workloads: a Corefile change (an ACL, a missing zone or a bad forward) makes it refuse service.`,
  };
  return {
    id: `dns:${serverName}:${cause}${index ? `:${index + 1}` : ''}`,
    kind: 'dns',
    severity,
    score: magnitude(a.events, a.ratio) + 0.5,
    title: titles[cause],
    subject: server
      ? subjectOf(server, topPods(srv?.podServfail.size ? srv.podServfail : srv?.podResponses))
      : { namespace: '', workload: 'dns', pods: [] },
    peer: peerOf(topKey(clientFails), names[0] ? { name: names[0].name } : {}),
    since: ctx.time(a.onset),
    lastSeen: ctx.time(a.end + 1),
    evidence: {
      figures: [
        fig('failure_ratio', 'failed lookups (error answer or none)', a.ratio, 'ratio', a.baselineRatio),
        fig('servfail', 'SERVFAIL answers', sfN, 'count'),
        fig('refused', 'REFUSED answers', refusedN, 'count'),
        fig('missing_responses', 'queries without an answer', missN, 'count'),
        fig('external_failure_ratio', 'failure share for names resolved upstream', extRatio, 'ratio'),
        fig('cluster_failure_ratio', 'failure share for cluster names', intRatio, 'ratio'),
        fig('a_failure_ratio', 'failure share of A queries', aRatio, 'ratio'),
        fig('aaaa_failure_ratio', 'failure share of AAAA queries', aaaaRatio, 'ratio'),
        ...latencyFigures(ctx, server, a),
      ],
      flows: failing.flatMap((o) => o.name.samples.list(2)).slice(0, 10),
      test: a.test,
      details: {
        cause,
        names,
        clients: Object.fromEntries(
          [...clientFails]
            .sort((x, y) => y[1] - x[1])
            .slice(0, 10)
            .map(([c, n]) => [wlName(c), n]),
        ),
      },
    },
    explanation: explanations[cause],
    next: [
      ...(sw
        ? [
            dnsCommand(
              ctx,
              `show the answers of ${serverName}`,
              ['--from-namespace', sw.namespace, '--from-workload', sw.workload],
              a,
            ),
          ]
        : []),
      ...(names[0]
        ? [
            dnsCommand(
              ctx,
              `show lookups of ${names[0].name}`,
              ['--allowlist', JSON.stringify({ dns_query: [escapeRe(names[0].name)] })],
              a,
            ),
          ]
        : []),
    ],
  };
}

/** Failures (error answers and missing answers) of one name within a period. */
function periodFailures(ctx: RuleContext, n: DnsNameStat, a: RateAnalysis): number {
  let missing = 0;
  for (const [b, req] of n.req.points) {
    if (b < a.onset || b > a.end) continue;
    missing += Math.max(0, req - (n.ok.get(b) + n.nx.get(b) + n.err.get(b)));
  }
  return n.err.sum(a.onset, a.end) + missing;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function clientFinding(
  ctx: RuleContext,
  ck: string,
  c: DnsClientStat,
  t: Tally,
  outcomes: NameOutcome[],
  k: number,
  what: 'refused' | 'nxdomain' | 'missing',
): FindingDraft | undefined {
  const series = what === 'refused' ? t.refused : what === 'nxdomain' ? t.nx : t.missing;
  const a = analyzeDense(ctx, series, t.req, k);
  if (!a) return undefined;
  const severity = severityFor(ctx, a);
  if (!severity) return undefined;
  const server = topKey(c.servers);
  const serverName = server ? wlName(server) : 'the DNS server';
  const name = wlName(ck);
  const pick = (o: NameOutcome) => (what === 'refused' ? o.refused : what === 'nxdomain' ? o.nx : o.missing);
  const names = topNames(outcomes, pick);
  const { namespace, workload } = EndpointRegistry.splitWorkloadKey(ck);
  const label = what === 'refused' ? 'REFUSED' : what === 'nxdomain' ? 'NXDOMAIN' : 'no answer';
  const pods = new Map<string, number>();
  mergeCounts(pods, c.podErrors.size ? c.podErrors : c.podRequests);
  return {
    id: `dns:${name}:${what}`,
    kind: 'dns',
    severity,
    score: magnitude(a.events, a.ratio),
    title:
      what === 'nxdomain'
        ? `DNS: ${name} looks up names that do not exist (${names[0]?.name ?? '?'}): ${pct(a.ratio)} NXDOMAIN`
        : what === 'refused'
          ? `DNS: ${serverName} refuses ${pct(a.ratio)} of the queries of ${name}`
          : `DNS: ${pct(a.ratio)} of the queries of ${name} get no answer`,
    subject: subjectOf(ck, topPods(pods)),
    peer: peerOf(server, names[0] ? { name: names[0].name } : {}),
    since: ctx.time(a.onset),
    lastSeen: ctx.time(a.end + 1),
    evidence: {
      figures: [
        fig(`${what}_ratio`, `share of lookups answered ${label}`, a.ratio, 'ratio', a.baselineRatio),
        fig(what, `${label} lookups`, a.events, 'count'),
        fig('lookups', 'lookups in the period', a.total, 'count'),
        ...latencyFigures(ctx, server, a),
      ],
      flows: names.length
        ? outcomes
            .filter((o) => pick(o) > 0)
            .flatMap((o) => o.name.samples.list(3))
            .slice(0, 10)
        : c.samples.list(),
      test: a.test,
      details: { names },
    },
    explanation:
      what === 'nxdomain'
        ? `${name} keeps asking for ${names
            .map((n) => n.name)
            .slice(0, 3)
            .join(
              ', ',
            )}, which never resolve (NXDOMAIN through the whole search path) — a typo in a Service name, a missing Service, or a wrong namespace. NXDOMAINs of ordinary search-path expansions are not counted.`
        : what === 'refused'
          ? `${serverName} answers REFUSED to ${pct(a.ratio)} of the lookups of ${name} since ${ctx.time(a.onset)}: the server will not serve this client (an ACL, a rate limit, or a view/zone mismatch).`
          : `${pct(a.ratio)} of the DNS queries of ${name} got no answer since ${ctx.time(a.onset)}: look for drops of DNS traffic (port 53) and for the DNS pods’ health.`,
    next: [
      dnsCommand(
        ctx,
        `show the DNS traffic of ${name}`,
        ['--from-namespace', namespace, '--from-workload', workload],
        a,
      ),
      ...(names[0]
        ? [
            dnsCommand(
              ctx,
              `show lookups of ${names[0].name}`,
              ['--allowlist', JSON.stringify({ dns_query: [escapeRe(names[0].name)] })],
              a,
            ),
          ]
        : []),
    ],
  };
}

/** The DNS rule. */
export const dnsRule: DiagnosisRule = {
  name: 'dns',
  kind: 'dns',
  help: 'DNS failures from Hubble DNS records: NXDOMAIN (search-path noise excluded), SERVFAIL, REFUSED and missing answers; upstream failure vs CoreDNS overload, A failing while AAAA succeeds, DNS latency. Thresholds: dnsMinFailures, dnsWarnRatio, dnsCritRatio.',
  run(ctx) {
    const k = coarseFactor(ctx);
    const n = Math.ceil((ctx.to - ctx.dataFrom + 1) / k);
    const allT = new Tally(n);
    const up = new Tally(n);
    const perClient = new Map<string, { tally: Tally; outcomes: NameOutcome[] }>();
    const all: NameOutcome[] = [];
    for (const name of ctx.acc.dns.names.map.values()) {
      let pc = perClient.get(name.client);
      if (!pc) perClient.set(name.client, (pc = { tally: new Tally(n), outcomes: [] }));
      const o = classify(ctx, name, k, [pc.tally, allT]);
      classifyUpstream(ctx, name, k, up);
      pc.outcomes.push(o);
      all.push(o);
    }
    const out: FindingDraft[] = [];
    const server = serverFindings(ctx, allT, up, all, k);
    out.push(...server.findings);
    for (const [ck, pc] of perClient) {
      const c = ctx.acc.dns.clients.map.get(ck);
      if (!c) continue;
      for (const what of ['refused', 'nxdomain', 'missing'] as const) {
        if (what === 'missing' && server.clients.has(ck)) continue;
        if (
          what === 'refused' &&
          server.refusedClients.has(ck) &&
          server.findings.some((f) => f.evidence.details?.cause === 'refused')
        )
          continue;
        const f = clientFinding(ctx, ck, c, pc.tally, pc.outcomes, k, what);
        if (f) out.push(f);
      }
    }
    return out;
  },
};
