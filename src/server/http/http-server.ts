/**
 * The HTTP listener: GET-only JSON API (contract.ts), SSE live flows, health, OpenAPI, /metrics
 * (when mounted) and the web UI's static files. Bounded: URL length, filter count and live
 * streams are capped; only GET/HEAD are served, so there is no request body to bound.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { HttpError } from './http-error.js';

/** A route handler: returns a JSON-able value, or takes over the response itself (returns undefined). */
export type RouteHandler = (ctx: RequestContext) => Promise<unknown> | unknown;

/** What a handler sees. */
export interface RequestContext {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  query: URLSearchParams;
  /** Aborts when the client goes away or the server shuts down. */
  signal: AbortSignal;
}

/** Options of {@link HttpApiServer}. */
export interface HttpServerOptions {
  tls?: { cert: Buffer; key: Buffer; clientCa?: Buffer };
  /** Bearer token required on /api/ and /metrics (health and static files stay open). */
  authToken?: string;
  /** Longest accepted request target (default 16 KiB). */
  maxUrlBytes?: number;
  onError?: (err: unknown, path: string) => void;
}

/** Marker a handler returns when it wrote the response itself. */
export const HANDLED = Symbol('handled');

/** A small router and server for the API. */
export class HttpApiServer {
  private readonly routes = new Map<string, RouteHandler>();
  private fallback?: RouteHandler;
  private readonly server: http.Server | https.Server;
  private readonly sockets = new Set<Socket>();
  private readonly calls = new Set<AbortController>();
  private readonly token?: Buffer;

  constructor(private readonly opts: HttpServerOptions = {}) {
    this.token = opts.authToken ? Buffer.from(opts.authToken) : undefined;
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res);
    const common = { maxHeaderSize: 32 * 1024, requestTimeout: 30_000, headersTimeout: 15_000 };
    this.server = opts.tls
      ? https.createServer(
          {
            ...common,
            cert: opts.tls.cert,
            key: opts.tls.key,
            ca: opts.tls.clientCa,
            requestCert: !!opts.tls.clientCa,
            rejectUnauthorized: !!opts.tls.clientCa,
          },
          handler,
        )
      : http.createServer(common, handler);
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** Registers a GET route (exact path). */
  get(path: string, h: RouteHandler): this {
    this.routes.set(path, h);
    return this;
  }

  /** Handles every GET path no route matched (static files). */
  otherwise(h: RouteHandler): this {
    this.fallback = h;
    return this;
  }

  /** Starts listening. */
  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Stops accepting, ends streams, and closes idle then remaining connections. */
  async close(graceMs = 2000): Promise<void> {
    for (const c of this.calls) c.abort();
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    this.server.closeIdleConnections?.();
    const t = setTimeout(() => {
      for (const s of this.sockets) s.destroy();
    }, graceMs);
    await closed;
    clearTimeout(t);
  }

  private authorized(req: http.IncomingMessage, url: URL): boolean {
    if (!this.token) return true;
    const p = url.pathname;
    if (!(p.startsWith('/api/') || p === '/metrics') || p === '/api/v1/openapi.json') return true;
    const auth = req.headers.authorization ?? '';
    // EventSource cannot set headers: live streams may pass the token as access_token.
    const given = /^bearer /i.test(auth)
      ? auth.slice(7).trim()
      : p.endsWith('/stream')
        ? (url.searchParams.get('access_token') ?? '')
        : '';
    const g = Buffer.from(given);
    return g.length === this.token.length && timingSafeEqual(g, this.token);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const ac = new AbortController();
    this.calls.add(ac);
    res.on('close', () => {
      ac.abort();
      this.calls.delete(ac);
    });
    let path = '?';
    try {
      const max = this.opts.maxUrlBytes ?? 16 * 1024;
      if ((req.url ?? '').length > max)
        throw new HttpError(414, 'uri_too_long', `request target longer than ${max} bytes`);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        throw new HttpError(
          405,
          'method_not_allowed',
          `${req.method} is not supported; the API is read-only`,
        );
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      path = url.pathname;
      if (!this.authorized(req, url)) {
        res.setHeader('www-authenticate', 'Bearer');
        throw new HttpError(401, 'unauthenticated', 'missing or invalid bearer token');
      }
      const h = this.routes.get(path) ?? (path.startsWith('/api/') ? undefined : this.fallback);
      if (!h) throw new HttpError(404, 'not_found', `no route ${path}`);
      const ctx: RequestContext = { req, res, url, query: url.searchParams, signal: ac.signal };
      const out = await h(ctx);
      if (out === HANDLED || res.headersSent || res.writableEnded) return;
      sendJson(res, 200, out);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError)
        return sendJson(res, err.status, { error: { code: err.code, message: err.message } });
      this.opts.onError?.(err, path);
      sendJson(res, 500, {
        error: { code: 'internal', message: err instanceof Error ? err.message : String(err) },
      });
    }
  }
}

/** Writes a JSON response. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}
