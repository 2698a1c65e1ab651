/**
 * A minimal gRPC server on node:http2 (plain-text h2c, TLS or mTLS): unary and server-streaming
 * methods with raw protobuf bytes in and out.
 *
 * Why not @grpc/grpc-js or connect-node: GetFlows must stream 150k flows/s to one client, and
 * both frameworks take one message object per write. Here a handler encodes flows straight into
 * a shared buffer and hands the server 64 KiB chunks of already framed messages, with HTTP/2
 * flow control as back-pressure. Everything else (status in trailers, trailers-only errors,
 * grpc-timeout, percent-encoded grpc-message) follows the gRPC-over-HTTP/2 spec, and the tests
 * drive it with connect-node's independent gRPC client.
 */
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { FrameDecoder, FramingError } from './wire/index.js';
import { Code, GrpcError, encodeGrpcMessage } from './status.js';
import { parseTimeout, tokenMatches } from './call-metadata.js';

/** Bytes a stream may have queued before writers are asked to wait. */
const MAX_BUFFERED = 1 << 20;

/** What a handler sees of one call. */
export interface ServerCall {
  readonly signal: AbortSignal;
  readonly metadata: http2.IncomingHttpHeaders;
  /** Remote address:port. */
  readonly peer: string;
  /** Absolute deadline (ms since epoch) from grpc-timeout, if any. */
  readonly deadline?: number;
  /** Queues framed bytes; false means "wait for ready() before writing more". */
  write(chunk: Uint8Array): boolean;
  /** Resolves when the stream can take more bytes (or the call ended). */
  ready(): Promise<void>;
  /** Bytes queued in the HTTP/2 stream not yet sent. */
  readonly buffered: number;
}

/** A method implementation. Unary handlers return the response message bytes (unframed). */
export type MethodHandler =
  | { kind: 'unary'; handle(req: Uint8Array, call: ServerCall): Promise<Uint8Array> }
  | { kind: 'server-stream'; handle(req: Uint8Array, call: ServerCall): Promise<void>; counted?: boolean };

/** Options of {@link GrpcServer}. */
export interface GrpcServerOptions {
  /** PEM certificate and key: serve TLS. With clientCa, require and verify client certificates. */
  tls?: { cert: Buffer; key: Buffer; clientCa?: Buffer };
  /** Bearer token required in `authorization` (also accepted as the password of Basic auth). */
  authToken?: string;
  /** Paths that never need the token (health checks). */
  publicPaths?: string[];
  /** Largest accepted request message (default 4 MiB). */
  maxReceiveBytes?: number;
  /** Most concurrent counted streaming calls over all connections (default 256). */
  maxStreams?: number;
  /** Most concurrent HTTP/2 streams per connection (default 256). */
  maxStreamsPerConnection?: number;
  /** Response headers sent on every call (e.g. a server version). */
  headers?: Record<string, string>;
  /** Called with unexpected handler errors (they become INTERNAL for the client). */
  onError?: (err: unknown, path: string) => void;
}

/** The gRPC server. Register methods, then listen. */
export class GrpcServer {
  private readonly methods = new Map<string, MethodHandler>();
  private readonly server: http2.Http2Server | http2.Http2SecureServer;
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  private readonly calls = new Set<AbortController>();
  private activeStreams = 0;
  private readonly maxReceive: number;
  private readonly maxStreams: number;
  private readonly token?: Buffer;
  private readonly publicPaths: Set<string>;

  constructor(private readonly opts: GrpcServerOptions = {}) {
    this.maxReceive = opts.maxReceiveBytes ?? 4 << 20;
    this.maxStreams = opts.maxStreams ?? 256;
    this.token = opts.authToken ? Buffer.from(opts.authToken) : undefined;
    this.publicPaths = new Set(opts.publicPaths ?? []);
    const settings = { maxConcurrentStreams: opts.maxStreamsPerConnection ?? 256 };
    this.server = opts.tls
      ? http2.createSecureServer({
          cert: opts.tls.cert,
          key: opts.tls.key,
          ca: opts.tls.clientCa,
          requestCert: !!opts.tls.clientCa,
          rejectUnauthorized: !!opts.tls.clientCa,
          settings,
          maxSessionMemory: 64,
        })
      : http2.createServer({ settings, maxSessionMemory: 64 });
    this.server.on('session', (s) => {
      this.sessions.add(s);
      s.on('close', () => this.sessions.delete(s));
      s.on('error', () => {});
    });
    this.server.on('stream', (stream, headers) => this.onStream(stream, headers));
  }

