/**
 * End to end: `serve` (the real composition: pipeline, store, gRPC, HTTP, metrics) on ephemeral
 * loopback ports, driven by connect-node's gRPC client speaking the Observer API.
 */
import { readFileSync } from 'node:fs';
import { createClient, type Client } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServeConfig } from '../../config/index.js';
import { decodeEvent, timeFromMillis, type FlowEvent } from '../../flow/index.js';
import { Observer, type GetFlowsResponse } from '../../gen/observer/observer_pb.js';
import { PushSource } from '../../sources/testing/push-source.js';
import { startLocalServer, type LocalServer } from '../../cli/commands/local-server.js';
import { ObserverClient, ServingStatus } from './index.js';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { GetFlowsRequestSchema } from '../../gen/observer/observer_pb.js';

const root = new URL('../../../', import.meta.url).pathname;
const templates: FlowEvent[] = readFileSync(root + 'test/golden-hubble/input.jsonl', 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => decodeEvent(JSON.parse(l)));

const T0 = Date.now() - 10 * 60_000;
/** Flow i: a template with time T0 + i ms and uuid `e2e-i`. */
function ev(i: number): FlowEvent {
  const t = templates[i % templates.length];
  const time = timeFromMillis(T0 + i);
  return { ...t, time, flow: { ...t.flow, time, uuid: `e2e-${i}` } };
}
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, k) => ev(a + k));

const RING = 1024;
let server: LocalServer;
let push: PushSource;
let client: Client<typeof Observer>;
let grpcTarget: string;
let httpBase: string;

const quiet = { log: () => {}, warn: () => {} };

async function waitFor(pred: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  const cfg = loadServeConfig(
    {
      flags: {
        grpcListen: '127.0.0.1:0',
        httpListen: '127.0.0.1:0',
        metricsListen: '127.0.0.1:0',
        ringCapacity: String(RING),
        nodeName: 'e2e-node',
      },
      env: {},
    },
    () => '',
  );
  push = new PushSource();
  server = await startLocalServer(cfg, quiet, { sources: [push] });
  grpcTarget = `127.0.0.1:${server.grpc!.port}`;
  httpBase = `http://127.0.0.1:${server.http!.port}`;
  client = createClient(Observer, createGrpcTransport({ baseUrl: `http://${grpcTarget}` }));
  push.push(range(0, 500));
  await waitFor(() => server.pipeline.snapshot().processed >= 500);
});

afterAll(async () => {
  await server.stop();
});

type Req = MessageInitShape<typeof GetFlowsRequestSchema>;
async function flows(req: Req): Promise<GetFlowsResponse[]> {
  const out: GetFlowsResponse[] = [];
  for await (const r of client.getFlows(req)) out.push(r);
  return out;
}
const uuids = (rs: GetFlowsResponse[]) =>
  rs.map((r) => (r.responseTypes.case === 'flow' ? r.responseTypes.value.uuid : `<${r.responseTypes.case}>`));
const ids = (a: number, b: number) => Array.from({ length: b - a }, (_, k) => `e2e-${a + k}`);
const ts = (i: number) => timestampFromMs(T0 + i);

