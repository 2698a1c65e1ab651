/**
 * Canonical UUIDs (8-4-4-4-12 lower-case hex) to and from 16 bytes, so the ring and the store
 * keep a flow's uuid in 16 bytes instead of a 36-character string.
 */

function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * Parses a canonical lower-case UUID into `out[offset..offset+16)`. Returns false (and leaves
 * garbage in `out`) when the text is not canonical, or is the nil UUID: such values are kept
 * verbatim elsewhere so that they round-trip exactly.
 */
export function parseUuid(s: string, out: Uint8Array, offset = 0): boolean {
  if (s.length !== 36) return false;
  if (s.charCodeAt(8) !== 45 || s.charCodeAt(13) !== 45 || s.charCodeAt(18) !== 45 || s.charCodeAt(23) !== 45)
    return false;
  let i = 0;
  let any = 0;
  for (let b = 0; b < 16; b++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) i++;
    const hi = nibble(s.charCodeAt(i));
    const lo = nibble(s.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) return false;
    const v = (hi << 4) | lo;
    out[offset + b] = v;
    any |= v;
    i += 2;
  }
  return any !== 0;
}

/** Lower-case hex digit codes. */
const HEX_CODES = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const text = Buffer.alloc(36);
const latin1Slice = (
  Buffer.prototype as unknown as { latin1Slice: (this: Uint8Array, s: number, e: number) => string }
).latin1Slice;

/**
 * Formats 16 bytes at `offset` as a canonical UUID. The text is written as bytes and decoded
 * once: a flat string in one allocation, where concatenating 20 parts made 20 strings and a
 * tree that the first reader flattened again.
 */
export function formatUuid(b: Uint8Array, offset = 0): string {
  let p = 0;
  for (let i = 0; i < 16; i++) {
    if (p === 8 || p === 13 || p === 18 || p === 23) text[p++] = 45; // -
    const v = b[offset + i];
    text[p++] = HEX_CODES[v >> 4];
    text[p++] = HEX_CODES[v & 15];
  }
  return latin1Slice.call(text, 0, 36);
}
