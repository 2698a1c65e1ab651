/**
 * One connection of a traffic edge, from the client's DNS lookup to the TCP teardown: backend
 * choice (with load-balancer skew), policy enforcement through the evaluator, non-policy drops
 * on faulty nodes, handshake, request/response exchanges with L7 records, resets and teardown.
 */
import { lookup } from './dns.js';
import type { SimEdge } from './edges.js';
import { MATCH_TYPE, TCP, type Conn, type Side } from './flow-factory.js';
import {
  GRPC_UNAVAILABLE,
  httpRequest,
  httpResponse,
  kafkaRequest,
  kafkaResponse,
  type HttpExchange,
} from './l7.js';
import { emitDropped, oneWayLatency, send } from './packets.js';
import type { RunContext } from './run-context.js';
import type { SimPod } from './topology.js';

const skewCache = new WeakMap<SimEdge, Map<number, number[]>>();

function chooseBackend(ctx: RunContext, edge: SimEdge, tNs: number): number {
  const n = edge.backends.length;
  if (n === 1) return 0;
  if (ctx.faults.has('lb-skew')) {
    for (const f of ctx.faults.active('lb-skew', tNs)) {
      if (!edge.targetWorkloads.has(`${f.spec.workload.namespace}/${f.spec.workload.name}`)) continue;
      let byFault = skewCache.get(edge);
      if (!byFault) skewCache.set(edge, (byFault = new Map()));
      let weights = byFault.get(f.index);
      if (!weights) {
        weights = edge.backends.map((b) => {
          const i = f.pods.indexOf(b);
          return i < 0 ? 1 : (f.spec.weights[i] ?? 1);
        });
        byFault.set(f.index, weights);
      }
      return ctx.prng.weighted(weights);
    }
  }
  return ctx.prng.int(n);
}

function nodeDrop(
  ctx: RunContext,
  tNs: number,
  client: Side,
  server: Side,
): { code: number; atSender: boolean } | undefined {
  for (const f of ctx.faults.active('node-drops', tNs)) {
    const atSender = client.pod?.node === f.node;
    if ((atSender || server.pod?.node === f.node) && ctx.prng.chance(f.spec.ratio))
      return { code: f.dropCode!, atSender };
  }
  return undefined;
}

function resetBy(
  ctx: RunContext,
  tNs: number,
  role: 'server' | 'client',
  self: SimPod | undefined,
  peer: SimPod | undefined,
): boolean {
  if (!self || !ctx.faults.has('tcp-reset')) return false;
  for (const f of ctx.faults.active('tcp-reset', tNs)) {
    if (f.spec.role !== role || !f.podSet.has(self)) continue;
    if (f.peerKey && (!peer || `${peer.namespace}/${peer.workload.name}` !== f.peerKey)) continue;
    if (ctx.prng.chance(f.spec.ratio)) return true;
  }
  return false;
}

function processingNs(ctx: RunContext, edge: SimEdge, tNs: number, server: SimPod | undefined): number {
  let ns = ctx.latencyNs(edge.spec.latency);
  if (server && ctx.faults.has('latency')) {
    for (const f of ctx.faults.active('latency', tNs)) {
      if (f.podSet.has(server) && ctx.prng.chance(f.spec.ratio))
        ns = Math.round(ns * f.spec.factor + f.spec.add * 1e6);
    }
  }
  return ns;
}

function httpStatus(
  ctx: RunContext,
  edge: SimEdge,
  tNs: number,
  server: SimPod | undefined,
  path: string,
): number {
  if (server && ctx.faults.has('http-errors')) {
    for (const f of ctx.faults.active('http-errors', tNs)) {
      if (!f.podSet.has(server) || (f.spec.paths.length > 0 && !f.spec.paths.some((p) => path.startsWith(p))))
        continue;
      if (ctx.prng.chance(f.spec.ratio)) return ctx.prng.pick(f.spec.status);
    }
  }
  const http = edge.spec.http!;
  return http.errorRate > 0 && ctx.prng.chance(http.errorRate) ? http.errorStatus : 200;
}

function kafkaOutcome(
  ctx: RunContext,
  tNs: number,
  server: SimPod | undefined,
  topic: string,
): { code: number; noResponse: boolean } {
  if (server && ctx.faults.has('kafka-errors')) {
    for (const f of ctx.faults.active('kafka-errors', tNs)) {
      if (!f.podSet.has(server) || (f.spec.topic && f.spec.topic !== topic)) continue;
      if (ctx.prng.chance(f.spec.noResponse)) return { code: 0, noResponse: true };
      if (ctx.prng.chance(f.spec.ratio)) return { code: f.spec.errorCode, noResponse: false };
    }
  }
  return { code: 0, noResponse: false };
}

