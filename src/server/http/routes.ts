/**
 * The routes of the HTTP API (contract.ts), bound to a backend. Parameter validation lives here
 * so every backend gets the same errors; limits come from the server config.
 */
import type { Dimension, HealthResponse, Measure } from './contract.js';
import { DIMENSIONS, MEASURES } from './dimensions.js';
import type { HttpBackend } from './backend.js';
import { HANDLED, sendJson, type HttpApiServer } from './http-server.js';
import { HttpError } from './http-error.js';
import { openApiDocument } from './openapi.js';
import { boolParam, intParam, parseSelection } from './selection.js';
import { serveLive } from './sse.js';
import { staticFiles } from './static-files.js';

/** Limits of the HTTP API. */
export interface HttpLimits {
  maxFilters: number;
  maxStreams: number;
}

/** Registers the API routes, health, OpenAPI, an optional /metrics and the static UI. */
export function registerRoutes(
  s: HttpApiServer,
  backend: HttpBackend,
  o: HttpLimits & { webDir?: string; metrics?: () => string; version: string },
): { liveStreams: () => number } {
  let live = 0;
  const health = (): HealthResponse => ({ status: backend.readiness() });
  s.get('/healthz', () => ({ status: 'ok' }) satisfies HealthResponse);
  s.get('/readyz', ({ res }) => {
    const h = health();
    sendJson(res, h.status === 'ok' ? 200 : 503, h);
    return HANDLED;
  });
  s.get('/api/v1/openapi.json', () => openApiDocument(o.version));
  s.get('/api/v1/status', () => backend.status());
  s.get('/api/v1/flows', async ({ query, signal }) => {
    const sel = parseSelection(query, o.maxFilters);
    const limit = intParam(query, 'limit', 100, 1, 10_000);
    const first = boolParam(query, 'first');
    return backend.flows({ ...sel, limit, first }, signal);
  });
  s.get('/api/v1/flows/stream', async ({ query, res, signal }) => {
    const sel = parseSelection(query, o.maxFilters);
    const history = intParam(query, 'history', 0, 0, 10_000);
    if (live >= o.maxStreams)
      throw new HttpError(429, 'too_many_streams', `too many live streams (limit ${o.maxStreams})`);
    live++;
    try {
      await serveLive(res, backend, sel, { history }, signal);
    } finally {
      live--;
    }
    return HANDLED;
  });
  s.get('/api/v1/aggregate', async ({ query, signal }) => {
    if (!backend.aggregate)
      throw new HttpError(501, 'not_implemented', 'aggregates need the flow store, which is not available');
    const sel = parseSelection(query, o.maxFilters);
    const groupBy = (query.get('groupBy') ?? 'verdict').split(',').filter((d) => d !== '');
    if (groupBy.length === 0 || groupBy.length > 4)
      throw new HttpError(400, 'bad_request', 'groupBy takes 1 to 4 dimensions');
    for (const d of groupBy) {
      if (!DIMENSIONS.includes(d as Dimension))
        throw new HttpError(
          400,
          'bad_request',
          `unknown dimension ${JSON.stringify(d)}; known: ${DIMENSIONS.join(', ')}`,
        );
    }
    const measure = (query.get('measure') ?? 'flows') as Measure;
    if (!MEASURES.includes(measure))
      throw new HttpError(
        400,
        'bad_request',
        `unknown measure ${JSON.stringify(measure)}; known: ${MEASURES.join(', ')}`,
      );
    const step = query.has('step') ? intParam(query, 'step', 60, 1, 86_400) : undefined;
    const k = intParam(query, 'k', 10, 1, 1000);
    return backend.aggregate({ ...sel, groupBy: groupBy as Dimension[], measure, step, k }, signal);
  });
  s.get('/api/v1/graph', async ({ query, signal }) => {
    if (!backend.graph)
      throw new HttpError(
        501,
        'not_implemented',
        'the service map needs the flow store, which is not available',
      );
    const sel = parseSelection(query, o.maxFilters);
    const level = query.get('level') ?? 'workload';
    if (level !== 'workload' && level !== 'pod')
      throw new HttpError(400, 'bad_request', `level must be workload or pod, got ${JSON.stringify(level)}`);
    return backend.graph({ ...sel, level }, signal);
  });
  s.get('/api/v1/diagnosis', async ({ query, signal }) => {
    if (!backend.diagnosis)
      throw new HttpError(501, 'not_implemented', 'the diagnosis engine is not available in this build');
    return backend.diagnosis(parseSelection(query, o.maxFilters), signal);
  });
  if (o.metrics) {
    const render = o.metrics;
    s.get('/metrics', ({ res }) => {
      const text = render();
      res.writeHead(200, {
        'content-type': 'text/plain; version=0.0.4; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
      return HANDLED;
    });
  }
  s.otherwise(staticFiles(o.webDir));
  return { liveStreams: () => live };
}
