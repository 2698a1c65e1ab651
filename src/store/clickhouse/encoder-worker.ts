/**
 * Worker thread entry of the ClickHouse store's TSV encoder: owns a BatchEncoder (and its
 * fragment caches) so that encoding, about 12 µs of CPU per flow, stays off the ingest thread.
 * Messages are handled in order, so a `written` mark always precedes the next `encode`.
 */
import { parentPort } from 'node:worker_threads';
import { BatchEncoder } from './writer.js';
import type { EncoderReply, EncoderRequest } from './encoder.js';

const encoder = new BatchEncoder();
const port = parentPort!;
port.on('message', (m: EncoderRequest) => {
  switch (m.op) {
    case 'encode': {
      let reply: EncoderReply;
      try {
        reply = { id: m.id, bodies: encoder.encode(m.batch) };
      } catch (e) {
        reply = { id: m.id, error: e instanceof Error ? e.message : String(e) };
      }
      port.postMessage(reply);
      break;
    }
    case 'written':
      encoder.markWritten(m.rows);
      break;
    case 'forget':
      encoder.forgetBefore(m.day);
      break;
  }
});