describe('GetFlows request fields', () => {
  it('number: the last N flows', async () => {
    expect(uuids(await flows({ number: 10n }))).toEqual(ids(490, 500));
  });

  it('number + first: the oldest N flows', async () => {
    expect(uuids(await flows({ number: 3n, first: true }))).toEqual(ids(0, 3));
  });

  it('number 0: everything held', async () => {
    expect(uuids(await flows({}))).toEqual(ids(0, 500));
  });

  it('number 2^64-1 (hubble observe --all): everything held', async () => {
    expect(uuids(await flows({ number: (1n << 64n) - 1n }))).toEqual(ids(0, 500));
  });

  it('since: flows at and after the time', async () => {
    expect(uuids(await flows({ since: ts(495) }))).toEqual(ids(495, 500));
  });

  it('since + number: number caps the count', async () => {
    expect(uuids(await flows({ since: ts(100), number: 4n }))).toEqual(ids(100, 104));
  });

  it('since + until: a closed window', async () => {
    expect(uuids(await flows({ since: ts(200), until: ts(204) }))).toEqual(ids(200, 205));
  });

  it('until alone with first: stops at the first flow after until', async () => {
    expect(uuids(await flows({ first: true, until: ts(2) }))).toEqual(ids(0, 3));
  });

  it('whitelist and blacklist', async () => {
    const all = range(0, 500);
    const want = all
      .filter((e) => e.flow?.verdict === 'DROPPED' && e.flow.destination?.namespace !== 'shop')
      .map((e) => e.flow!.uuid);
    expect(want.length).toBeGreaterThan(0);
    const got = uuids(
      await flows({ whitelist: [{ verdict: [2] }], blacklist: [{ destinationPod: ['shop/'] }] }),
    );
    expect(got).toEqual(want);
  });

  it('field_mask and experimental.field_mask keep only the listed paths', async () => {
    for (const req of [
      { fieldMask: { paths: ['uuid', 'IP.source'] } },
      { experimental: { fieldMask: { paths: ['uuid', 'IP.source'] } } },
    ] as Req[]) {
      const [r] = await flows({ number: 1n, ...req });
      const f = r.responseTypes.case === 'flow' ? r.responseTypes.value : undefined;
      expect(f?.uuid).toBe('e2e-499');
      expect(f?.IP?.source).toBe(ev(499).flow!.IP!.source);
      expect(f?.IP?.destination).toBe('');
      expect(f?.time).toBeUndefined();
      expect(r.time).toBeUndefined();
    }
  });

  it('follow: the last N, then live flows', async () => {
    const ac = new AbortController();
    const got: string[] = [];
    const done = (async () => {
      for await (const r of client.getFlows({ number: 2n, follow: true }, { signal: ac.signal })) {
        got.push(uuids([r])[0]);
        if (got.length === 5) ac.abort();
      }
    })().catch(() => {});
    await waitFor(() => got.length === 2);
    push.push(range(500, 503));
    await done;
    expect(got).toEqual(ids(498, 503));
  });
});

describe('unary methods and health', () => {
  it('ServerStatus counts flows and names the version', async () => {
    const s = await client.serverStatus({});
    expect(Number(s.numFlows)).toBe(Math.min(RING, server.history.stats().seenFlows));
    expect(Number(s.maxFlows)).toBe(RING);
    expect(Number(s.seenFlows)).toBeGreaterThanOrEqual(500);
    expect(s.version).toMatch(/^flowlens v/);
    expect(s.numConnectedNodes).toBe(1);
  });

  it('GetNodes reports this node with its counters', async () => {
    const { nodes } = await client.getNodes({});
    expect(nodes[0].name).toBe('e2e-node');
    expect(nodes[0].state).toBe(1);
    expect(nodes[0].address).toBe(grpcTarget);
  });

  it('GetNamespaces lists the namespaces seen, sorted', async () => {
    const { namespaces } = await client.getNamespaces({});
    const want = [
      ...new Set(
        range(0, 500)
          .flatMap((e) => [e.flow?.source?.namespace, e.flow?.destination?.namespace])
          .filter((n): n is string => !!n),
      ),
    ].sort();
    expect(namespaces.map((n) => n.namespace)).toEqual(want);
  });

  it('grpc.health.v1 Check is SERVING for hubble.server.Observer', async () => {
    const c = new ObserverClient(grpcTarget);
    expect(await c.health()).toBe(ServingStatus.SERVING);
    c.close();
  });
});

