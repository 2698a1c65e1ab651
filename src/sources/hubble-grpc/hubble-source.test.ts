import { afterEach, describe, expect, it } from 'vitest';
import { timeFromMillis, type FlowEvent } from '../../flow/index.js';
import { ArrayHistory } from '../../pipeline/testing/array-history.js';
import { startTestObserver, type TestObserver } from '../../server/grpc/testing.js';
import { Backoff } from './backoff.js';
import { HubbleSource } from './hubble-source.js';
import { ResumeFilter } from './resume-filter.js';

const T0 = Date.parse('2024-05-01T12:00:00Z');
function flow(i: number, ms = T0 + Math.floor(i / 2)): FlowEvent {
  // Two flows per millisecond: resuming `since` the newest time re-sends a neighbour.
  const time = timeFromMillis(ms);
  return {
    flow: { time, uuid: `u${i}`, node_name: 'peer-1', verdict: 'FORWARDED' },
    node_name: 'peer-1',
    time,
  };
}

/** A flowlens-style peer on 127.0.0.1 (an ephemeral port unless given). */
function startPeer(history: ArrayHistory, port = 0): Promise<TestObserver> {
  return startTestObserver(history, { nodeName: 'peer-1' }, { port });
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s().catch(() => {});
});

describe('Backoff', () => {
  it('doubles up to the cap with jitter in [cap/2, cap], and resets', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 1 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    b.reset();
    expect(new Backoff({ initialMs: 100, random: () => 0 }).next()).toBe(50);
    expect(b.next()).toBe(100);
  });
});

describe('ResumeFilter', () => {
  it('drops flows it already delivered when a stream is resumed, and nothing else', () => {
    const r = new ResumeFilter();
    expect(r.accept([flow(0), flow(1), flow(2)]).length).toBe(3);
    expect(r.newest).toBe(flow(2).time);
    r.resume();
    // A resumed peer re-sends everything at/after the newest time (flow 2, and flow 3 at the same ms).
    expect(r.accept([flow(2), flow(3), flow(4)]).map((e) => e.flow!.uuid)).toEqual(['u3', 'u4']);
    expect(r.duplicates).toBe(1);
  });
});

describe('HubbleSource', () => {
  it('follows a peer, survives its restart, and resumes without duplicates or gaps', async () => {
    const history = new ArrayHistory();
    history.append([0, 1, 2, 3].map((i) => flow(i)));
    const peer = await startPeer(history);
    const src = new HubbleSource(`127.0.0.1:${peer.port}`, {
      backfillMs: Date.now() - T0 + 60_000,
      initialBackoffMs: 50,
      maxBackoffMs: 200,
    });
    const got: string[] = [];
    const ac = new AbortController();
    const run = src.run(async (b) => {
      for (const e of b) got.push(e.flow?.uuid ?? '?');
    }, ac.signal);
    stops.push(async () => (ac.abort(), await run));
    const until = async (pred: () => boolean, ms = 8000) => {
      const end = Date.now() + ms;
      while (!pred()) {
        if (Date.now() > end)
          throw new Error(`timed out: ${JSON.stringify(got)} ${JSON.stringify(src.status())}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await until(() => got.length === 4);
    expect(src.status()).toMatchObject({ state: 'running', flows: 4 });
    history.append([flow(4), flow(5)]);
    await until(() => got.length === 6);
    // Kill the peer; flows keep arriving at it while it is down (a restarted flowlens keeps its store).
    await peer.server.close(50);
    await until(() => src.status().state === 'reconnecting');
    history.append([6, 7, 8].map((i) => flow(i)));
    const peer2 = await startPeer(history, peer.port);
    stops.push(() => peer2.server.close(50));
    await until(() => got.length === 9);
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toEqual(['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8']);
    expect(src.duplicates).toBeGreaterThan(0);
    expect(src.connections).toBe(2);
  });

  it('reports the state while the peer is unreachable', async () => {
    const src = new HubbleSource('127.0.0.1:1', { initialBackoffMs: 20, maxBackoffMs: 50 });
    const ac = new AbortController();
    const run = src.run(async () => {}, ac.signal);
    // Wait for the first failed attempt (quick on loopback, slower on a loaded machine).
    for (let i = 0; i < 500 && src.status().state !== 'reconnecting'; i++)
      await new Promise((r) => setTimeout(r, 10));
    // Read at any moment, even while the next attempt is under way, the status says why.
    for (let i = 0; i < 20; i++) {
      const st = src.status();
      expect(['starting', 'reconnecting']).toContain(st.state);
      expect(st.message).toMatch(/ECONNREFUSED|failed/);
      await new Promise((r) => setTimeout(r, 7));
    }
    ac.abort();
    await run;
    expect(src.status().state).toBe('ended');
  });
});

describe('HubbleSource status while an attempt is under way', () => {
  it('keeps the last failure in the message while the next attempt waits for the peer', async () => {
    const net = await import('node:net');
    // A port nobody listens on (taken and given back), refused at first.
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const src = new HubbleSource(`127.0.0.1:${port}`, { initialBackoffMs: 50, maxBackoffMs: 50 });
    const ac = new AbortController();
    const run = src.run(async () => {}, ac.signal);
    for (let i = 0; i < 500 && src.status().state !== 'reconnecting'; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(src.status().message).toMatch(/ECONNREFUSED|failed/);
    // Then a peer that accepts connections and never answers: the next attempt hangs.
    const sockets: import('node:net').Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(port, '127.0.0.1', r));
    try {
      for (let i = 0; i < 500 && sockets.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(sockets.length).toBeGreaterThan(0);
      const st = src.status();
      expect(st.message).toMatch(
        new RegExp(`^connecting to 127\\.0\\.0\\.1:${port} \\(last attempt: .*(ECONNREFUSED|failed)`),
      );
    } finally {
      ac.abort();
      await run;
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
    expect(src.status().state).toBe('ended');
  });
});

describe('HubbleSource over a unix socket', () => {
  it('follows a server on unix:///PATH (the cilium agent hubble.sock form)', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const sock = `${mkdtempSync(`${tmpdir()}/flowlens-sock-`)}/hubble.sock`;
    const history = new ArrayHistory();
    history.append([flow(0), flow(1)]);
    const peer = await startTestObserver(history, { nodeName: 'peer-1', version: 'v' }, { socketPath: sock });
    stops.push(() => peer.close());
    const src = new HubbleSource(`unix://${sock}`, { backfillMs: Date.now() - T0 + 60_000 });
    const got: string[] = [];
    const ac = new AbortController();
    const run = src.run(async (b) => void got.push(...b.map((e) => e.flow!.uuid!)), ac.signal);
    stops.push(async () => (ac.abort(), await run));
    const end = Date.now() + 5000;
    while (got.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual(['u0', 'u1']);
    expect(src.name).toBe(`hubble:unix://${sock}`);
  });
});
