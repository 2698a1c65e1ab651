/**
 * A minimal gRPC client on node:http2 for talking to Hubble servers, relays and other flowlens
 * instances: unary and server-streaming calls with raw protobuf bytes, one HTTP/2 connection per
 * target (re-dialled lazily after it drops), TLS/mTLS and bearer/basic credentials.
 * Streams deliver messages in batches and pause the socket while the consumer is behind, so a
 * slow consumer applies HTTP/2 back-pressure to the peer instead of buffering without bound.
 */
import http2 from 'node:http2';
import net from 'node:net';
import { FrameDecoder, frame } from './wire/index.js';
import { Code, GrpcError, decodeGrpcMessage } from './status.js';

/** Options of {@link GrpcClient}. */
export interface GrpcClientOptions {
  /** Use TLS; `ca` (PEM) replaces the system roots, `cert`/`key` add a client certificate. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; serverName?: string; insecureSkipVerify?: boolean };
  /** Sent as `authorization: Bearer <token>`. */
  authToken?: string;
  /** Dial timeout (default 5 s, as the hubble CLI). */
  connectTimeoutMs?: number;
  /** Largest accepted response message (default 16 MiB). */
  maxReceiveBytes?: number;
  /** Extra request metadata. */
  metadata?: Record<string, string>;
}

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Sent as grpc-timeout and enforced locally. */
  timeoutMs?: number;
}

/**
 * Splits a target: "host:port" (IPv6 in brackets; `dns:///` and `tls://` prefixes accepted), or
 * a unix socket as "unix:///path" or "unix:path" (the cilium agent's
 * /var/run/cilium/hubble.sock).
 */
export function parseTarget(target: string): { host: string; port: number; socketPath?: string } {
  if (target.startsWith('unix:')) {
    const path = target.replace(/^unix:(\/\/)?/, '');
    if (!path.startsWith('/'))
      throw new Error(`invalid address ${JSON.stringify(target)}: want unix:///ABSOLUTE/PATH`);
    return { host: 'localhost', port: 0, socketPath: path };
  }
  const t = target.replace(/^(dns:\/\/\/|tls:\/\/)/, '');
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(t);
  if (!m || Number(m[2]) > 65535)
    throw new Error(`invalid address ${JSON.stringify(target)}: want HOST:PORT or unix:///PATH`);
  return { host: m[1], port: Number(m[2]) };
}

/** A gRPC client for one target. */
export class GrpcClient {
  private session?: http2.ClientHttp2Session;
  private connecting?: Promise<http2.ClientHttp2Session>;
  private readonly authority: string;
  private readonly socketPath?: string;

  constructor(
    readonly target: string,
    private readonly opts: GrpcClientOptions = {},
  ) {
    const { host, port, socketPath } = parseTarget(target);
    this.socketPath = socketPath;
    this.authority = socketPath ? 'http://localhost' : `${opts.tls ? 'https' : 'http'}://${host}:${port}`;
  }

  /** Closes the connection (calls in progress fail with UNAVAILABLE/CANCELLED). */
  close(): void {
    this.session?.destroy();
    this.session = undefined;
  }

