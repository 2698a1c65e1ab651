/**
 * Observer API details checked against hubble-observer-api.md / hubble-flow.md that the other
 * suites do not cover: the coalesced ring-buffer LostEvent's range, field-mask paths through
 * absent messages and the DebugEventType enum. Servers run on loopback, ephemeral ports
 * (startTestObserver) and are stopped after each test.
 */
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { afterEach, describe, expect, it } from 'vitest';
import type { FlowEvent } from '../../flow/index.js';
import { DebugEventSchema, DebugEventTypeSchema } from '../../gen/flow/flow_pb.js';
import { Observer, type GetFlowsResponse } from '../../gen/observer/observer_pb.js';
import { ArrayHistory } from '../../pipeline/testing/array-history.js';
import { LostEventCoalescer, type LocalBackendDeps } from './local-backend.js';
import { startTestObserver, type TestObserver } from './testing.js';
import { decodeMessage } from './wire/index.js';

let running: TestObserver | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function serve(events: FlowEvent[], deps: Partial<Omit<LocalBackendDeps, 'history'>> = {}) {
  const history = new ArrayHistory();
  history.append(events);
  running = await startTestObserver(history, deps);
  return createClient(Observer, createGrpcTransport({ baseUrl: `http://${running.address}` }));
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const T = (s: number) => `2024-05-01T12:00:0${s}Z`;
const flow = (i: number): FlowEvent => ({
  flow: { time: T(i), uuid: `f${i}`, node_name: 'n1', verdict: 'FORWARDED' },
  node_name: 'n1',
  time: T(i),
});
const ringLoss = (i: number, n: number): FlowEvent => ({
  lost_events: { source: 'HUBBLE_RING_BUFFER', num_events_lost: String(n) },
  node_name: 'n1',
  time: T(i),
});

describe('lost events (spec §4: one HUBBLE_RING_BUFFER response with num_events_lost, first, last)', () => {
  it('the coalesced record spans the earliest to the latest loss it merges', () => {
    const c = new LostEventCoalescer(60_000);
    c.add(ringLoss(3, 1));
    c.add(ringLoss(1, 4));
    c.add({ ...ringLoss(5, 2), lost_events: { ...ringLoss(5, 2).lost_events, first: T(4), last: T(6) } });
    const ev = c.take(Date.now(), true);
    expect(ev?.lost_events).toEqual({
      source: 'HUBBLE_RING_BUFFER',
      num_events_lost: '7',
      first: T(1),
      last: T(6),
    });
    // The next interval starts afresh.
    c.add(ringLoss(8, 1));
    expect(c.take(Date.now(), true)?.lost_events).toMatchObject({ first: T(8), last: T(8) });
  });

  it('GetFlows sends first and last on the wire', async () => {
    const client = await serve([flow(0), ringLoss(1, 3), flow(2), ringLoss(3, 2), ringLoss(4, 1), flow(5)], {
      lostEventIntervalMs: 60_000,
    });
    const res = await collect(client.getFlows({}));
    const lost = res.filter((r) => r.responseTypes.case === 'lostEvents');
    expect(lost).toHaveLength(1);
    const l = lost[0].responseTypes.value as Extract<
      GetFlowsResponse['responseTypes'],
      { case: 'lostEvents' }
    >['value'];
    expect(l.source).toBe(3); // HUBBLE_RING_BUFFER
    expect(l.numEventsLost).toBe(6n);
    expect(l.first && timestampDate(l.first).toISOString()).toBe('2024-05-01T12:00:01.000Z');
    expect(l.last && timestampDate(l.last).toISOString()).toBe('2024-05-01T12:00:04.000Z');
    expect(res.filter((r) => r.responseTypes.case === 'flow')).toHaveLength(3);
  });
});

describe('field_mask (hubble-flow.md §5: every message on the path to a listed sub-field is present)', () => {
  const bare: FlowEvent = {
    flow: { time: T(0), uuid: 'bare', node_name: 'n1', l4: { UDP: { source_port: 53 } } },
    node_name: 'n1',
    time: T(0),
  };

  it('creates absent messages on a listed path, with only the listed fields', async () => {
    const client = await serve([bare]);
    const [r] = await collect(
      client.getFlows({ fieldMask: { paths: ['source.namespace', 'IP.source', 'destination.identity'] } }),
    );
    const f = r.responseTypes.case === 'flow' ? r.responseTypes.value : undefined;
    expect(f?.source).toBeDefined();
    expect(f?.source?.namespace).toBe('');
    expect(f?.IP).toBeDefined();
    expect(f?.destination).toBeDefined();
    expect(f?.l4).toBeUndefined();
    expect(f?.uuid).toBe('');
  });

  it('does not invent a oneof member the flow does not have', async () => {
    const client = await serve([bare]);
    const [r] = await collect(
      client.getFlows({ fieldMask: { paths: ['l4.TCP.source_port', 'l7.http.code'] } }),
    );
    const f = r.responseTypes.case === 'flow' ? r.responseTypes.value : undefined;
    expect(f?.l4).toBeDefined();
    expect(f?.l4?.protocol.case).toBeUndefined();
    expect(f?.l7).toBeDefined();
    expect(f?.l7?.record.case).toBeUndefined();
  });
});

describe('DebugEvent.type (hubble-flow.md §4.3: enum DebugEventType, 0-68)', () => {
  it('is the DebugEventType enum with its 69 names', () => {
    const values = DebugEventTypeSchema.values;
    expect(values.map((v) => v.number)).toEqual(Array.from({ length: 69 }, (_, i) => i));
    expect(values[0].name).toBe('DBG_EVENT_UNKNOWN');
    expect(values[5].name).toBe('DBG_POLICY_DENIED');
    expect(values[45].name).toBe('DBG_L4_POLICY');
    expect(values[68].name).toBe('DBG_LB6_LOOPBACK_SNAT_REV');
    // Decoded by name in the in-memory (proto-JSON) shape.
    expect(decodeMessage(DebugEventSchema, Uint8Array.of(0x08, 0x05))).toEqual({ type: 'DBG_POLICY_DENIED' });
  });
});