function exchange(
  ctx: RunContext,
  edge: SimEdge,
  conn: Conn,
  tNs: number,
  lat: number,
  host: string,
  corr: number,
): number | undefined {
  const server = conn.server.pod;
  const node = server?.node;
  const spec = edge.spec;
  const tArr = send(ctx, tNs, conn, false, TCP.PSH_ACK, lat);
  const proc = processingNs(ctx, edge, tArr, server);
  const tResp = tArr + proc;
  const f = ctx.factory;
  if (node && (spec.protocol === 'http' || spec.protocol === 'grpc')) {
    const http = spec.http!;
    let x: HttpExchange;
    if (spec.grpc)
      x = {
        protocol: http.protocol,
        method: 'POST',
        url: `http://${host}/${spec.grpc.service}/${ctx.prng.pick(spec.grpc.methods)}`,
        grpc: true,
      };
    else {
      const r = http.requests[ctx.prng.weighted(http.requests.map((q) => q.weight))];
      x = { protocol: http.protocol, method: r.method, url: `http://${host}${r.path}`, grpc: false };
    }
    const req = httpRequest(x, ctx.prng);
    const tReq = tArr + ctx.us(20, 80);
    ctx.emit(tReq, f.l7(tReq, node, conn, false, 'INGRESS', req.l7, req.summary));
    const path = x.url.slice(x.url.indexOf('/', 7));
    const code = httpStatus(ctx, edge, tArr, server, path);
    const resp = httpResponse(x, code, proc, req.requestId, x.grpc && code >= 500 ? GRPC_UNAVAILABLE : 0);
    ctx.emit(tReq + proc, f.l7(tReq + proc, node, conn, true, 'INGRESS', resp.l7, resp.summary));
  } else if (node && spec.protocol === 'kafka') {
    const k = spec.kafka!;
    const req = kafkaRequest(k.apiKey, k.apiVersion, corr, k.topic);
    const tReq = tArr + ctx.us(20, 80);
    ctx.emit(tReq, f.l7(tReq, node, conn, false, 'INGRESS', req.l7, req.summary));
    const out = kafkaOutcome(ctx, tArr, server, k.topic);
    if (out.noResponse) return undefined;
    const resp = kafkaResponse(k.apiKey, k.apiVersion, corr, k.topic, out.code, proc);
    ctx.emit(tReq + proc, f.l7(tReq + proc, node, conn, true, 'INGRESS', resp.l7, resp.summary));
  }
  return send(ctx, tResp + ctx.us(30, 120), conn, true, TCP.PSH_ACK, lat);
}