describe('slow readers and many readers', () => {
  it('a stalled follower gets LostEvent records and never blocks ingest or other clients', async () => {
    const stalled = client.getFlows({ follow: true })[Symbol.asyncIterator]();
    const first = stalled.next(); // opens the stream, then we stop reading
    const fast: string[] = [];
    const ac = new AbortController();
    const fastDone = (async () => {
      for await (const r of client.getFlows({ follow: true }, { signal: ac.signal }))
        if (r.responseTypes.case === 'flow') fast.push(r.responseTypes.value.uuid);
    })().catch(() => {});
    await new Promise((r) => setTimeout(r, 100));
    const before = server.pipeline.snapshot().processed;
    // 20 ring capacities of flows while one client reads nothing.
    for (let i = 0; i < 20; i++) push.push(range(1000 + i * RING, 1000 + (i + 1) * RING));
    await waitFor(() => server.pipeline.snapshot().processed >= before + 20 * RING, 10_000);
    await waitFor(() => fast.includes(`e2e-${1000 + 20 * RING - 1}`), 10_000);
    ac.abort();
    await fastDone;
    // Now read the stalled stream: somewhere there must be a ring-buffer LostEvent.
    let lost = 0;
    let r = await first;
    for (let n = 0; n < 50_000 && !r.done; n++) {
      const v = r.value as GetFlowsResponse;
      if (v.responseTypes.case === 'lostEvents') {
        expect(v.responseTypes.value.source).toBe(3); // HUBBLE_RING_BUFFER
        lost += Number(v.responseTypes.value.numEventsLost);
        break;
      }
      r = await stalled.next();
    }
    await stalled.return?.();
    expect(lost).toBeGreaterThan(0);
  });

  it('serves 100 concurrent follow streams', async () => {
    const n = 100;
    const acs = Array.from({ length: n }, () => new AbortController());
    const counts = new Array(n).fill(0);
    const runs = acs.map((ac, i) =>
      (async () => {
        for await (const r of client.getFlows(
          { follow: true, whitelist: [{ uuid: ['e2e-900000', 'e2e-900001', 'e2e-900002'] }] },
          { signal: ac.signal },
        )) {
          if (r.responseTypes.case === 'flow') counts[i]++;
          if (counts[i] === 3) ac.abort();
        }
      })().catch(() => {}),
    );
    await waitFor(() => (server.grpcServer?.streams ?? 0) >= n);
    push.push([ev(900000), ev(900001), ev(900002)]);
    await Promise.all(runs);
    expect(counts).toEqual(new Array(n).fill(3));
  });
});

