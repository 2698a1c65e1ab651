/**
 * The Observer service over real HTTP/2, driven by connect-node's gRPC client (an independent
 * implementation of the protocol) against a fake history.
 */
import { readFileSync } from 'node:fs';
import http2 from 'node:http2';
import { Code as ConnectCode, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEvent, type FlowEvent } from '../../flow/index.js';
import { Observer } from '../../gen/observer/observer_pb.js';
import { ArrayHistory } from '../../pipeline/testing/array-history.js';
import {
  GrpcServer,
  LocalObserverBackend,
  ObserverClient,
  OBSERVER_HEALTH_SERVICE,
  registerHealth,
  registerObserver,
  ServingStatus,
} from './index.js';

const root = new URL('../../../', import.meta.url).pathname;
const fixture: FlowEvent[] = readFileSync(root + 'test/golden-hubble/input.jsonl', 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => decodeEvent(JSON.parse(l)));

const TOKEN = 'test-token-0123456789';

async function start(opts: { token?: string; maxStreams?: number } = {}) {
  const history = new ArrayHistory();
  history.append(fixture);
  const server = new GrpcServer({
    authToken: opts.token,
    publicPaths: ['/grpc.health.v1.Health/Check'],
    maxStreams: opts.maxStreams,
  });
  const backend = new LocalObserverBackend({
    history,
    namespaces: () => [{ namespace: 'shop' }],
    nodeName: 'test-node',
    version: 'flowlens v0.0.0-test',
    address: () => '127.0.0.1:0',
    tls: false,
    startedAt: Date.now() - 1000,
    peers: () => [{ name: 'peer-a', state: 'NODE_UNAVAILABLE' }],
    serving: () => true,
  });
  registerObserver(server, backend);
  registerHealth(server, (s) =>
    s === '' || s === OBSERVER_HEALTH_SERVICE ? ServingStatus.SERVING : undefined,
  );
  const a = await server.listen('127.0.0.1', 0);
  const baseUrl = `http://127.0.0.1:${a.port}`;
  const client = createClient(Observer, createGrpcTransport({ baseUrl }));
  return { server, history, client, baseUrl, port: a.port };
}

