/**
 * Development stand-in for `flowlens serve` while its aggregate and graph routes are being
 * built: serves web-dist and the HTTP API contract over an in-memory hour of simulated flows
 * (all built-in scenarios) plus a live simulator. Uses the real filter/selection code and the
 * store's dimension tables so keys match the real server. Not used by the browser suite.
 *
 *   npx tsx test/browser/dev-server.ts [--port 4100] [--minutes 60] [--rate 300]
 */
import { createServer, type ServerResponse } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { join, extname } from 'node:path';
import type { Endpoint, FlowEvent } from '../../src/flow/types.js';
import type { AggregateGroup, Dimension, GraphEdge, GraphNode } from '../../src/server/http/contract.js';
import { parseSelection } from '../../src/server/http/selection.js';
import { DIMENSIONS, endpointAttrs, l7Attrs, restAttrs } from '../../src/store/dims.js';
import { listBuiltinScenarios, loadScenario, simulate, simulateLive } from '../../src/sim/index.js';

const arg = (n: string, d: number) => {
  const i = process.argv.indexOf(`--${n}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const PORT = arg('port', 4100);
const MINUTES = arg('minutes', 60);
const RATE = arg('rate', 300);
const WEB = join(import.meta.dirname, '../../web-dist');

const flows: FlowEvent[] = [];
const scenarios = listBuiltinScenarios().map((s) => loadScenario(s.name));
const start = Date.now() - MINUTES * 60_000;
for (const sc of scenarios)
  for (const ev of simulate(sc, { start, durationMs: MINUTES * 60_000, rate: RATE / scenarios.length }))
    flows.push(ev);
const times = new WeakMap<FlowEvent, number>();
const t = (ev: FlowEvent): number => {
  let v = times.get(ev);
  if (v === undefined) times.set(ev, (v = Date.parse(ev.flow?.time ?? ev.time ?? '')));
  return v;
};
flows.sort((a, b) => t(a) - t(b));
console.log(`dev-server: ${flows.length} flows over ${MINUTES} min`);
const listeners = new Set<(b: FlowEvent[]) => void>();
for (const sc of scenarios) {
  void (async () => {
    for await (const ev of simulateLive(sc, {
      rate: RATE / scenarios.length,
      start: Date.now(),
    }) as AsyncIterable<FlowEvent | FlowEvent[]>) {
      const batch = Array.isArray(ev) ? ev : [ev];
      for (const e of batch) flows.push(e);
      for (const l of listeners) l(batch);
    }
  })().catch((e) => console.error('live', e));
}

const dimCache = new WeakMap<FlowEvent, Map<Dimension, string>>();
function dim(ev: FlowEvent, d: Dimension): string {
  let m = dimCache.get(ev);
  if (!m) dimCache.set(ev, (m = new Map()));
  let v = m.get(d);
  if (v === undefined) m.set(d, (v = dimOf(ev, d)));
  return v;
}

function dimOf(ev: FlowEvent, d: Dimension): string {
  const { source, attr } = DIMENSIONS[d];
  const f = ev.flow;
  if (source === 'dport') {
    const p = f?.l4?.TCP?.destination_port ?? f?.l4?.UDP?.destination_port ?? f?.l4?.SCTP?.destination_port;
    return p ? String(p) : '';
  }
  const attrs: Record<string, string> =
    source === 'src'
      ? endpointAttrs(f?.source)
      : source === 'dst'
        ? endpointAttrs(f?.destination)
        : source === 'l7'
          ? l7Attrs(f?.l7)
          : restAttrs(ev);
  return attrs[attr] ?? '';
}

function select(q: URLSearchParams) {
  const sel = parseSelection(q, 64);
  const since = sel.since ? Date.parse(sel.since) : -Infinity;
  const until = sel.until ? Date.parse(sel.until) : Infinity;
  let lo = 0;
  let hi = flows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t(flows[mid]) < since) lo = mid + 1;
    else hi = mid;
  }
  const out: FlowEvent[] = [];
  for (let i = lo; i < flows.length; i++) {
    const ev = flows[i];
    if (t(ev) > until) break;
    if (ev.flow && (!sel.predicate || sel.predicate(ev))) out.push(ev);
  }
  return out;
}

const coverage = (examined: number) => ({
  oldest: flows[0]?.flow?.time,
  newest: flows[flows.length - 1]?.flow?.time,
  examined,
  lost: 0,
  nodes: [{ name: 'dev', state: 'LOCAL' as const, flows: flows.length, lost: 0 }],
});

function aggregate(q: URLSearchParams) {
  const groupBy = (q.get('groupBy') ?? 'verdict').split(',') as Dimension[];
  const step = q.get('step') ? Number(q.get('step')) * 1000 : undefined;
  const k = Number(q.get('k') ?? 10);
  const measure = q.get('measure') ?? 'flows';
  const sel = select(q);
  const groups = new Map<string, { key: string[]; total: number; b: Map<number, number[]> }>();
  for (const ev of sel) {
    const key = groupBy.map((d) => dim(ev, d));
    const id = JSON.stringify(key);
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { key, total: 0, b: new Map() }));
    const lat = Number(ev.flow?.l7?.latency_ns ?? 0) / 1e6;
    if (measure !== 'flows' && !lat) continue;
    g.total++;
    const bt = step ? Math.floor(t(ev) / step) * step : 0;
    const arr = g.b.get(bt) ?? [];
    arr.push(measure === 'flows' ? 1 : lat);
    g.b.set(bt, arr);
  }
  const val = (a: number[]) =>
    measure === 'flows'
      ? a.length
      : measure === 'latency_mean_ms'
        ? a.reduce((x, y) => x + y, 0) / a.length
        : [...a].sort((x, y) => x - y)[Math.floor(a.length * 0.95)];
  const all = [...groups.values()].filter((g) => g.total > 0).sort((a, b) => b.total - a.total);
  const out: AggregateGroup[] = all.slice(0, k).map((g) => ({
    key: g.key,
    total: g.total,
    points: step
      ? [...g.b].sort((a, b) => a[0] - b[0]).map(([bt, a]) => [bt, val(a)] as [number, number])
      : undefined,
  }));
  return {
    groupBy,
    measure,
    step: step && step / 1000,
    groups: out,
    other: all.slice(k).reduce((a, g) => a + g.total, 0),
    coverage: coverage(sel.length),
  };
}

function graph(q: URLSearchParams) {
  const level = q.get('level') ?? 'workload';
  const sel = select(q);
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const since = q.get('since') ? Date.parse(q.get('since')!) : t(sel[0] ?? flows[0]);
  const until = q.get('until') ? Date.parse(q.get('until')!) : Date.now();
  const nodeOf = (ep: Endpoint | undefined, ip?: string): GraphNode => {
    const a = endpointAttrs(ep);
    let id: string;
    let n: GraphNode;
    if (a.kind === 'pod' && (level === 'pod' || !a.workload)) {
      id = `${a.namespace}/${a.pod}`;
      n = {
        id,
        label: a.pod,
        namespace: a.namespace,
        workload: a.workload,
        pod: a.pod,
        kind: 'pod',
        flows: 0,
      };
    } else if (a.kind === 'pod') {
      id = `${a.namespace}/${a.workload}`;
      n = {
        id,
        label: a.workload,
        namespace: a.namespace,
        workload: a.workload,
        kind: 'workload',
        pods: [],
        flows: 0,
      };
    } else {
      id = `${a.kind}:${a.label || ip || '?'}`;
      n = {
        id,
        label: a.kind === 'world' ? (ip ?? a.label) : a.label || ip || '?',
        namespace: '',
        kind: a.kind as GraphNode['kind'],
        flows: 0,
      };
    }
    const prev = nodes.get(id) ?? n;
    prev.flows++;
    if (prev.kind === 'workload' && a.pod && !prev.pods!.includes(a.pod)) prev.pods!.push(a.pod);
    nodes.set(id, prev);
    return prev;
  };
  for (const ev of sel) {
    const f = ev.flow!;
    if (f.is_reply) continue;
    const s = nodeOf(f.source, f.IP?.source);
    const d = nodeOf(f.destination, f.IP?.destination);
    const r = restAttrs(ev);
    const l7 = l7Attrs(f.l7);
    const port = Number(dim(ev, 'destination_port')) || undefined;
    const proto = l7.l7_protocol ? l7.l7_protocol.toUpperCase() : r.protocol;
    const id = `${s.id}->${d.id}:${r.protocol}/${port ?? ''}`;
    const e = edges.get(id) ?? {
      id,
      source: s.id,
      target: d.id,
      protocol: proto,
      port,
      flows: 0,
      rate: 0,
      verdicts: {},
    };
    e.flows++;
    const v = r.verdict as keyof GraphEdge['verdicts'];
    e.verdicts[v] = (e.verdicts[v] ?? 0) + 1;
    const st = l7.http_status
      ? `${l7.http_status[0]}xx`
      : l7.dns_rcode && l7.dns_rcode !== '0'
        ? `rcode ${l7.dns_rcode}`
        : l7.kafka_error && l7.kafka_error !== '0'
          ? `kafka error ${l7.kafka_error}`
          : '';
    if (st) (e.l7 ??= {})[st] = (e.l7[st] ?? 0) + 1;
    if (r.drop_reason) (e.dropReasons ??= {})[r.drop_reason] = (e.dropReasons[r.drop_reason] ?? 0) + 1;
    edges.set(id, e);
  }
  for (const e of edges.values()) e.rate = e.flows / Math.max(1, (until - since) / 1000);
  return { nodes: [...nodes.values()], edges: [...edges.values()], coverage: coverage(sel.length) };
}

function json(res: ServerResponse, code: number, body: unknown) {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const MIME: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

createServer((req, res) => {
  const u = new URL(req.url ?? '/', 'http://x');
  const q = u.searchParams;
  try {
    if (u.pathname === '/api/v1/status')
      return json(res, 200, {
        version: 'dev',
        uptimeSeconds: process.uptime(),
        numFlows: flows.length,
        maxFlows: 1 << 22,
        seenFlows: flows.length,
        lostFlows: 0,
        flowsPerSecond: RATE,
        store: {
          enabled: true,
          flows: flows.length,
          bytes: 0,
          oldest: flows[0]?.flow?.time,
          newest: flows[flows.length - 1]?.flow?.time,
        },
        sources: [{ name: 'dev simulator', state: 'running', flows: flows.length, lost: 0 }],
        nodes: coverage(0).nodes,
        authRequired: false,
      });
    if (u.pathname === '/api/v1/flows') {
      const sel = select(q);
      const limit = Number(q.get('limit') ?? 100);
      return json(res, 200, {
        flows: sel.slice(-limit),
        truncated: sel.length > limit,
        coverage: coverage(sel.length),
      });
    }
    if (u.pathname === '/api/v1/aggregate') return json(res, 200, aggregate(q));
    if (u.pathname === '/api/v1/graph') return json(res, 200, graph(q));
    if (u.pathname === '/api/v1/diagnosis')
      return json(res, 501, { error: { code: 'not_implemented', message: 'no diagnosis engine' } });
    if (u.pathname === '/api/v1/flows/stream') {
      const sel = parseSelection(q, 64);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      const hist = Number(q.get('history') ?? 0);
      const send = (b: FlowEvent[]) => {
        const m = sel.predicate ? b.filter(sel.predicate) : b;
        if (m.length) res.write(`event: flow\ndata: ${JSON.stringify(m)}\n\n`);
      };
      if (hist) send(flows.slice(-hist));
      listeners.add(send);
      req.on('close', () => listeners.delete(send));
      return;
    }
    if (u.pathname.startsWith('/api/'))
      return json(res, 404, { error: { code: 'not_found', message: 'no route' } });
    const file = join(WEB, u.pathname);
    const path = existsSync(file) && extname(file) ? file : join(WEB, 'index.html');
    res.writeHead(200, { 'content-type': MIME[extname(path)] ?? 'application/octet-stream' });
    res.end(readFileSync(path));
  } catch (e) {
    json(res, 400, { error: { code: 'bad_request', message: e instanceof Error ? e.message : String(e) } });
  }
}).listen(PORT, '127.0.0.1', () => console.log(`dev-server: http://127.0.0.1:${PORT}/`));
