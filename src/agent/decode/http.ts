/**
 * HTTP/1.x message parsing over one direction of a TCP connection, from captured segments.
 *
 * The parser follows message boundaries with Content-Length and chunked encoding so that
 * keep-alive connections with several requests stay in sync. Body bytes are counted with the
 * segment's wire length, not the captured length, so a small snap length (`tcpdump -s 1024`)
 * still works as long as the message head fits in the captured part. When it loses track (a
 * gap in sequence numbers, a truncated chunked body) it resynchronises on the next segment that
 * starts with a request or status line.
 */

/** A parsed request head. */
export interface HttpRequestHead {
  method: string;
  /** The request target as sent (usually a path with an optional query). */
  target: string;
  protocol: string;
  headers: Array<{ key: string; value: string }>;
}

/** A parsed response head. */
export interface HttpResponseHead {
  code: number;
  protocol: string;
  headers: Array<{ key: string; value: string }>;
}

/** What one direction carries. */
export type HttpRole = 'request' | 'response';

/** Callbacks of a parser. */
export interface HttpParserEvents {
  onRequest?(head: HttpRequestHead): void;
  onResponse?(head: HttpResponseHead): void;
  /** A head that could not be parsed (counted as a parse failure). */
  onError?(reason: string): void;
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'];
const MAX_HEAD = 16 * 1024;
const MAX_HEADERS = 64;

/** True when the bytes look like the start of an HTTP/1 request. */
export function looksLikeHttpRequest(b: Buffer, off: number, len: number): boolean {
  if (len < 4) return false;
  const c = b[off];
  // Fast reject: every method starts with an upper-case letter among these.
  if (c !== 71 && c !== 80 && c !== 68 && c !== 72 && c !== 79 && c !== 67 && c !== 84) return false;
  const s = b.toString('latin1', off, off + Math.min(len, 8));
  return METHODS.some((m) => s.startsWith(m + ' '));
}

/** True when the bytes look like the start of an HTTP/1 response. */
export function looksLikeHttpResponse(b: Buffer, off: number, len: number): boolean {
  return len >= 12 && b[off] === 72 && b.toString('latin1', off, off + 7) === 'HTTP/1.';
}

type State = 'head' | 'body' | 'chunked' | 'until-close' | 'resync';

/** Parses one direction of an HTTP/1 connection. */
export class HttpStreamParser {
  private state: State = 'head';
  private head: Buffer[] = [];
  private headLen = 0;
  private bodyLeft = 0;
  private chunkBuf = '';
  private nextSeq: number | undefined;
  /** Methods of requests on the other direction, so a response to HEAD has no body. */
  readonly pendingMethods: string[] = [];

  constructor(
    readonly role: HttpRole,
    private readonly ev: HttpParserEvents,
  ) {}

  /**
   * Feeds one TCP segment: `seq` is its sequence number, `data[off..off+capLen)` the captured
   * payload and `wireLen` its full payload length.
   */
  push(seq: number, data: Buffer, off: number, capLen: number, wireLen: number): void {
    if (wireLen === 0) return;
    if (this.nextSeq !== undefined) {
      const delta = (seq - this.nextSeq) | 0;
      if (delta < 0) {
        // Retransmission (possibly partial): skip what was seen.
        const skip = -delta;
        if (skip >= wireLen) return;
        off += Math.min(skip, capLen);
        capLen = Math.max(0, capLen - skip);
        wireLen -= skip;
        seq = this.nextSeq;
      } else if (delta > 0) {
        this.lose();
      }
    }
    this.nextSeq = (seq + wireLen) >>> 0;
    this.consume(data, off, capLen, wireLen);
  }

  private lose(): void {
    this.state = 'resync';
    this.head = [];
    this.headLen = 0;
  }

  private consume(d: Buffer, off: number, capLen: number, wireLen: number): void {
    while (wireLen > 0) {
      switch (this.state) {
        case 'resync': {
          const ok =
            this.role === 'request'
              ? looksLikeHttpRequest(d, off, capLen)
              : looksLikeHttpResponse(d, off, capLen);
          if (!ok) return;
          this.state = 'head';
          continue;
        }
        case 'until-close':
          return;
        case 'body': {
          const n = Math.min(this.bodyLeft, wireLen);
          this.bodyLeft -= n;
          off += Math.min(n, capLen);
          capLen = Math.max(0, capLen - n);
          wireLen -= n;
          if (this.bodyLeft === 0) this.state = 'head';
          continue;
        }
        case 'chunked': {
          if (capLen < wireLen) {
            // The chunk framing is in bytes we did not capture.
            this.lose();
            return;
          }
          const used = this.chunked(d, off, capLen);
          off += used;
          capLen -= used;
          wireLen -= used;
          continue;
        }
        case 'head': {
          const used = this.headBytes(d, off, capLen, wireLen);
          if (used < 0) return;
          off += used;
          capLen -= used;
          wireLen -= used;
          continue;
        }
      }
    }
  }