type Ctx = Awaited<ReturnType<typeof start>>;
let ctx: Ctx;
beforeAll(async () => {
  ctx = await start();
});
afterAll(async () => {
  await ctx.server.close();
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('GetFlows over gRPC (connect-node client)', () => {
  it('returns the last N flows in order with node_name and time', async () => {
    const res = await collect(ctx.client.getFlows({ number: 5n }));
    expect(res).toHaveLength(5);
    const want = fixture.slice(-5);
    res.forEach((r, i) => {
      expect(r.responseTypes.case).toBe('flow');
      expect(r.nodeName).toBe(want[i].node_name);
      expect(r.responseTypes.case === 'flow' && r.responseTypes.value.uuid).toBe(want[i].flow!.uuid);
    });
  });

  it('returns the first N flows with first=true', async () => {
    const res = await collect(ctx.client.getFlows({ number: 3n, first: true }));
    expect(res.map((r) => (r.responseTypes.case === 'flow' ? r.responseTypes.value.uuid : ''))).toEqual(
      fixture.slice(0, 3).map((e) => e.flow!.uuid),
    );
  });

  it('applies whitelist and blacklist filters', async () => {
    const res = await collect(
      ctx.client.getFlows({ whitelist: [{ verdict: [2] }], blacklist: [{ sourcePod: ['shop/'] }] }),
    );
    const want = fixture.filter((e) => e.flow?.verdict === 'DROPPED' && e.flow.source?.namespace !== 'shop');
    expect(want.length).toBeGreaterThan(0);
    expect(res).toHaveLength(want.length);
  });

  it('rejects first with follow as InvalidArgument', async () => {
    const err = await collect(ctx.client.getFlows({ first: true, follow: true })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(ConnectCode.InvalidArgument);
    expect((err as ConnectError).rawMessage).toBe('first cannot be specified with follow');
  });

  it("maps invalid filters to InvalidArgument with hubble's message", async () => {
    const err = (await collect(ctx.client.getFlows({ whitelist: [{ sourcePort: ['70000'] }] })).catch(
      (e: unknown) => e,
    )) as ConnectError;
    expect(err.code).toBe(ConnectCode.InvalidArgument);
    expect(err.rawMessage).toContain('invalid source port filter');
  });

  it('applies field_mask and the v0.12.3 experimental field mask', async () => {
    for (const req of [
      { fieldMask: { paths: ['time', 'verdict', 'source.namespace'] } },
      { experimental: { fieldMask: { paths: ['time', 'verdict', 'source.namespace'] } } },
    ]) {
      const res = await collect(ctx.client.getFlows({ number: 2n, ...req }));
      expect(res).toHaveLength(2);
      const f = res[0].responseTypes.case === 'flow' ? res[0].responseTypes.value : undefined;
      expect(f?.time).toBeDefined();
      expect(f?.source?.namespace).toBe(fixture[fixture.length - 2].flow!.source!.namespace);
      expect(f?.source?.labels).toEqual([]);
      expect(f?.uuid).toBe('');
      expect(res[0].nodeName).toBe('');
    }
  });

  it('rejects an invalid field mask path', async () => {
    const err = (await collect(ctx.client.getFlows({ fieldMask: { paths: ['nope'] } })).catch(
      (e: unknown) => e,
    )) as ConnectError;
    expect(err.code).toBe(ConnectCode.InvalidArgument);
  });

  it('follows: history then live flows, until the client cancels', async () => {
    const ac = new AbortController();
    const got: string[] = [];
    const done = (async () => {
      try {
        for await (const r of ctx.client.getFlows({ number: 1n, follow: true }, { signal: ac.signal })) {
          if (r.responseTypes.case === 'flow') got.push(r.responseTypes.value.uuid);
          if (got.length === 3) ac.abort();
        }
      } catch (err) {
        expect(ConnectError.from(err).code).toBe(ConnectCode.Canceled);
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    ctx.history.append([
      { ...fixture[0], flow: { ...fixture[0].flow, uuid: 'live-1' } },
      { ...fixture[1], flow: { ...fixture[1].flow, uuid: 'live-2' } },
    ]);
    await done;
    expect(got).toEqual([fixture[fixture.length - 1].flow!.uuid, 'live-1', 'live-2']);
    ctx.history.events.splice(fixture.length);
  });
});

describe('unary Observer methods', () => {
  it('ServerStatus reports counts, nodes and version', async () => {
    const s = await ctx.client.serverStatus({});
    expect(Number(s.numFlows)).toBe(fixture.length);
    expect(Number(s.seenFlows)).toBe(fixture.length);
    expect(s.version).toBe('flowlens v0.0.0-test');
    expect(s.numConnectedNodes).toBe(1);
    expect(s.numUnavailableNodes).toBe(1);
    expect(s.unavailableNodes).toEqual(['peer-a']);
    expect(Number(s.uptimeNs)).toBeGreaterThan(900e6);
  });

  it('GetNodes lists this node and its peers', async () => {
    const r = await ctx.client.getNodes({});
    expect(r.nodes.map((n) => [n.name, n.state])).toEqual([
      ['test-node', 1],
      ['peer-a', 2],
    ]);
  });

  it('GetNamespaces lists namespaces', async () => {
    const r = await ctx.client.getNamespaces({});
    expect(r.namespaces.map((n) => n.namespace)).toEqual(['shop']);
  });

  it('GetAgentEvents is Unimplemented', async () => {
    const err = (await collect(ctx.client.getAgentEvents({})).catch((e: unknown) => e)) as ConnectError;
    expect(err.code).toBe(ConnectCode.Unimplemented);
  });
});

describe('health, auth and protocol edges', () => {
  it('answers grpc.health.v1 Check SERVING for hubble.server.Observer', async () => {
    const c = new ObserverClient(`127.0.0.1:${ctx.port}`);
    expect(await c.health()).toBe(ServingStatus.SERVING);
    c.close();
  });

  it('answers an unknown method with Unimplemented in a trailers-only response', async () => {
    const s = http2.connect(ctx.baseUrl);
    const req = s.request({
      ':method': 'POST',
      ':path': '/observer.Observer/Nope',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    req.end(Buffer.from([0, 0, 0, 0, 0]));
    const headers = await new Promise<http2.IncomingHttpHeaders>((r) => req.on('response', r));
    expect(headers['grpc-status']).toBe('12');
    s.close();
  });

  it('accepts a gzip-compressed request (grpc-encoding: gzip)', async () => {
    const { gzipSync } = await import('node:zlib');
    const { encodeGetFlowsRequest } = await import('./index.js');
    const body = gzipSync(encodeGetFlowsRequest({ number: 2 }));
    const framed = Buffer.concat([Buffer.from([1, 0, 0, 0, 0]), body]);
    framed.writeUInt32BE(body.length, 1);
    const s = http2.connect(ctx.baseUrl);
    const req = s.request({
      ':method': 'POST',
      ':path': '/observer.Observer/GetFlows',
      'content-type': 'application/grpc',
      te: 'trailers',
      'grpc-encoding': 'gzip',
    });
    req.end(framed);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    const trailersP = new Promise<http2.IncomingHttpHeaders>((r) => req.on('trailers', r));
    await new Promise((r) => req.on('close', r));
    const trailers = await trailersP;
    expect(trailers['grpc-status']).toBe('0');
    const data = Buffer.concat(chunks);
    // Two length-prefixed messages.
    const first = data.readUInt32BE(1);
    expect(data.readUInt32BE(5 + first + 1) + 5 + first + 5).toBe(data.length);
    s.close();
  });

  it('requires the bearer token when configured, but not for health checks', async () => {
    const secured = await start({ token: TOKEN });
    const err = (await secured.client.serverStatus({}).catch((e: unknown) => e)) as ConnectError;
    expect(err.code).toBe(ConnectCode.Unauthenticated);
    const withToken = createClient(
      Observer,
      createGrpcTransport({
        baseUrl: secured.baseUrl,
        interceptors: [(next) => (req) => (req.header.set('authorization', `Bearer ${TOKEN}`), next(req))],
      }),
    );
    expect(Number((await withToken.serverStatus({})).numFlows)).toBe(fixture.length);
    const basic = new ObserverClient(`127.0.0.1:${secured.port}`, {
      metadata: { authorization: 'Basic ' + Buffer.from('hubble:' + TOKEN).toString('base64') },
    });
    expect((await basic.serverStatus()).numFlows).toBe(fixture.length);
    expect(await new ObserverClient(`127.0.0.1:${secured.port}`).health()).toBe(ServingStatus.SERVING);
    basic.close();
    await secured.server.close();
  });

  it('bounds concurrent streams with ResourceExhausted', async () => {
    const small = await start({ maxStreams: 2 });
    const acs = [new AbortController(), new AbortController()];
    const open = acs.map((ac) =>
      collect(small.client.getFlows({ follow: true }, { signal: ac.signal })).catch(() => []),
    );
    await new Promise((r) => setTimeout(r, 100));
    const err = (await collect(small.client.getFlows({ follow: true })).catch(
      (e: unknown) => e,
    )) as ConnectError;
    expect(err.code).toBe(ConnectCode.ResourceExhausted);
    acs.forEach((ac) => ac.abort());
    await Promise.all(open);
    await small.server.close();
  });
});
