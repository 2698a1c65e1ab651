import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeFromMillis, type FlowEvent, type VerdictName } from '../../flow/index.js';
import { ArrayHistory } from '../../pipeline/testing/array-history.js';
import {
  HttpApiServer,
  LocalHttpBackend,
  registerRoutes,
  splitArgs,
  parseSelection,
  type StatusResponse,
} from './index.js';

const TOKEN = 'http-test-token-0123456789';
const T0 = Date.parse('2024-05-01T12:00:00Z');
function ev(
  i: number,
  verdict: VerdictName = i % 3 === 0 ? 'DROPPED' : 'FORWARDED',
  ns = i % 2 ? 'shop' : 'auth',
): FlowEvent {
  const time = timeFromMillis(T0 + i * 1000);
  return {
    flow: {
      time,
      uuid: `h${i}`,
      verdict,
      node_name: i % 2 ? 'node-a' : 'node-b',
      source: { namespace: ns, pod_name: `p${i}`, workloads: [{ name: 'web', kind: 'Deployment' }] },
      destination: { namespace: 'db' },
    },
    node_name: i % 2 ? 'node-a' : 'node-b',
    time,
  };
}

const history = new ArrayHistory();
history.append(Array.from({ length: 100 }, (_, i) => ev(i)));
const status = (): StatusResponse => ({
  version: 'test',
  uptimeSeconds: 1,
  numFlows: history.events.length,
  maxFlows: 1000,
  seenFlows: history.events.length,
  lostFlows: 0,
  flowsPerSecond: 0,
  store: { enabled: false, flows: 0, bytes: 0 },
  sources: [],
  nodes: [],
  authRequired: false,
});
const backend = new LocalHttpBackend({
  history,
  status,
  nodes: () => [{ name: 'local', state: 'LOCAL', flows: 100, lost: 0 }],
  lost: () => 7,
  readiness: () => 'ok',
});

let open: HttpApiServer;
let secured: HttpApiServer;
let base: string;
let sbase: string;
const web = mkdtempSync(join(tmpdir(), 'flowlens-web-'));