  /** Accumulates head bytes; returns bytes consumed, or -1 when the segment ended first. */
  private headBytes(d: Buffer, off: number, capLen: number, wireLen: number): number {
    if (this.headLen === 0) {
      const ok =
        this.role === 'request'
          ? looksLikeHttpRequest(d, off, capLen)
          : looksLikeHttpResponse(d, off, capLen);
      if (!ok) {
        if (capLen > 0)
          this.ev.onError?.(
            `${this.role} does not start with an HTTP/1 ${this.role === 'request' ? 'request' : 'status'} line`,
          );
        this.lose();
        return -1;
      }
    }
    const prevLen = this.headLen;
    const piece = d.subarray(off, off + capLen);
    this.head.push(piece);
    this.headLen += capLen;
    const all = this.head.length === 1 ? piece : Buffer.concat(this.head);
    const from = Math.max(0, prevLen - 3);
    const idx = all.indexOf('\r\n\r\n', from, 'latin1');
    if (idx < 0) {
      if (capLen < wireLen) {
        // The rest of the head was not captured: report the start line we have, then resync.
        this.emitHead(all.toString('latin1', 0, all.length), true);
        this.lose();
        return -1;
      }
      if (this.headLen > MAX_HEAD) {
        this.ev.onError?.(`${this.role} head longer than ${MAX_HEAD} bytes`);
        this.lose();
        return -1;
      }
      this.head = [Buffer.from(all)];
      return -1;
    }
    const headEnd = idx + 4;
    const consumedHere = headEnd - prevLen;
    this.head = [];
    this.headLen = 0;
    this.emitHead(all.toString('latin1', 0, idx), false);
    return consumedHere;
  }

  private emitHead(text: string, partial: boolean): void {
    const lines = text.split('\r\n');
    const start = lines[0] ?? '';
    const headers: Array<{ key: string; value: string }> = [];
    let contentLength: number | undefined;
    let chunked = false;
    const last = partial ? lines.length - 1 : lines.length; // the last line of a cut head is incomplete
    for (let i = 1; i < last && headers.length < MAX_HEADERS; i++) {
      const l = lines[i];
      const c = l.indexOf(':');
      if (c <= 0) continue;
      const key = l.slice(0, c).trim();
      const value = l.slice(c + 1).trim();
      headers.push({ key, value });
      const lk = key.toLowerCase();
      if (lk === 'content-length') contentLength = Number(value);
      else if (lk === 'transfer-encoding' && /chunked/i.test(value)) chunked = true;
    }
    if (this.role === 'request') {
      const m = /^([A-Z]+) (\S+) (HTTP\/1\.[01])$/.exec(start);
      if (!m) {
        this.ev.onError?.(`bad request line ${JSON.stringify(start.slice(0, 60))}`);
        this.lose();
        return;
      }
      this.ev.onRequest?.({ method: m[1], target: m[2], protocol: m[3], headers });
      this.setBody(contentLength, chunked, false);
    } else {
      const m = /^(HTTP\/1\.[01]) (\d{3})(?: .*)?$/.exec(start);
      if (!m) {
        this.ev.onError?.(`bad status line ${JSON.stringify(start.slice(0, 60))}`);
        this.lose();
        return;
      }
      const code = Number(m[2]);
      this.ev.onResponse?.({ code, protocol: m[1], headers });
      const method = code >= 200 ? this.pendingMethods.shift() : this.pendingMethods[0];
      const noBody = method === 'HEAD' || code < 200 || code === 204 || code === 304;
      if (noBody) this.state = 'head';
      else if (contentLength === undefined && !chunked) this.state = 'until-close';
      else this.setBody(contentLength, chunked, true);
    }
  }

  private setBody(contentLength: number | undefined, chunked: boolean, _response: boolean): void {
    if (chunked) {
      this.state = 'chunked';
      this.chunkBuf = '';
      this.bodyLeft = -1;
    } else if (contentLength !== undefined && contentLength > 0 && Number.isFinite(contentLength)) {
      this.state = 'body';
      this.bodyLeft = contentLength;
    } else {
      this.state = 'head';
    }
  }

  /**
   * Chunked framing. bodyLeft: -1 = reading a size line, >0 = data bytes of a chunk left
   * (including its CRLF), -2 = reading trailers until an empty line.
   */
  private chunked(d: Buffer, off: number, len: number): number {
    let i = 0;
    while (i < len && this.state === 'chunked') {
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, len - i);
        this.bodyLeft -= n;
        i += n;
        if (this.bodyLeft === 0) this.bodyLeft = -1;
        continue;
      }
      const nl = d.indexOf(10, off + i);
      if (nl < 0 || nl >= off + len) {
        this.chunkBuf += d.toString('latin1', off + i, off + len);
        if (this.chunkBuf.length > 1024) this.lose();
        return len;
      }
      const line = (this.chunkBuf + d.toString('latin1', off + i, nl)).replace(/\r$/, '');
      this.chunkBuf = '';
      i = nl - off + 1;
      if (this.bodyLeft === -2) {
        if (line === '') this.state = 'head';
        continue;
      }
      const size = parseInt(line.split(';')[0], 16);
      if (!Number.isFinite(size) || size < 0) {
        this.ev.onError?.(`bad chunk size line ${JSON.stringify(line.slice(0, 40))}`);
        this.lose();
        return len;
      }
      this.bodyLeft = size === 0 ? -2 : size + 2;
    }
    return i;
  }
}
