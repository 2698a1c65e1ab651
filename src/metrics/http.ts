/**
 * A node:http request handler serving a pipeline's `/metrics`, with format negotiation and
 * scrape accounting. `flowlens serve` mounts it on `--metrics-listen`; `flowlens metrics
 * --listen` uses it too.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricsPipeline } from './pipeline.js';

/** Serves GET/HEAD `/metrics`; other paths get 404, other methods 405. */
export function metricsRequestHandler(
  pipeline: MetricsPipeline,
  path = '/metrics',
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (url !== path) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res
        .writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' })
        .end('method not allowed\n');
      return;
    }
    const t0 = process.hrtime.bigint();
    let code = 200;
    try {
      const format = pipeline.negotiate(req.headers.accept);
      const body = pipeline.render(format);
      res.writeHead(200, { 'Content-Type': pipeline.contentType(format) });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      code = 500;
      res
        .writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end(`error rendering metrics: ${(err as Error).message}\n`);
    }
    pipeline.recordScrape(code, Number(process.hrtime.bigint() - t0) / 1e9);
  };
}