  /** Registers a method under its full path, e.g. `/observer.Observer/GetFlows`. */
  register(path: string, handler: MethodHandler): this {
    if (this.methods.has(path)) throw new Error(`duplicate gRPC method ${path}`);
    this.methods.set(path, handler);
    return this;
  }

  /** Starts listening; resolves to the bound address. */
  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Starts listening on a unix socket (as the cilium agent serves hubble.sock). */
  listenPath(path: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(path, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Number of streaming calls in progress. */
  get streams(): number {
    return this.activeStreams;
  }

  /**
   * Stops accepting, ends every call (streams get status UNAVAILABLE "server shutting down")
   * and closes connections; after `graceMs` remaining sessions are destroyed.
   */
  async close(graceMs = 2000): Promise<void> {
    for (const c of this.calls) c.abort(new GrpcError(Code.UNAVAILABLE, 'server shutting down'));
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const s of this.sessions) s.close();
    const timer = setTimeout(() => {
      for (const s of this.sessions) s.destroy();
    }, graceMs);
    await closed;
    clearTimeout(timer);
  }

  private authorized(headers: http2.IncomingHttpHeaders): boolean {
    return !this.token || tokenMatches(headers.authorization, this.token);
  }

  private onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    stream.on('error', () => {});
    const path = String(headers[':path'] ?? '');
    const ctype = String(headers['content-type'] ?? '');
    if (headers[':method'] !== 'POST' || !ctype.startsWith('application/grpc')) {
      stream.respond({ ':status': 415, 'content-type': 'text/plain' }, { endStream: false });
      stream.end('flowlens: this port speaks gRPC (application/grpc over HTTP/2)\n');
      return;
    }
    const method = this.methods.get(path);
    if (!method) return this.trailersOnly(stream, Code.UNIMPLEMENTED, `unknown method ${path}`);
    if (!this.publicPaths.has(path) && !this.authorized(headers)) {
      return this.trailersOnly(stream, Code.UNAUTHENTICATED, 'missing or invalid credentials (bearer token)');
    }
    const encoding = String(headers['grpc-encoding'] ?? 'identity');
    if (encoding !== 'identity' && encoding !== 'gzip') {
      return this.trailersOnly(
        stream,
        Code.UNIMPLEMENTED,
        `grpc: Decompressor is not installed for grpc-encoding "${encoding}"`,
      );
    }
    const decoder = new FrameDecoder(this.maxReceive, encoding);
    const msgs: Uint8Array[] = [];
    let failed = false;
    stream.on('data', (chunk: Buffer) => {
      if (failed) return;
      try {
        msgs.push(...decoder.push(chunk));
      } catch (err) {
        failed = true;
        const e = err instanceof FramingError ? err : new FramingError(String(err), Code.INTERNAL);
        this.trailersOnly(stream, e.status, e.message);
      }
    });
    stream.on('end', () => {
      if (failed) return;
      if (msgs.length !== 1 || decoder.pending > 0) {
        const msg =
          msgs.length === 0 ? 'grpc: no request message' : 'grpc: expected exactly one request message';
        return this.trailersOnly(stream, Code.INTERNAL, msg);
      }
      void this.run(stream, headers, path, method, msgs[0]);
    });
  }

