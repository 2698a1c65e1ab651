/**
 * The /metrics endpoint: the flow-metrics pipeline's exposition plus flowlens's own metrics,
 * in the format the scraper asks for (Prometheus text or OpenMetrics), optionally behind the
 * bearer token.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { MetricsPipeline } from '../../metrics/index.js';

/** Renders flowlens's own metrics; `openMetrics` selects OpenMetrics family naming. */
export type SelfMetricsRenderer = (openMetrics: boolean) => string;

/** Renders the combined exposition for an Accept header. */
export function renderMetrics(
  pipeline: MetricsPipeline,
  self: SelfMetricsRenderer,
  accept: string | undefined,
): { body: string; contentType: string } {
  const format = pipeline.negotiate(accept);
  const body = pipeline.render(format);
  const contentType = pipeline.contentType(format);
  const open = /openmetrics/.test(contentType);
  if (open) {
    const i = body.lastIndexOf('# EOF');
    const head = i >= 0 ? body.slice(0, i) : body;
    return { body: head + self(true) + '# EOF\n', contentType };
  }
  return { body: body + self(false), contentType };
}

/** A request handler for /metrics (other paths 404). */
export function metricsHandler(
  pipeline: MetricsPipeline,
  self: SelfMetricsRenderer,
  authToken?: string,
): http.RequestListener {
  const token = authToken ? Buffer.from(authToken) : undefined;
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        .end('not found: metrics are at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (token) {
      const auth = req.headers.authorization ?? '';
      const g = Buffer.from(/^bearer /i.test(auth) ? auth.slice(7).trim() : '');
      if (!(g.length === token.length && timingSafeEqual(g, token))) {
        res
          .writeHead(401, { 'www-authenticate': 'Bearer', 'content-type': 'text/plain; charset=utf-8' })
          .end('missing or invalid bearer token\n');
        return;
      }
    }
    const t0 = process.hrtime.bigint();
    let code = 200;
    try {
      const { body, contentType } = renderMetrics(pipeline, self, req.headers.accept);
      res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      code = 500;
      res
        .writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
        .end(`error rendering metrics: ${(err as Error).message}\n`);
    }
    pipeline.recordScrape(code, Number(process.hrtime.bigint() - t0) / 1e9);
  };
}

/** Starts a plain HTTP server for /metrics. */
export async function listenMetrics(
  handler: http.RequestListener,
  host: string,
  port: number,
): Promise<{ server: http.Server; address: AddressInfo }> {
  const server = http.createServer({ requestTimeout: 30_000 }, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => (server.off('error', reject), resolve()));
  });
  return { server, address: server.address() as AddressInfo };
}