/** Simulates one connection of `edge` starting at run offset `t0`; its flows go to `ctx`. */
export function runConnection(ctx: RunContext, edge: SimEdge, t0: number): void {
  const prng = ctx.prng;
  let t = t0;
  let clientPod: SimPod | undefined;
  let client: Side;
  if (edge.externalClient) client = { ip: prng.pick(edge.externalClient.spec.ips) };
  else {
    if (edge.clients.length === 0) return;
    clientPod = edge.clients[prng.int(edge.clients.length)];
    client = { pod: clientPod, ip: clientPod.ip };
  }
  let resolvedIp: string | undefined;
  if (edge.resolve && clientPod) {
    const r = lookup(ctx, t, clientPod, edge.resolve);
    if (!r.ip) return;
    resolvedIp = r.ip;
    t = r.doneNs + ctx.us(15, 150);
  }
  let server: Side;
  let sport = edge.port;
  if (edge.target === 'external') server = { ip: resolvedIp ?? prng.pick(edge.external!.spec.ips) };
  else {
    if (edge.backends.length === 0) {
      // A Service without endpoints: the datapath finds no backend for the ClusterIP.
      const ip = edge.service!.clusterIP;
      const conn = makeConn(
        ctx,
        client,
        { ip },
        clientPod ? ctx.port(clientPod) : ctx.worldPort(client.ip),
        edge.port,
        edge,
        undefined,
      );
      emitDropped(
        ctx,
        t,
        conn,
        edge.l4 === 'TCP' ? TCP.SYN : undefined,
        { dropped: true, code: 158, atSender: true },
        edge.l4 === 'TCP' ? 2 : 0,
      );
      return;
    }
    const i = chooseBackend(ctx, edge, t);
    const pod = edge.backends[i];
    server = { pod, ip: pod.ip };
    sport = edge.backendPorts[i];
  }
  const conn = makeConn(
    ctx,
    client,
    server,
    clientPod ? ctx.port(clientPod) : ctx.worldPort(client.ip),
    sport,
    edge,
    edge.service?.flow,
  );
  if (edge.target === 'external' && resolvedIp !== undefined && edge.external!.fqdn)
    conn.names = namesOf(edge.external!.fqdn);
  const syn = edge.l4 === 'TCP' ? TCP.SYN : undefined;
  const retries = edge.l4 === 'TCP' ? 2 : 0;
  const d = ctx.policy.decide(t, client, server, sport, edge.l4);
  if (!d.allowed) {
    const egress = d.deniedBy === 'egress';
    emitDropped(
      ctx,
      t,
      conn,
      syn,
      { dropped: true, code: 133, atSender: egress, verdict: egress ? 'EGRESS' : 'INGRESS' },
      retries,
    );
    return;
  }
  const nd = ctx.faults.has('node-drops') ? nodeDrop(ctx, t, client, server) : undefined;
  if (nd) {
    emitDropped(ctx, t, conn, syn, { dropped: true, ...nd }, retries);
    return;
  }
  const lat = oneWayLatency(ctx, conn);
  if (d.egress.isolated && clientPod)
    ctx.emit(
      t,
      ctx.factory.verdict(
        t,
        clientPod.node,
        conn,
        syn,
        'EGRESS',
        true,
        MATCH_TYPE[d.egress.matchType ?? 'none'],
      ),
    );
  if (d.ingress.isolated && server.pod)
    ctx.emit(
      t + lat,
      ctx.factory.verdict(
        t + lat,
        server.pod.node,
        conn,
        syn,
        'INGRESS',
        true,
        MATCH_TYPE[d.ingress.matchType ?? 'none'],
      ),
    );
  if (edge.l4 === 'UDP') {
    const n = prng.range(edge.spec.requests.min, edge.spec.requests.max);
    for (let k = 0; k < n; k++) t = send(ctx, t, conn, false, undefined, lat) + ctx.us(100, 5000);
    return;
  }
  t = send(ctx, t, conn, false, TCP.SYN, lat);
  if (resetBy(ctx, t, 'server', server.pod, clientPod)) {
    send(ctx, t + ctx.us(5, 40), conn, true, TCP.RST_ACK, lat);
    return;
  }
  t = send(ctx, t + ctx.us(5, 40), conn, true, TCP.SYN_ACK, lat);
  t = send(ctx, t + ctx.us(3, 20), conn, false, TCP.ACK, lat);
  const host = edge.resolve
    ? `${edge.resolve.replace(/\.$/, '')}${edge.port === 80 ? '' : `:${edge.port}`}`
    : `${conn.server.ip}:${sport}`;
  const n = prng.range(edge.spec.requests.min, edge.spec.requests.max);
  let corr = 1 + prng.int(50000);
  for (let k = 0; k < n; k++) {
    const done = exchange(ctx, edge, conn, t, lat, host, corr++);
    if (done === undefined) {
      t += 30e9; // the client's request timeout, then it gives up on the connection
      send(ctx, t, conn, false, TCP.RST_ACK, lat);
      return;
    }
    t = done;
    if (resetBy(ctx, t, 'client', clientPod, server.pod)) {
      send(ctx, t + ctx.us(10, 200), conn, false, TCP.RST_ACK, lat);
      return;
    }
    if (k < n - 1) t += ctx.us(200, 8000);
  }
  t = send(ctx, t + ctx.us(50, 2000), conn, false, TCP.FIN_ACK, lat);
  t = send(ctx, t + ctx.us(10, 80), conn, true, TCP.FIN_ACK, lat);
  send(ctx, t + ctx.us(5, 40), conn, false, TCP.ACK, lat);
}

const namesCache = new Map<string, string[]>();
/** The frozen `destination_names` list of an FQDN (trailing dot removed, as Hubble shows it). */
function namesOf(fqdn: string): string[] {
  let n = namesCache.get(fqdn);
  if (!n) namesCache.set(fqdn, (n = Object.freeze([fqdn.replace(/\.$/, '')]) as string[]));
  return n;
}

function makeConn(
  ctx: RunContext,
  client: Side,
  server: Side,
  cport: number,
  sport: number,
  edge: SimEdge,
  svc: Conn['svc'],
): Conn {
  return {
    client,
    server,
    cport,
    sport,
    l4: edge.l4,
    svc,
    fwdIP: ctx.factory.ip(client.ip, server.ip),
    revIP: ctx.factory.ip(server.ip, client.ip),
  };
}