beforeAll(async () => {
  mkdirSync(join(web, 'assets'));
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>flowlens</title>');
  writeFileSync(join(web, 'assets', 'app-abcdef12.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'flowlens-secret.txt'), 'secret');
  open = new HttpApiServer();
  registerRoutes(open, backend, {
    maxFilters: 4,
    maxStreams: 2,
    webDir: web,
    version: 't',
    metrics: () => 'flowlens_up 1\n',
  });
  base = `http://127.0.0.1:${(await open.listen('127.0.0.1', 0)).port}`;
  secured = new HttpApiServer({ authToken: TOKEN });
  registerRoutes(secured, backend, {
    maxFilters: 4,
    maxStreams: 2,
    version: 't',
    metrics: () => 'flowlens_up 1\n',
  });
  sbase = `http://127.0.0.1:${(await secured.listen('127.0.0.1', 0)).port}`;
});
afterAll(async () => {
  await open.close(100);
  await secured.close(100);
});

const get = async (url: string, init?: RequestInit) => {
  const r = await fetch(url, init);
  return { status: r.status, body: (await r.text()) as string, type: r.headers.get('content-type') ?? '' };
};
const json = async <T = Record<string, unknown>>(url: string): Promise<T> =>
  JSON.parse((await get(url)).body) as T;

describe('selection parameters', () => {
  it('splits filter strings like a shell', () => {
    expect(splitArgs(`--label 'app=a b' --to-pod "shop/x y" -n\\ z`)).toEqual([
      '--label',
      'app=a b',
      '--to-pod',
      'shop/x y',
      '-n z',
    ]);
  });

  const cases: { name: string; q: string; want?: number[]; err?: RegExp }[] = [
    { name: 'filter flags', q: 'filter=--verdict DROPPED --from-namespace shop', want: [3, 9, 15] },
    {
      name: '--not in a filter',
      q: 'filter=--not --verdict FORWARDED --from-namespace auth',
      want: [0, 6, 12, 18],
    },
    {
      name: 'allow JSON array',
      q: 'allow=[{"source_pod":["shop/p3"]},{"source_pod":["shop/p5"]}]',
      want: [3, 5],
    },
    { name: 'deny JSON', q: 'filter=--verdict DROPPED&deny={"source_pod":["auth/"]}', want: [3, 9, 15] },
    {
      name: 'namespace variable (either side)',
      q: 'namespace=shop&filter=--verdict DROPPED',
      want: [3, 9, 15],
    },
    { name: 'namespace variable on the destination side', q: 'namespace=shop&side=destination', want: [] },
    { name: 'node variable', q: 'node=node-b&filter=--verdict DROPPED', want: [0, 6, 12, 18] },
    { name: 'workload variable ns/name', q: 'workload=shop/web&filter=--verdict DROPPED', want: [3, 9, 15] },
    { name: 'a file-reading flag', q: 'filter=--input-file /etc/passwd', err: /only the filter flags/ },
    { name: 'a server flag', q: 'filter=--server 10.0.0.1:4245', err: /only the filter flags/ },
    { name: 'unknown FlowFilter field', q: 'allow={"no_such":["x"]}', err: /unknown field/ },
    { name: 'an invalid filter value', q: 'filter=--port 99999', err: /port/ },
    { name: 'too many filters', q: 'allow=[{},{},{},{},{}]', err: /too many filters: 5 \(limit 4\)/ },
    { name: 'a bad side', q: 'side=up&namespace=x', err: /side must be/ },
  ];
  for (const c of cases) {
    it(c.err ? `rejects ${c.name}` : `selects by ${c.name}`, () => {
      const q = new URLSearchParams(c.q);
      if (c.err) {
        expect(() => parseSelection(q, 4)).toThrow(c.err);
        return;
      }
      const sel = parseSelection(q, 4);
      const got = history.events
        .slice(0, 20)
        .filter((e) => !sel.predicate || sel.predicate(e))
        .map((e) => Number(e.flow!.uuid!.slice(1)));
      expect(got).toEqual(c.want);
    });
  }

  it('accepts durations and RFC 3339 for since/until', () => {
    const now = Date.parse('2024-05-01T13:00:00Z');
    const sel = parseSelection(new URLSearchParams('since=15m&until=2024-05-01T12:59:00Z'), 4, now);
    expect(sel.since).toBe('2024-05-01T12:45:00Z');
    expect(sel.until).toBe('2024-05-01T12:59:00Z');
  });
});

describe('HTTP API routes', () => {
  it('GET /api/v1/flows returns the newest matching flows with truncation and coverage', async () => {
    const r = await json<{
      flows: FlowEvent[];
      truncated: boolean;
      coverage: { examined: number; lost: number };
    }>(`${base}/api/v1/flows?limit=3&filter=--verdict%20DROPPED`);
    expect(r.flows.map((f) => f.flow!.uuid)).toEqual(['h93', 'h96', 'h99']);
    expect(r.truncated).toBe(true);
    expect(r.coverage.lost).toBe(7);
  });

  it('GET /api/v1/flows with first and a time window', async () => {
    const since = encodeURIComponent(timeFromMillis(T0 + 10_000));
    const until = encodeURIComponent(timeFromMillis(T0 + 20_000));
    const r = await json<{ flows: FlowEvent[]; truncated: boolean }>(
      `${base}/api/v1/flows?first=true&limit=2&since=${since}&until=${until}`,
    );
    expect(r.flows.map((f) => f.flow!.uuid)).toEqual(['h10', 'h11']);
    const all = await json<{ flows: FlowEvent[]; truncated: boolean }>(
      `${base}/api/v1/flows?limit=100&since=${since}&until=${until}`,
    );
    expect(all.flows).toHaveLength(11);
    expect(all.truncated).toBe(false);
  });

  it('validates parameters with JSON errors', async () => {
    for (const [q, code] of [
      ['limit=0', 'bad_request'],
      ['limit=abc', 'bad_request'],
      ['first=maybe', 'bad_request'],
      ['filter=--verdict%20NOPE', 'bad_filter'],
    ]) {
      const r = await get(`${base}/api/v1/flows?${q}`);
      expect(r.status).toBe(400);
      expect(JSON.parse(r.body).error.code).toBe(code);
    }
  });

  it('answers 501 for aggregates without a store, 404 for unknown API routes, 405 for POST, 414 for huge URLs', async () => {
    expect((await get(`${base}/api/v1/aggregate?groupBy=verdict`)).status).toBe(501);
    expect((await get(`${base}/api/v1/nope`)).status).toBe(404);
    expect((await get(`${base}/api/v1/flows`, { method: 'POST', body: 'x' })).status).toBe(405);
    expect((await get(`${base}/api/v1/flows?filter=${'x'.repeat(20_000)}`)).status).toBe(414);
  });

  it('serves health, readiness and the OpenAPI document', async () => {
    expect(await json(`${base}/healthz`)).toEqual({ status: 'ok' });
    expect(await json(`${base}/readyz`)).toEqual({ status: 'ok' });
    const doc = await json<{
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    }>(`${base}/api/v1/openapi.json`);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/v1/aggregate',
      '/api/v1/diagnosis',
      '/api/v1/flows',
      '/api/v1/flows/stream',
      '/api/v1/graph',
      '/api/v1/openapi.json',
      '/api/v1/status',
      '/healthz',
      '/readyz',
    ]);
    expect(Object.keys(doc.components.schemas)).toContain('GraphResponse');
  });

  it('serves the web UI files, falls back to index.html for client routes, and stays inside web-dist', async () => {
    const idx = await get(`${base}/`);
    expect(idx.body).toContain('<title>flowlens</title>');
    expect((await get(`${base}/flows/live`)).body).toContain('<title>flowlens</title>');
    const js = await fetch(`${base}/assets/app-abcdef12.js`);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(js.headers.get('content-type')).toContain('javascript');
    for (const p of [
      '/../flowlens-secret.txt',
      '/%2e%2e/flowlens-secret.txt',
      '/assets/..%2f..%2fflowlens-secret.txt',
    ]) {
      const r = await new Promise<{ status: number; body: string }>((resolve) => {
        http.get(`${base}${p}`, (res) => {
          let b = '';
          res.on('data', (c) => (b += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
        });
      });
      expect(r.status).not.toBe(200);
      expect(r.body).not.toBe('secret');
    }
  });

  it('requires the bearer token on /api and /metrics but not on health or OpenAPI', async () => {
    expect((await get(`${sbase}/api/v1/status`)).status).toBe(401);
    expect((await get(`${sbase}/metrics`)).status).toBe(401);
    expect(
      (
        await get(`${sbase}/api/v1/status`, {
          headers: { authorization: 'Bearer wrong-token-of-same-len!!' },
        })
      ).status,
    ).toBe(401);
    expect(
      (await get(`${sbase}/api/v1/status`, { headers: { authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(200);
    expect((await get(`${sbase}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).body).toBe(
      'flowlens_up 1\n',
    );
    expect((await get(`${sbase}/healthz`)).status).toBe(200);
    expect((await get(`${sbase}/api/v1/openapi.json`)).status).toBe(200);
  });
});

describe('SSE live stream', () => {
  async function readEvents(
    url: string,
    want: number,
    init?: RequestInit,
    onOpen?: () => void,
  ): Promise<{ event: string; data: unknown }[]> {
    const ac = new AbortController();
    const res = await fetch(url, { ...init, signal: ac.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    onOpen?.();
    const out: { event: string; data: unknown }[] = [];
    const dec = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += dec.decode(chunk);
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const ev = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (ev && data) out.push({ event: ev, data: JSON.parse(data) });
      }
      if (out.filter((e) => e.event === 'flow').flatMap((e) => e.data as unknown[]).length >= want) break;
    }
    ac.abort();
    return out;
  }

  it('starts with status and the requested history, then streams new flows in batches', async () => {
    const events = await readEvents(
      `${base}/api/v1/flows/stream?history=2&filter=--verdict%20DROPPED`,
      3,
      undefined,
      () => {
        setTimeout(() => history.append([ev(300, 'DROPPED'), ev(301, 'FORWARDED')]), 50);
      },
    );
    expect(events[0].event).toBe('status');
    const flows = events.filter((e) => e.event === 'flow').flatMap((e) => e.data as FlowEvent[]);
    expect(flows.map((f) => f.flow!.uuid)).toEqual(['h96', 'h99', 'h300']);
  });

  it('accepts access_token for streams when a token is set', async () => {
    expect(
      (
        await get(`${sbase}/api/v1/flows/stream?history=1`, { signal: AbortSignal.timeout(2000) }).catch(
          () => ({ status: 0 }),
        )
      ).status,
    ).toBe(401);
    const events = await readEvents(`${sbase}/api/v1/flows/stream?history=1&access_token=${TOKEN}`, 1);
    expect(events.some((e) => e.event === 'flow')).toBe(true);
  });

  it('bounds the number of live streams', async () => {
    const acs = [new AbortController(), new AbortController()];
    await Promise.all(acs.map((ac) => fetch(`${base}/api/v1/flows/stream`, { signal: ac.signal })));
    const r = await get(`${base}/api/v1/flows/stream`);
    expect(r.status).toBe(429);
    acs.forEach((ac) => ac.abort());
  });
});
