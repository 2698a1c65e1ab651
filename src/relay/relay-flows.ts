/**
 * One GetFlows call through the relay: the request goes unchanged to every connected peer, the
 * responses (kept as bytes: only their kind and time are read) pass a time-ordering window, and
 * node changes and errors become `node_status` events. A peer that fails or sends garbage ends
 * its own stream only; in follow mode the relay re-lists peers every 2 s and resumes a returning
 * peer from the newest time it delivered.
 */
import type { FlowEvent } from '../flow/index.js';
import { timeFromMillis } from '../flow/index.js';
import { GetFlowsRequestSchema } from '../gen/observer/observer_pb.js';
import { GrpcError, type FlowSink, type FlowsQuery } from '../server/grpc/index.js';
import { decodeMessage, encodeMessage, peekResponse, timestampText } from '../server/grpc/wire/index.js';
import { sleep } from '../sources/index.js';
import type { Peer, PeerPool } from './peer-pool.js';
import { SortWindow, type WindowItem } from './sort-window.js';

/** Settings of relay merges. */
export interface MergeOptions {
  /** Window capacity (hubble-relay: 100). */
  sortBufferMax: number;
  /** Release items older than now − this (hubble-relay: 1 s). */
  sortDrainMs: number;
  /** Merge identical peer errors within this window (hubble-relay: 10 s). */
  errorAggregationMs: number;
  /** Re-list peers this often in follow mode (hubble-relay: 2 s). */
  peerUpdateMs?: number;
  /** The relay's own node name, on its node_status events. */
  nodeName: string;
}

/** Counters of merged traffic (for /metrics and the bench). */
export interface MergeStats {
  responses: number;
  peerErrors: number;
}

function statusEvent(nodeName: string, state: string, names: string[], message?: string): FlowEvent {
  return {
    node_status: { state_change: state, node_names: names, message },
    node_name: nodeName,
    time: timeFromMillis(Date.now()),
  };
}

/** Re-encodes a request to resume a peer after `since` (history selectors dropped). */
function resumeRequest(raw: Uint8Array, since: string): Uint8Array {
  const req = decodeMessage<Record<string, unknown>>(GetFlowsRequestSchema, raw);
  delete req.number;
  delete req.first;
  req.since = since;
  return encodeMessage(GetFlowsRequestSchema, req);
}

/** Runs one merged GetFlows. */
export async function relayGetFlows(
  pool: PeerPool,
  q: FlowsQuery,
  sink: FlowSink,
  signal: AbortSignal,
  o: MergeOptions,
  stats: MergeStats,
): Promise<void> {
  const connected = pool.connected();
  const down = pool.unavailable();
  if (connected.length > 0)
    sink.event(
      statusEvent(
        o.nodeName,
        'NODE_CONNECTED',
        connected.map((p) => p.name),
      ),
    );
  if (down.length > 0)
    sink.event(
      statusEvent(
        o.nodeName,
        'NODE_UNAVAILABLE',
        down.map((p) => p.name),
        down.map((p) => `${p.name}: ${p.message ?? 'unavailable'}`).join('; '),
      ),
    );
  await sink.flush();
  const qlen =
    q.number > 0 ? Math.min(o.sortBufferMax, q.number * Math.max(1, connected.length)) : o.sortBufferMax;
  const window = new SortWindow<Uint8Array>(qlen);
  const emit = (it: WindowItem<Uint8Array> | undefined) => {
    if (it) {
      sink.raw(it.value);
      stats.responses++;
    }
  };
  // Errors: the first of a message is sent at once, repeats within the window are merged.
  const recent = new Map<string, { at: number; names: Set<string> }>();
  const peerError = (p: Peer, message: string) => {
    stats.peerErrors++;
    const now = Date.now();
    const r = recent.get(message);
    if (r && now - r.at < o.errorAggregationMs) {
      r.names.add(p.name);
      return;
    }
    recent.set(message, { at: now, names: new Set() });
    sink.event(statusEvent(o.nodeName, 'NODE_ERROR', [p.name], message));
  };
  const flushErrors = (force: boolean) => {
    const now = Date.now();
    for (const [msg, r] of recent) {
      if (!force && now - r.at < o.errorAggregationMs) continue;
      if (r.names.size > 0) sink.event(statusEvent(o.nodeName, 'NODE_ERROR', [...r.names], msg));
      recent.delete(msg);
    }
  };
  // Per peer: newest flow time delivered, and the responses at exactly that time (to drop
  // them when a resumed stream sends them again: `since` is inclusive).
  const lastTime = new Map<Peer, { s: number; n: number; atLast: Uint8Array[] }>();
  const streaming = new Set<Peer>();
  const runs: Promise<void>[] = [];
  const run = async (p: Peer) => {
    streaming.add(p);
    const last = lastTime.get(p);
    const req = last ? resumeRequest(q.raw, timestampText(last.s, last.n)) : q.raw;
    try {
      for await (const batch of p.client.getFlowsRaw(req, { signal })) {
        for (const bytes of batch) {
          const pk = peekResponse(bytes);
          if (last && pk.kind === 'flow') {
            if (pk.seconds < last.s || (pk.seconds === last.s && pk.nanos < last.n)) continue;
            if (
              pk.seconds === last.s &&
              pk.nanos === last.n &&
              last.atLast.some((b) => Buffer.compare(b, bytes) === 0)
            )
              continue;
          }
          if (pk.kind === 'flow') {
            if (pk.nodeName) pool.learnName(p, pk.nodeName);
            const lt = lastTime.get(p);
            if (!lt || pk.seconds > lt.s || (pk.seconds === lt.s && pk.nanos > lt.n))
              lastTime.set(p, { s: pk.seconds, n: pk.nanos, atLast: [bytes] });
            else if (pk.seconds === lt.s && pk.nanos === lt.n && lt.atLast.length < 64) lt.atLast.push(bytes);
          }
          emit(window.push({ seconds: pk.seconds, nanos: pk.nanos, value: bytes }));
        }
        await sink.flush();
      }
    } catch (err) {
      if (signal.aborted) return;
      const msg =
        err instanceof GrpcError ? err.message : `invalid response from peer: ${(err as Error).message}`;
      pool.fail(p, msg, err instanceof GrpcError && err.status === 14 ? 'NODE_UNAVAILABLE' : 'NODE_ERROR');
      peerError(p, msg);
      await sink.flush().catch(() => {});
    } finally {
      streaming.delete(p);
    }
  };
  for (const p of connected) runs.push(run(p));
  // Time-based release keeps live latency near the drain timeout even under a steady trickle.
  const ticker = setInterval(
    () => {
      const cutoff = Date.now() - o.sortDrainMs;
      for (const it of window.popOlderThan(Math.floor(cutoff / 1000), (cutoff % 1000) * 1e6)) emit(it);
      flushErrors(false);
      void sink.flush().catch(() => {});
    },
    Math.max(50, Math.min(250, o.sortDrainMs / 4)),
  );
  try {
    if (q.follow) {
      while (!signal.aborted) {
        await sleep(o.peerUpdateMs ?? 2000, signal);
        for (const p of pool.connected()) {
          if (!streaming.has(p)) {
            sink.event(statusEvent(o.nodeName, 'NODE_CONNECTED', [p.name]));
            runs.push(run(p));
          }
        }
      }
    }
    await Promise.all(runs);
  } finally {
    clearInterval(ticker);
  }
  if (signal.aborted) return;
  for (const it of window.drain()) emit(it);
  flushErrors(true);
}
