import { describe, expect, it } from 'vitest';
import type { FlowEvent } from '../flow/index.js';
import { NamespaceTracker, Pipeline, RateMeter, renderSelfMetrics, type PipelineStage } from './index.js';

const ev = (uuid: string, node?: string, ns = 'shop'): FlowEvent => ({
  flow: {
    uuid,
    node_name: node,
    source: { namespace: ns },
    destination: { namespace: 'db', cluster_name: 'c2' },
  },
  node_name: node,
});

function collector(): PipelineStage & { seen: FlowEvent[]; sources: string[] } {
  const seen: FlowEvent[] = [];
  const sources: string[] = [];
  return { name: 'collect', seen, sources, process: (b, s) => (seen.push(...b), void sources.push(s)) };
}

describe('Pipeline', () => {
  it('runs stages in order, stamps missing node names and tags batches with their source', async () => {
    const order: string[] = [];
    const c = collector();
    const p = new Pipeline(
      [
        { name: 'a', process: () => void order.push('a') },
        c,
        { name: 'b', process: () => void order.push('b') },
      ],
      { nodeName: 'local' },
    );
    p.start();
    await p.emitter('file:x')([ev('1'), ev('2', 'remote')]);
    await p.stop();
    expect(order).toEqual(['a', 'b']);
    expect(c.seen.map((e) => [e.node_name, e.flow?.node_name])).toEqual([
      ['local', 'local'],
      ['remote', 'remote'],
    ]);
    expect(c.sources).toEqual(['file:x']);
    expect(p.snapshot()).toMatchObject({ received: 2, processed: 2, dropped: 0, batches: 1 });
  });

  it('hands a large batch to the stages slice by slice, every stage before the next slice', async () => {
    const calls: string[] = [];
    const c = collector();
    const record =
      (name: string): PipelineStage['process'] =>
      (b) =>
        void calls.push(`${name}:${b[0]!.flow!.uuid}+${b.length}`);
    const p = new Pipeline(
      [{ name: 'ring', process: record('ring') }, c, { name: 'metrics', process: record('metrics') }],
      {
        nodeName: 'local',
      },
    );
    p.start();
    const batch = Array.from({ length: 600 }, (_, i) => ev(String(i)));
    await p.emit(batch);
    await p.emit([ev('small')]);
    await p.stop();
    expect(calls).toEqual([
      'ring:0+256',
      'metrics:0+256',
      'ring:256+256',
      'metrics:256+256',
      'ring:512+88',
      'metrics:512+88',
      'ring:small+1',
      'metrics:small+1',
    ]);
    // Nothing lost or repeated, in order, every flow stamped, one batch counted per emit.
    expect(c.seen.map((e) => e.flow!.uuid)).toEqual([...batch.map((e) => e.flow!.uuid), 'small']);
    expect(c.seen.every((e) => e.node_name === 'local' && e.flow?.node_name === 'local')).toBe(true);
    expect(p.snapshot()).toMatchObject({ received: 601, processed: 601, batches: 2 });
  });

  it('does not mutate frozen (shared) flow objects when stamping', async () => {
    const c = collector();
    const p = new Pipeline([c], { nodeName: 'local' });
    p.start();
    const frozen = Object.freeze({ flow: Object.freeze({ uuid: 'f' }) }) as FlowEvent;
    await p.emit([{ ...frozen }]);
    await p.stop();
    expect(c.seen[0].flow?.node_name).toBe('local');
    expect(frozen.flow?.node_name).toBeUndefined();
  });

  it('counts a failing stage and keeps ingesting', async () => {
    const c = collector();
    const errors: string[] = [];
    const p = new Pipeline(
      [
        {
          name: 'boom',
          process: () => {
            throw new Error('nope');
          },
        },
        c,
      ],
      { nodeName: 'n', onError: (s, e) => errors.push(`${s}: ${(e as Error).message}`) },
    );
    p.start();
    await p.emit([ev('1')]);
    await p.emit([ev('2')]);
    await p.stop();
    expect(c.seen).toHaveLength(2);
    expect(p.snapshot().stageErrors.boom).toBe(2);
    expect(errors[0]).toBe('boom: nope');
  });

  it('applies back-pressure: emit waits while the queue is full', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const c = collector();
    const p = new Pipeline([{ name: 'slow', process: () => gate }, c], { nodeName: 'n', maxQueuedEvents: 4 });
    p.start();
    await p.emit([ev('1')]); // taken by the loop, stuck in the slow stage
    await new Promise((r) => setTimeout(r, 10));
    await p.emit([ev('2'), ev('3'), ev('4'), ev('5')]); // fills the queue
    let third = false;
    const pending = p.emit([ev('6')]).then(() => (third = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(third).toBe(false);
    expect(p.snapshot().queued).toBe(4);
    release();
    await pending;
    await p.stop();
    expect(c.seen.map((e) => e.flow?.uuid)).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('offer() drops when full, counts it, and records a LostEvent before the next accepted batch', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const c = collector();
    const dropped: [string, number][] = [];
    const p = new Pipeline([{ name: 'slow', process: () => gate }, c], {
      nodeName: 'n',
      maxQueuedEvents: 2,
      onDrop: (s, n) => dropped.push([s, n]),
    });
    p.start();
    expect(p.offer([ev('1')])).toBe(true);
    await new Promise((r) => setTimeout(r, 10));
    expect(p.offer([ev('2'), ev('3')], 'sim')).toBe(true);
    expect(p.offer([ev('4'), ev('5'), ev('6')], 'sim')).toBe(false);
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect(p.offer([ev('7')], 'sim')).toBe(true);
    await p.stop();
    expect(dropped).toEqual([['sim', 3]]);
    expect(p.snapshot().dropped).toBe(3);
    const lost = c.seen.find((e) => e.lost_events);
    expect(lost?.lost_events).toEqual({ source: 'OBSERVER_EVENTS_QUEUE', num_events_lost: '3' });
    expect(c.seen.map((e) => e.flow?.uuid ?? 'LOST')).toEqual(['1', '2', '3', 'LOST', '7']);
  });

  it('stop() drains what is queued', async () => {
    const c = collector();
    const p = new Pipeline([c], { nodeName: 'n' });
    p.start();
    const emits = Array.from({ length: 50 }, (_, i) => p.emit([ev(String(i))]));
    await Promise.all(emits);
    await p.stop();
    expect(c.seen).toHaveLength(50);
  });
});

describe('NamespaceTracker', () => {
  it('remembers namespaces with their cluster for the TTL, sorted', () => {
    let now = 0;
    const t = new NamespaceTracker(1000, () => now);
    t.process([ev('1', undefined, 'shop'), ev('2', undefined, 'auth')], '');
    expect(t.list()).toEqual([
      { cluster: '', namespace: 'auth' },
      { cluster: '', namespace: 'shop' },
      { cluster: 'c2', namespace: 'db' },
    ]);
    now = 2000;
    expect(t.list()).toEqual([]);
  });

  it('sorts in byte order, as Hubble does (upper case and `_` before lower case)', () => {
    const t = new NamespaceTracker(1000, () => 0);
    t.process([ev('1', undefined, 'alpha'), ev('2', undefined, 'Zeta'), ev('3', undefined, '_x')], '');
    expect(t.list().map((n) => n.namespace)).toEqual(['Zeta', '_x', 'alpha', 'db']);
  });
});

describe('RateMeter and self-metrics', () => {
  it('reports the rate over the window', () => {
    let now = 100_000;
    const r = new RateMeter(60, () => now);
    r.add(600);
    now += 10_000;
    r.add(400);
    expect(r.perSecond()).toBeCloseTo(1000 / 10, 5);
  });

  it('renders pipeline and source metrics in Prometheus and OpenMetrics naming', () => {
    const p = new Pipeline([], { nodeName: 'n' }).snapshot();
    const text = renderSelfMetrics(
      p,
      [{ name: 'file:/x', kind: 'file', state: 'running', flows: 5, lost: 1 }],
      { grpcStreams: 2 },
    );
    expect(text).toContain('# TYPE flowlens_pipeline_events_processed_total counter');
    expect(text).toContain('flowlens_source_events_total{source="file:/x"} 5');
    expect(text).toContain('flowlens_source_state{source="file:/x",state="running"} 1');
    expect(text).toContain('flowlens_grpc_streams 2');
    expect(renderSelfMetrics(p, [], {}, true)).toContain('# TYPE flowlens_pipeline_events_processed counter');
  });
});
