/**
 * The relay against in-process peers: merge order, node_status events, a peer killed and
 * restarted mid-stream, a peer that sends garbage, and status/nodes/namespaces fan-out.
 */
import http2 from 'node:http2';
import { Code as ConnectCode, createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRelayConfig } from '../config/index.js';
import { timeFromMillis, type FlowEvent } from '../flow/index.js';
import { Observer, type GetFlowsResponse } from '../gen/observer/observer_pb.js';
import { ArrayHistory } from '../pipeline/testing/array-history.js';
import type { GrpcServer } from '../server/grpc/index.js';
import { startTestObserver } from '../server/grpc/testing.js';
import { startRelay, type RelayServer } from '../cli/commands/relay.js';
import { SortWindow } from './sort-window.js';

const quiet = { log: () => {}, warn: () => {} };

function flow(node: string, ms: number, uuid: string, ns = 'shop'): FlowEvent {
  const time = timeFromMillis(ms);
  return {
    flow: { time, uuid, node_name: node, verdict: 'FORWARDED', source: { namespace: ns, pod_name: 'a' } },
    node_name: node,
    time,
  };
}

interface FakePeer {
  name: string;
  history: ArrayHistory;
  server: GrpcServer;
  port: number;
}

async function startPeer(name: string, port = 0, history = new ArrayHistory()): Promise<FakePeer> {
  const peer = await startTestObserver(
    history,
    {
      namespaces: () => [{ namespace: `ns-${name}` }, { namespace: 'shared' }],
      nodeName: name,
      address: () => `127.0.0.1:${port}`,
    },
    { port },
  );
  return { name, history, server: peer.server, port: peer.port };
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c().catch(() => {});
});

async function relayFor(
  peers: string[],
  extra: string[] = [],
): Promise<{ relay: RelayServer; client: ReturnType<typeof createClient<typeof Observer>> }> {
  const flags: Record<string, unknown> = {
    peer: peers,
    grpcListen: '127.0.0.1:0',
    httpListen: 'off',
    metricsListen: 'off',
    retryTimeout: '600ms',
    nodeName: 'relay-0',
  };
  for (let i = 0; i < extra.length; i += 2) flags[extra[i]] = extra[i + 1];
  const cfg = loadRelayConfig({ flags, env: {} }, () => '');
  const relay = await startRelay(cfg, quiet);
  cleanup.push(() => relay.stop());
  const client = createClient(
    Observer,
    createGrpcTransport({ baseUrl: `http://127.0.0.1:${relay.grpc!.port}` }),
  );
  return { relay, client };
}

function kind(r: GetFlowsResponse): string {
  if (r.responseTypes.case === 'nodeStatus')
    return `status:${r.responseTypes.value.stateChange}:${r.responseTypes.value.nodeNames.join(',')}`;
  if (r.responseTypes.case === 'flow') return `flow:${r.responseTypes.value.uuid}`;
  return r.responseTypes.case ?? 'none';
}