  private connect(): Promise<http2.ClientHttp2Session> {
    if (this.session && !this.session.closed && !this.session.destroyed) return Promise.resolve(this.session);
    if (this.connecting) return this.connecting;
    const tls = this.opts.tls;
    this.connecting = new Promise<http2.ClientHttp2Session>((resolve, reject) => {
      const socketPath = this.socketPath;
      const s = http2.connect(this.authority, {
        ...(socketPath ? { createConnection: () => net.connect(socketPath) } : {}),
        ...(tls
          ? {
              ca: tls.ca,
              cert: tls.cert,
              key: tls.key,
              servername: tls.serverName,
              rejectUnauthorized: !tls.insecureSkipVerify,
              ALPNProtocols: ['h2'],
            }
          : {}),
        maxSessionMemory: 64,
        // Large flow-control windows: a follower receives 100+ MB/s; 64 KiB windows would
        // make the sender wait for WINDOW_UPDATEs all the time.
        settings: { initialWindowSize: 4 << 20 },
      });
      s.once('connect', () => s.setLocalWindowSize(16 << 20));
      const timer = setTimeout(() => {
        s.destroy();
        reject(new GrpcError(Code.UNAVAILABLE, `connection to ${this.target} timed out`));
      }, this.opts.connectTimeoutMs ?? 5000);
      s.once('connect', () => {
        clearTimeout(timer);
        this.session = s;
        resolve(s);
      });
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(
          new GrpcError(Code.UNAVAILABLE, `connection to ${this.target} failed: ${err.message}`, {
            cause: err,
          }),
        );
      });
      s.on('error', () => {});
      s.once('close', () => {
        if (this.session === s) this.session = undefined;
      });
    }).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(path: string, req: Uint8Array, o: CallOptions): Promise<http2.ClientHttp2Stream> {
    const s = await this.connect();
    const headers: http2.OutgoingHttpHeaders = {
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc',
      te: 'trailers',
      'user-agent': 'flowlens-grpc',
      ...this.opts.metadata,
    };
    if (this.opts.authToken) headers.authorization = `Bearer ${this.opts.authToken}`;
    if (o.timeoutMs) headers['grpc-timeout'] = `${Math.max(1, Math.ceil(o.timeoutMs))}m`;
    let stream: http2.ClientHttp2Stream;
    try {
      stream = s.request(headers, { signal: o.signal });
    } catch (err) {
      throw new GrpcError(Code.UNAVAILABLE, `request to ${this.target} failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
    stream.end(frame(req));
    return stream;
  }

  /** A unary call: resolves to the response bytes or rejects with a GrpcError. */
  async unary(path: string, req: Uint8Array, o: CallOptions = {}): Promise<Uint8Array> {
    let result: Uint8Array | undefined;
    for await (const batch of this.stream(path, req, o)) {
      if (batch.length > 0) result ??= batch[0];
    }
    if (!result) throw new GrpcError(Code.INTERNAL, 'grpc: no response message for a unary call');
    return result;
  }

  /**
   * A server-streaming call, yielding the messages in batches. Ends normally on status OK;
   * otherwise throws a GrpcError with the server's status and message.
   */
  async *stream(path: string, req: Uint8Array, o: CallOptions = {}): AsyncGenerator<Uint8Array[]> {
    const ac = new AbortController();
    const onAbort = () => ac.abort(o.signal?.reason);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = o.timeoutMs
      ? setTimeout(
          () => ac.abort(new GrpcError(Code.DEADLINE_EXCEEDED, 'context deadline exceeded')),
          o.timeoutMs,
        )
      : undefined;
    const stream = await this.open(path, req, { ...o, signal: ac.signal });
    const queue: Uint8Array[][] = [];
    let queued = 0;
    let done = false;
    let error: unknown;
    let status: number | undefined;
    let message = '';
    let wake: (() => void) | undefined;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    let decoder = new FrameDecoder(this.opts.maxReceiveBytes ?? 16 << 20);
    const readStatus = (h: http2.IncomingHttpHeaders) => {
      if (h['grpc-status'] !== undefined) {
        status = Number(h['grpc-status']);
        message = decodeGrpcMessage(String(h['grpc-message'] ?? ''));
      }
    };
    stream.on('response', (h) => {
      const st = Number(h[':status']);
      if (st !== 200) {
        error = new GrpcError(httpToGrpc(st), `unexpected HTTP status ${st} from ${this.target}`);
      } else if (!String(h['content-type'] ?? '').startsWith('application/grpc')) {
        error = new GrpcError(
          Code.UNKNOWN,
          `unexpected content-type ${String(h['content-type'])} from ${this.target}`,
        );
      }
      decoder = new FrameDecoder(
        this.opts.maxReceiveBytes ?? 16 << 20,
        String(h['grpc-encoding'] ?? 'identity'),
      );
      readStatus(h);
    });
    stream.on('trailers', readStatus);
    stream.on('data', (chunk: Buffer) => {
      try {
        const msgs = decoder.push(chunk);
        if (msgs.length > 0) {
          queue.push(msgs);
          queued += msgs.length;
          if (queued > 4096) stream.pause();
          notify();
        }
      } catch (err) {
        error = new GrpcError(Code.INTERNAL, (err as Error).message);
        stream.close(http2.constants.NGHTTP2_CANCEL);
      }
    });
    stream.on('error', (err) => {
      error ??=
        ac.signal.aborted && ac.signal.reason instanceof GrpcError
          ? ac.signal.reason
          : new GrpcError(Code.UNAVAILABLE, `stream from ${this.target} failed: ${err.message}`, {
              cause: err,
            });
    });
    stream.on('close', () => {
      done = true;
      notify();
    });
    try {
      for (;;) {
        if (queue.length > 0) {
          const batch = queue.shift()!;
          queued -= batch.length;
          if (queued < 1024 && stream.isPaused()) stream.resume();
          yield batch;
          continue;
        }
        if (done) break;
        await new Promise<void>((r) => (wake = r));
      }
      if (ac.signal.aborted) {
        const reason = ac.signal.reason;
        throw reason instanceof GrpcError ? reason : new GrpcError(Code.CANCELLED, 'context canceled');
      }
      if (error) throw error;
      if (status === undefined) {
        const code = stream.rstCode;
        throw new GrpcError(
          Code.UNAVAILABLE,
          `stream from ${this.target} ended without status${code ? ` (RST_STREAM ${code})` : ''}`,
        );
      }
      if (status !== Code.OK) throw new GrpcError(status, message);
    } finally {
      if (timer) clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      if (!stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
    }
  }
}

function httpToGrpc(status: number): number {
  switch (status) {
    case 400:
      return Code.INTERNAL;
    case 401:
      return Code.UNAUTHENTICATED;
    case 403:
      return Code.PERMISSION_DENIED;
    case 404:
      return Code.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return Code.UNAVAILABLE;
    default:
      return Code.UNKNOWN;
  }
}