  private async run(
    stream: http2.ServerHttp2Stream,
    headers: http2.IncomingHttpHeaders,
    path: string,
    method: MethodHandler,
    req: Uint8Array,
  ): Promise<void> {
    const counted = method.kind === 'server-stream' && method.counted !== false;
    if (counted && this.activeStreams >= this.maxStreams) {
      return this.trailersOnly(
        stream,
        Code.RESOURCE_EXHAUSTED,
        `too many concurrent streams (limit ${this.maxStreams})`,
      );
    }
    const ac = new AbortController();
    this.calls.add(ac);
    if (counted) this.activeStreams++;
    const deadline = parseTimeout(headers['grpc-timeout']);
    const timer =
      deadline !== undefined
        ? setTimeout(
            () => ac.abort(new GrpcError(Code.DEADLINE_EXCEEDED, 'context deadline exceeded')),
            deadline - Date.now(),
          )
        : undefined;
    const onClose = () => ac.abort(new GrpcError(Code.CANCELLED, 'context canceled'));
    stream.once('close', onClose);
    let headersSent = false;
    const sendHeaders = () => {
      if (headersSent || stream.destroyed) return;
      headersSent = true;
      stream.respond(
        { ':status': 200, 'content-type': 'application/grpc', ...this.opts.headers },
        { waitForTrailers: true },
      );
    };
    const call: ServerCall = {
      signal: ac.signal,
      metadata: headers,
      peer: `${stream.session?.socket?.remoteAddress ?? ''}:${stream.session?.socket?.remotePort ?? ''}`,
      deadline,
      write: (chunk) => {
        if (stream.destroyed || ac.signal.aborted) return false;
        sendHeaders();
        stream.write(chunk);
        // Allow up to 1 MiB in flight per stream (the stream's own high-water mark is 16 KiB):
        // fewer drain round trips, still bounded.
        return stream.writableLength < MAX_BUFFERED;
      },
      ready: () =>
        new Promise<void>((resolve) => {
          if (stream.destroyed || ac.signal.aborted || stream.writableLength < MAX_BUFFERED / 2)
            return resolve();
          const done = () => {
            stream.off('drain', done);
            ac.signal.removeEventListener('abort', done);
            resolve();
          };
          stream.once('drain', done);
          ac.signal.addEventListener('abort', done, { once: true });
        }),
      get buffered() {
        return stream.writableLength;
      },
    };
    let status: number = Code.OK;
    let message = '';
    try {
      if (method.kind === 'unary') {
        const res = await method.handle(req, call);
        if (!ac.signal.aborted) {
          const framed = Buffer.allocUnsafe(5 + res.length);
          framed[0] = 0;
          framed.writeUInt32BE(res.length, 1);
          framed.set(res, 5);
          call.write(framed);
        }
      } else {
        await method.handle(req, call);
      }
      if (ac.signal.aborted && ac.signal.reason instanceof GrpcError) {
        status = ac.signal.reason.status;
        message = ac.signal.reason.message;
      }
    } catch (err) {
      if (err instanceof GrpcError) {
        status = err.status;
        message = err.message;
      } else if (ac.signal.aborted && ac.signal.reason instanceof GrpcError) {
        status = ac.signal.reason.status;
        message = ac.signal.reason.message;
      } else {
        status = Code.INTERNAL;
        message = err instanceof Error ? err.message : String(err);
        this.opts.onError?.(err, path);
      }
    } finally {
      if (timer) clearTimeout(timer);
      stream.off('close', onClose);
      this.calls.delete(ac);
      if (counted) this.activeStreams--;
    }
    if (stream.destroyed || stream.closed) return;
    if (!headersSent) return this.trailersOnly(stream, status, message);
    stream.once('wantTrailers', () => {
      const t: Record<string, string> = { 'grpc-status': String(status) };
      if (message) t['grpc-message'] = encodeGrpcMessage(message);
      stream.sendTrailers(t);
    });
    stream.end();
  }

  private trailersOnly(stream: http2.ServerHttp2Stream, status: number, message: string): void {
    if (stream.destroyed || stream.headersSent) {
      if (!stream.destroyed) stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      return;
    }
    const h: Record<string, string | number> = {
      ':status': 200,
      'content-type': 'application/grpc',
      'grpc-status': String(status),
      ...this.opts.headers,
    };
    if (message) h['grpc-message'] = encodeGrpcMessage(message);
    stream.respond(h, { endStream: true });
  }
}
