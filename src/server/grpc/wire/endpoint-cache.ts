/**
 * Decoded Endpoint messages by their bytes, so that the flows of one pod that arrive from a
 * gRPC peer share one endpoint object, as the flows read from a flow log do (see
 * src/flow/line-parser.ts): the endpoint is decoded once, and the ring and the metrics find it
 * by identity instead of comparing or hashing its strings again.
 *
 * Lookup: the cache is keyed by the first PREFIX bytes of the message (as a Latin-1 string),
 * which hold the endpoint's ID, identity and namespace and so mostly differ from pod to pod; the
 * message's length and then its whole bytes (a native compare) pick the entry. Until stop 15 the
 * key was the whole message as a string (about 350 bytes, copied, hashed and compared for each
 * endpoint of each flow); decoding a flow of bench/out/flows-1m.jsonl, with its two endpoints,
 * went from 3.9 to 2.7 µs with this key.
 *
 * Exact: two byte-identical messages decode to equal values. Only endpoints that are canonical
 * (trustCanonicalEndpoint, which also deep-freezes them) are kept, at most MAX_ENTRIES (then the
 * cache starts again) and at most MAX_PER_KEY per prefix, and at most ADMIT_PER_WINDOW are
 * admitted per WINDOW lookups, so a peer that sends ever-new endpoints costs one extra check per
 * endpoint at worst.
 */
import { trustCanonicalEndpoint } from '../../../flow/json-codec.js';
import type { ProtoReader } from './proto-reader.js';

const MAX_ENTRIES = 8192;
/** Longer messages are decoded each time (a copy that size costs more than it saves). */
const MAX_BYTES = 4096;
/** Bytes of the key. */
const PREFIX = 40;
/** Entries that may share a key (the list is scanned). */
const MAX_PER_KEY = 8;
const WINDOW = 1024;
const ADMIT_PER_WINDOW = 64;

interface Entry {
  readonly bytes: Buffer;
  readonly obj: object;
}

const cache = new Map<string, Entry[]>();
let entries = 0;
let lookups = 0;
let admits = 0;

/** Node's native Latin-1 decoder and byte compare; they take any Uint8Array. */
const latin1Slice = (
  Buffer.prototype as unknown as { latin1Slice: (this: Uint8Array, s: number, e: number) => string }
).latin1Slice;
const compare = Buffer.prototype.compare as unknown as (
  this: Uint8Array,
  target: Uint8Array,
  targetStart: number,
  targetEnd: number,
  sourceStart: number,
  sourceEnd: number,
) => number;

/** Counters, for tests. */
export const endpointCacheStats = { hits: 0, admitted: 0 };

/** Empties the cache (tests). */
export function clearEndpointCache(): void {
  cache.clear();
  entries = 0;
}

/** Decodes the Endpoint message in r.buf[r.pos, end) with `decode`, or returns the shared one. */
export function readEndpoint(
  r: ProtoReader,
  end: number,
  decode: (r: ProtoReader, end: number) => unknown,
): unknown {
  const start = r.pos;
  const len = end - start;
  const b = r.buf;
  if (len > MAX_BYTES || end > b.length) return decode(r, end);
  if (++lookups >= WINDOW) lookups = admits = 0;
  const key = latin1Slice.call(b, start, len > PREFIX ? start + PREFIX : end);
  const list = cache.get(key);
  if (list !== undefined) {
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (e.bytes.length === len && compare.call(b, e.bytes, 0, len, start, end) === 0) {
        endpointCacheStats.hits++;
        r.pos = end;
        return e.obj;
      }
    }
  }
  const v = decode(r, end);
  if (admits < ADMIT_PER_WINDOW && (list === undefined || list.length < MAX_PER_KEY)) {
    admits++;
    if (trustCanonicalEndpoint(v)) {
      if (entries >= MAX_ENTRIES) clearEndpointCache();
      // A copy: the message's buffer belongs to the transport and is reused.
      const e: Entry = { bytes: Buffer.from(b.subarray(start, end)), obj: v as object };
      const l = entries === 0 ? undefined : cache.get(key);
      if (l === undefined) cache.set(key, [e]);
      else l.push(e);
      entries++;
      endpointCacheStats.admitted++;
    }
  }
  return v;
}
