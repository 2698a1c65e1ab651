/**
 * A streaming parser for the classic pcap format (what `tcpdump -U -w -` writes): a 24-byte
 * global header, then records of a 16-byte header and the captured bytes. Chunks arrive in
 * arbitrary pieces from a pipe; records are handed to a callback as (buffer, offset) views so
 * the hot path copies nothing except a record split across two chunks.
 *
 * Supports both byte orders and both timestamp resolutions (magic a1b2c3d4 = microseconds,
 * a1b23c4d = nanoseconds). pcapng is detected and rejected with a clear error.
 */

/** Link-layer header types we decode (LINKTYPE_* values from tcpdump.org). */
export const LinkType = {
  NULL: 0,
  EN10MB: 1,
  RAW: 101,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  NFLOG: 239,
  LINUX_SLL2: 276,
} as const;

/** The global header of a capture. */
export interface PcapHeader {
  linkType: number;
  snapLen: number;
  nanos: boolean;
  bigEndian: boolean;
}

/**
 * Called once per record. `data[offset .. offset+capLen)` holds the captured bytes and is only
 * valid during the call. `origLen` is the packet's length on the wire.
 */
export type PcapRecordFn = (
  data: Buffer,
  offset: number,
  capLen: number,
  origLen: number,
  tsSec: number,
  tsNsec: number,
) => void;

/** Malformed capture streams. */
export class PcapFormatError extends Error {
  readonly code = 'PCAP_FORMAT';
  constructor(message: string) {
    super(message);
    this.name = 'PcapFormatError';
  }
}

/** Largest record accepted (a corrupt length field must not make us buffer gigabytes). */
const MAX_RECORD = 16 * 1024 * 1024;

/** Incremental pcap parser: feed chunks with push(); records come out through the callback. */
export class PcapStreamParser {
  header: PcapHeader | undefined;
  /** Records parsed so far. */
  records = 0;
  /** Bytes consumed so far. */
  bytes = 0;
  private pending: Buffer | undefined;

  constructor(
    private readonly onRecord: PcapRecordFn,
    private readonly onHeader?: (h: PcapHeader) => void,
  ) {}

  /** Feeds one chunk. Throws PcapFormatError on a bad magic number or an absurd record length. */
  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    let buf = chunk;
    if (this.pending) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    let off = 0;
    if (!this.header) {
      if (buf.length < 24) {
        this.pending = buf;
        return;
      }
      this.header = parseGlobalHeader(buf);
      this.onHeader?.(this.header);
      off = 24;
    }
    const nanos = this.header.nanos;
    const be = this.header.bigEndian;
    const len = buf.length;
    while (off + 16 <= len) {
      const sec = be ? buf.readUInt32BE(off) : buf.readUInt32LE(off);
      const frac = be ? buf.readUInt32BE(off + 4) : buf.readUInt32LE(off + 4);
      const incl = be ? buf.readUInt32BE(off + 8) : buf.readUInt32LE(off + 8);
      const orig = be ? buf.readUInt32BE(off + 12) : buf.readUInt32LE(off + 12);
      if (incl > MAX_RECORD)
        throw new PcapFormatError(
          `record of ${incl} bytes at stream offset ${this.bytes - len + off} is too large`,
        );
      if (off + 16 + incl > len) break;
      this.records++;
      this.onRecord(buf, off + 16, incl, orig, sec, nanos ? frac : frac * 1000);
      off += 16 + incl;
    }
    if (off < len) this.pending = Buffer.from(buf.subarray(off));
  }

  /** Bytes of an incomplete record held back (non-zero at end of input means truncation). */
  get pendingBytes(): number {
    return this.pending?.length ?? 0;
  }
}

function parseGlobalHeader(b: Buffer): PcapHeader {
  const m = b.readUInt32LE(0);
  let bigEndian: boolean;
  let nanos: boolean;
  if (m === 0xa1b2c3d4 || m === 0xa1b23c4d) {
    bigEndian = false;
    nanos = m === 0xa1b23c4d;
  } else if (m === 0xd4c3b2a1 || m === 0x4d3cb2a1) {
    bigEndian = true;
    nanos = m === 0x4d3cb2a1;
  } else if (m === 0x0a0d0d0a) {
    throw new PcapFormatError('pcapng is not supported; capture with tcpdump -w (classic pcap)');
  } else {
    throw new PcapFormatError(`not a pcap stream (magic 0x${m.toString(16).padStart(8, '0')})`);
  }
  const snapLen = bigEndian ? b.readUInt32BE(16) : b.readUInt32LE(16);
  const linkType = (bigEndian ? b.readUInt32BE(20) : b.readUInt32LE(20)) & 0x0fffffff;
  return { linkType, snapLen, nanos, bigEndian };
}

/** Builds a pcap global header (little-endian, microseconds); used by tests and the bench. */
export function pcapGlobalHeader(linkType: number, snapLen = 262144): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt32LE(0xa1b2c3d4, 0);
  b.writeUInt16LE(2, 4);
  b.writeUInt16LE(4, 6);
  b.writeUInt32LE(snapLen, 16);
  b.writeUInt32LE(linkType, 20);
  return b;
}

/** Builds one pcap record (little-endian, microseconds). */
export function pcapRecord(data: Buffer, tsMs: number, origLen = data.length): Buffer {
  const h = Buffer.alloc(16);
  const sec = Math.floor(tsMs / 1000);
  h.writeUInt32LE(sec, 0);
  h.writeUInt32LE(Math.round((tsMs - sec * 1000) * 1000), 4);
  h.writeUInt32LE(data.length, 8);
  h.writeUInt32LE(origLen, 12);
  return Buffer.concat([h, data]);
}