describe('HTTP API of serve', () => {
  it('serves health, readiness, OpenAPI and status', async () => {
    expect(await (await fetch(`${httpBase}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${httpBase}/readyz`)).json()).toEqual({ status: 'ok' });
    const doc = (await (await fetch(`${httpBase}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toContain('/api/v1/flows');
    const st = (await (await fetch(`${httpBase}/api/v1/status`)).json()) as {
      maxFlows: number;
      sources: unknown[];
    };
    expect(st.maxFlows).toBe(RING);
    expect(st.sources[0]).toMatchObject({ name: 'push', state: 'running' });
  });

  it('filters flows with the flags of flowlens observe', async () => {
    const r = await fetch(
      `${httpBase}/api/v1/flows?limit=5&filter=${encodeURIComponent('--verdict DROPPED')}`,
    );
    const body = (await r.json()) as {
      flows: { flow: { verdict: string } }[];
      truncated: boolean;
      coverage: { nodes: { name: string }[] };
    };
    expect(body.flows).toHaveLength(5);
    for (const f of body.flows) expect(f.flow.verdict).toBe('DROPPED');
    expect(body.truncated).toBe(true);
    expect(body.coverage.nodes[0].name).toBe('e2e-node');
  });

  it('rejects flags that are not filters', async () => {
    const r = await fetch(
      `${httpBase}/api/v1/flows?filter=${encodeURIComponent('--input-file /etc/passwd')}`,
    );
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(
      /only the filter flags/,
    );
  });

  it('exposes flow metrics and self-metrics on /metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${server.metrics!.port}/metrics`)).text();
    expect(text).toMatch(/^flowlens_pipeline_events_processed_total \d+/m);
    expect(text).toMatch(/^hubble_flows_processed_total\{/m);
  });
});

describe('history past the ring: the persistent store', () => {
  const SMALL = 64;
  let s: LocalServer;
  let c: Client<typeof Observer>;
  let dir: string;
  let base: string;
  const start = async () => {
    const cfg = loadServeConfig(
      {
        flags: {
          grpcListen: '127.0.0.1:0',
          httpListen: '127.0.0.1:0',
          metricsListen: 'off',
          ringCapacity: String(SMALL),
          storeDir: dir,
          nodeName: 'store-node',
        },
        env: {},
      },
      () => '',
    );
    const src = new PushSource();
    s = await startLocalServer(cfg, quiet, { sources: [src] });
    c = createClient(Observer, createGrpcTransport({ baseUrl: `http://127.0.0.1:${s.grpc!.port}` }));
    base = `http://127.0.0.1:${s.http!.port}`;
    return src;
  };
  const get = async (req: Req) => {
    const out: GetFlowsResponse[] = [];
    for await (const r of c.getFlows(req)) out.push(r);
    return uuids(out);
  };

  beforeAll(async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    dir = mkdtempSync(`${tmpdir()}/flowlens-e2e-store-`);
    const src = await start();
    src.push(range(0, 1000));
    await waitFor(() => s.history.stats().storeFlows >= 1000, 20_000);
  }, 60_000);
  afterAll(async () => {
    await s.stop();
  });

  it('holds only the ring in memory but everything in the store', async () => {
    const st = await c.serverStatus({});
    expect(Number(st.numFlows)).toBe(SMALL);
    expect(Number(st.seenFlows)).toBe(1000);
  });

  it('since/until windows older than the ring come from the store', async () => {
    expect(await get({ since: ts(100), until: ts(109) })).toEqual(ids(100, 110));
  });

  it('a window across the ring/store boundary has no gap and no duplicate', async () => {
    expect(await get({ since: ts(900), until: ts(999) })).toEqual(ids(900, 1000));
  });

  it('number larger than the ring and first=true reach into the store', async () => {
    expect(await get({ number: 200n })).toEqual(ids(800, 1000));
    expect(await get({ number: 3n, first: true })).toEqual(ids(0, 3));
  });

  it('filters apply to stored flows too', async () => {
    const want = range(0, 1000)
      .filter((e) => e.flow?.verdict === 'DROPPED')
      .slice(0, 5)
      .map((e) => e.flow!.uuid);
    expect(await get({ first: true, number: 5n, whitelist: [{ verdict: [2] }] })).toEqual(want);
  });

  it('serves aggregates and the service map from the store over HTTP', async () => {
    const agg = (await (await fetch(`${base}/api/v1/aggregate?groupBy=verdict&k=10`)).json()) as {
      groups: { key: string[]; total: number }[];
    };
    expect(agg.groups.reduce((a, g) => a + g.total, 0)).toBe(1000);
    const dropped = range(0, 1000).filter((e) => e.flow?.verdict === 'DROPPED').length;
    expect(agg.groups.find((g) => g.key[0] === 'DROPPED')?.total).toBe(dropped);
    const graph = (await (await fetch(`${base}/api/v1/graph?level=workload`)).json()) as {
      nodes: unknown[];
      edges: { flows: number }[];
    };
    expect(graph.nodes.length).toBeGreaterThan(1);
    expect(graph.edges.reduce((a, e) => a + e.flows, 0)).toBeGreaterThan(0);
  });

  it('reopens the store after a restart with the history intact', async () => {
    await s.stop();
    await start();
    expect(await get({ since: ts(100), until: ts(104) })).toEqual(ids(100, 105));
    expect(Number((await c.serverStatus({})).numFlows)).toBeLessThanOrEqual(SMALL);
  });
});
