/**
 * Static files of the web UI (the `web-dist/` folder built by the web app). Paths are resolved
 * inside the folder only; unknown paths without an extension get index.html (client routing).
 */
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { RequestContext } from './http-server.js';
import { HANDLED } from './http-server.js';
import { HttpError } from './http-error.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

function fileAt(root: string, rel: string): string | undefined {
  const p = resolve(root, '.' + sep + normalize(rel));
  if (p !== root && !p.startsWith(root + sep)) return undefined;
  try {
    return statSync(p).isFile() ? p : undefined;
  } catch {
    return undefined;
  }
}

/** A fallback route serving files from `dir` (or a plain notice when the UI is not built). */
export function staticFiles(dir: string | undefined): (ctx: RequestContext) => unknown {
  const root = dir ? resolve(dir) : undefined;
  return (ctx) => {
    let rel: string;
    try {
      rel = decodeURIComponent(ctx.url.pathname);
    } catch {
      throw new HttpError(400, 'bad_request', 'malformed path');
    }
    if (rel.includes('\0')) throw new HttpError(400, 'bad_request', 'malformed path');
    const hasIndex = root ? fileAt(root, 'index.html') : undefined;
    if (!root || !hasIndex) {
      if (rel !== '/') throw new HttpError(404, 'not_found', `no route ${rel}`);
      ctx.res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      ctx.res.end(
        'flowlens is running. The web UI is not built (no web-dist/ folder); the API is under /api/v1/ (see /api/v1/openapi.json).\n',
      );
      return HANDLED;
    }
    let file = rel.endsWith('/') ? fileAt(root, join(rel, 'index.html')) : fileAt(root, rel);
    if (!file && extname(rel) === '') file = hasIndex;
    if (!file) throw new HttpError(404, 'not_found', `no file ${rel}`);
    const st = statSync(file);
    const immutable = /[.-][0-9a-zA-Z_-]{8,}\.(js|css|woff2?|svg|png)$/.test(file);
    ctx.res.writeHead(200, {
      'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': st.size,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    if (ctx.req.method === 'HEAD') ctx.res.end();
    else createReadStream(file).pipe(ctx.res);
    return HANDLED;
  };
}
