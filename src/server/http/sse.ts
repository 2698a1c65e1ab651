/**
 * Server-Sent Events for live flows (GET /api/v1/flows/stream): `flow` events carry a JSON array
 * of FlowEvents (batched every 100 ms or 500 flows), `lost` events report what this reader
 * missed, `status` events repeat every 5 s, and a comment line every 15 s keeps proxies open.
 * A slow client only slows its own reader (which then sees lost events); ingest never waits.
 */
import type http from 'node:http';
import type { FlowEvent } from '../../flow/index.js';
import type { FlowSelection, HttpBackend } from './backend.js';

/** Options of {@link serveLive}. */
export interface LiveOptions {
  history: number;
  batchMs?: number;
  batchMax?: number;
  statusMs?: number;
  pingMs?: number;
}

function write(res: http.ServerResponse, event: string, data: unknown): boolean {
  return res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** Runs one live stream until the client leaves or the signal aborts. */
export async function serveLive(
  res: http.ServerResponse,
  backend: HttpBackend,
  sel: FlowSelection,
  o: LiveOptions,
  signal: AbortSignal,
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 2000\n\n');
  let pending: FlowEvent[] = [];
  const batchMs = o.batchMs ?? 100;
  const batchMax = o.batchMax ?? 500;
  const flush = () => {
    if (pending.length === 0) return;
    write(res, 'flow', pending);
    pending = [];
  };
  const timer = setInterval(flush, batchMs);
  const status = setInterval(() => write(res, 'status', backend.status()), o.statusMs ?? 5000);
  const ping = setInterval(() => res.write(': ping\n\n'), o.pingMs ?? 15_000);
  write(res, 'status', backend.status());
  try {
    await backend.live(
      sel,
      o.history,
      {
        flows: async (batch) => {
          for (const ev of batch) {
            pending.push(ev);
            if (pending.length >= batchMax) flush();
          }
          // A slow client: wait until its socket drains (checked now, so a drain that already
          // happened is not waited for).
          if (res.writableNeedDrain && !signal.aborted) {
            await new Promise<void>((r) => {
              const done = () => (res.off('drain', done), res.off('close', done), r());
              res.once('drain', done);
              res.once('close', done);
            });
          }
        },
        lost: (count, source) => {
          flush();
          write(res, 'lost', { num_events_lost: count, source });
        },
      },
      signal,
    );
    flush();
  } finally {
    clearInterval(timer);
    clearInterval(status);
    clearInterval(ping);
    res.end();
  }
}