describe('SortWindow', () => {
  it('releases the oldest when full and drains in time order', () => {
    const w = new SortWindow<string>(3);
    const out: string[] = [];
    for (const [s, v] of [
      [5, 'e'],
      [1, 'a'],
      [3, 'c'],
      [2, 'b'],
      [4, 'd'],
    ] as const) {
      const r = w.push({ seconds: s, nanos: 0, value: v });
      if (r) out.push(r.value);
    }
    out.push(...w.drain().map((x) => x.value));
    expect(out).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('relay', () => {
  it('merges peers in time order after NODE_CONNECTED, and reports an unavailable peer', async () => {
    const t0 = Date.parse('2024-05-01T12:00:00Z');
    const a = await startPeer('node-a');
    const b = await startPeer('node-b');
    cleanup.push(
      () => a.server.close(),
      () => b.server.close(),
    );
    a.history.append([0, 2, 4, 6].map((i) => flow('node-a', t0 + i, `a${i}`)));
    b.history.append([1, 3, 5, 7].map((i) => flow('node-b', t0 + i, `b${i}`)));
    const { client } = await relayFor([`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`, 'gone=127.0.0.1:1']);
    const got: string[] = [];
    for await (const r of client.getFlows({})) got.push(kind(r));
    expect(got[0]).toBe('status:1:node-a,node-b');
    expect(got[1]).toBe('status:2:gone');
    expect(got.slice(2)).toEqual([
      'flow:a0',
      'flow:b1',
      'flow:a2',
      'flow:b3',
      'flow:a4',
      'flow:b5',
      'flow:a6',
      'flow:b7',
    ]);
    const st = await client.serverStatus({});
    expect(Number(st.numFlows)).toBe(8);
    expect(st.numConnectedNodes).toBe(2);
    expect(st.numUnavailableNodes).toBe(1);
    expect(st.unavailableNodes).toEqual(['gone']);
    const nodes = await client.getNodes({});
    expect(nodes.nodes.map((n) => [n.name, n.state])).toEqual([
      ['node-a', 1],
      ['node-b', 1],
      ['gone', 2],
    ]);
    const ns = await client.getNamespaces({});
    expect(ns.namespaces.map((n) => n.namespace)).toEqual(['ns-node-a', 'ns-node-b', 'shared']);
  });

  it('keeps following when a peer is killed, reports it, and picks it up again after a restart', async () => {
    const a = await startPeer('node-a');
    const b = await startPeer('node-b');
    cleanup.push(() => b.server.close());
    const { client } = await relayFor([`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`]);
    const got: string[] = [];
    const ac = new AbortController();
    const done = (async () => {
      try {
        for await (const r of client.getFlows({ follow: true }, { signal: ac.signal })) got.push(kind(r));
      } catch (err) {
        if (!ac.signal.aborted) throw err;
      }
    })();
    const until = async (pred: () => boolean, ms = 8000) => {
      const end = Date.now() + ms;
      while (!pred()) {
        if (Date.now() > end) throw new Error(`timed out; got ${JSON.stringify(got)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await until(() => got.length >= 1);
    a.history.append([flow('node-a', Date.now(), 'a-before')]);
    b.history.append([flow('node-b', Date.now(), 'b-before')]);
    await until(() => got.includes('flow:a-before') && got.includes('flow:b-before'));
    await a.server.close(100);
    await until(() => got.some((k) => k.startsWith('status:4:node-a') || k.startsWith('status:2:node-a')));
    b.history.append([flow('node-b', Date.now(), 'b-during')]);
    await until(() => got.includes('flow:b-during'));
    const st = await client.serverStatus({});
    expect(st.unavailableNodes).toEqual(['node-a']);
    // Restart node A on the same port with new flows: the relay reconnects and resumes it.
    const a2 = await startPeer('node-a', a.port, a.history);
    cleanup.push(() => a2.server.close());
    a.history.append([flow('node-a', Date.now(), 'a-after')]);
    await until(() => got.includes('flow:a-after'), 10_000);
    expect(got.filter((k) => k === 'flow:a-before')).toHaveLength(1);
    ac.abort();
    await done;
  });

  it('survives a peer that answers with garbage', async () => {
    const good = await startPeer('good');
    cleanup.push(() => good.server.close());
    good.history.append([flow('good', Date.parse('2024-05-01T12:00:00Z'), 'g1')]);
    // A "peer" whose ServerStatus works but whose GetFlows returns bytes that are not protobuf.
    const bad = http2.createServer();
    bad.on('stream', (s, h) => {
      s.on('error', () => {});
      s.resume();
      s.on('end', () => {
        const junk =
          h[':path'] === '/observer.Observer/GetFlows'
            ? Buffer.from([0, 0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff])
            : Buffer.from([0, 0, 0, 0, 0]);
        s.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        s.on('wantTrailers', () => s.sendTrailers({ 'grpc-status': '0' }));
        s.end(junk);
      });
    });
    await new Promise<void>((r) => bad.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => bad.close(() => r())));
    const badPort = (bad.address() as { port: number }).port;
    const { client } = await relayFor([`127.0.0.1:${good.port}`, `junk=127.0.0.1:${badPort}`]);
    const got: string[] = [];
    for await (const r of client.getFlows({})) got.push(kind(r));
    expect(got).toContain('flow:g1');
    expect(got.some((k) => k.startsWith('status:4:junk'))).toBe(true);
    // And it still answers afterwards.
    const st = await client.serverStatus({});
    expect(st.version).toMatch(/^flowlens-relay v/);
  });

  it('reports NOT_SERVING-free errors as InvalidArgument for bad requests', async () => {
    const a = await startPeer('node-a');
    cleanup.push(() => a.server.close());
    const { client } = await relayFor([`127.0.0.1:${a.port}`]);
    const err = await (async () => {
      for await (const _ of client.getFlows({ first: true, follow: true }));
    })().catch((e: { code?: number }) => e);
    expect((err as { code: number }).code).toBe(ConnectCode.InvalidArgument);
  });
});

describe('PeerPool discovery', () => {
  it('turns every address of a DNS name into a peer, and drops addresses that vanish', async () => {
    const a = await startPeer('node-a');
    cleanup.push(() => a.server.close());
    const b = await startPeer('node-b', 0);
    cleanup.push(() => b.server.close());
    // Two loopback addresses with the same port: 127.0.0.1 and 127.0.0.2.
    const c = await startTestObserver(
      new ArrayHistory(),
      { nodeName: 'node-c', version: 'v' },
      { host: '127.0.0.2', port: a.port },
    );
    cleanup.push(() => c.server.close());
    let answer = ['127.0.0.1', '127.0.0.2'];
    const { PeerPool } = await import('./peer-pool.js');
    const pool = new PeerPool([`dns:///peers.example:${a.port}`, `named=127.0.0.1:${b.port}`], {
      lookup: async () => answer,
      resolveIntervalMs: 50,
    });
    await pool.start();
    cleanup.push(() => pool.stop());
    expect(pool.peers.map((p) => [p.name, p.state]).sort()).toEqual([
      ['named', 'NODE_CONNECTED'],
      ['node-a', 'NODE_CONNECTED'],
      ['node-c', 'NODE_CONNECTED'],
    ]);
    answer = ['127.0.0.1'];
    await new Promise((r) => setTimeout(r, 300));
    expect(pool.peers.map((p) => p.name).sort()).toEqual(['named', 'node-a']);
  });
});
