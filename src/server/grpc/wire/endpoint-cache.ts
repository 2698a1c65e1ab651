/**
 * Decoded Endpoint messages by their bytes, so that the flows of one pod that arrive from a
 * gRPC peer share one endpoint object, as the flows read from a flow log do (see
 * src/flow/line-parser.ts): the endpoint is decoded once, and the ring and the metrics find it
 * by identity instead of comparing or hashing its strings again.
 *
 * Exact: two byte-identical messages decode to equal values. Only endpoints that are canonical
 * (trustCanonicalEndpoint, which also deep-freezes them) are kept, at most MAX_ENTRIES (then the
 * cache starts again), and at most ADMIT_PER_WINDOW are admitted per WINDOW lookups, so a peer
 * that sends ever-new endpoints costs one extra check per endpoint at worst.
 */
import { trustCanonicalEndpoint } from '../../../flow/json-codec.js';
import type { ProtoReader } from './proto-reader.js';

const MAX_ENTRIES = 8192;
/** Longer messages are decoded each time (a key that size costs more than it saves). */
const MAX_BYTES = 4096;
const WINDOW = 1024;
const ADMIT_PER_WINDOW = 64;

const cache = new Map<string, object>();
let lookups = 0;
let admits = 0;

/** Counters, for tests. */
export const endpointCacheStats = { hits: 0, admitted: 0 };

/** Empties the cache (tests). */
export function clearEndpointCache(): void {
  cache.clear();
}

/** Decodes the Endpoint message in r.buf[r.pos, end) with `decode`, or returns the shared one. */
export function readEndpoint(
  r: ProtoReader,
  end: number,
  decode: (r: ProtoReader, end: number) => unknown,
): unknown {
  const start = r.pos;
  if (end - start > MAX_BYTES || end > r.buf.length) return decode(r, end);
  if (++lookups >= WINDOW) lookups = admits = 0;
  const b = r.buf;
  const buf = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const key = buf.toString('latin1', start, end);
  const hit = cache.get(key);
  if (hit !== undefined) {
    endpointCacheStats.hits++;
    r.pos = end;
    return hit;
  }
  const v = decode(r, end);
  if (admits < ADMIT_PER_WINDOW) {
    admits++;
    if (trustCanonicalEndpoint(v)) {
      if (cache.size >= MAX_ENTRIES) cache.clear();
      cache.set(key, v as object);
      endpointCacheStats.admitted++;
    }
  }
  return v;
}
