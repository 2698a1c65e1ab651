/**
 * The Prometheus exporter: Hubble's flow-metric handlers with their exact names, labels and
 * options, Retina/ACNS `networkobservability_*` families, flowlens's DNS/HTTP latency
 * histograms, exemplars, cardinality budgets, series expiry and self-metrics.
 *
 * ## API for the server (`flowlens serve`)
 *
 * ```ts
 * import { createServer } from 'node:http';
 * import { createMetricsPipeline, metricsRequestHandler, MetricsError } from '../metrics/index.js';
 *
 * // Throws MetricsError (code METRICS_CONFIG) on a bad --metrics value: report it and exit 1.
 * const metrics = createMetricsPipeline({
 *   metrics: opts.metrics,            // --metrics (static syntax, repeatable); omit for DEFAULT_METRICS
 *   config: yamlText,                 // or --metrics-config FILE contents (exclusive with metrics)
 *   nodeStats: true,                  // read /proc/net/* (agent on a Linux node)
 *   defaults: { ttlMs: 10 * 60_000 }, // idle series expiry; budgets per family
 * });
 * // Feed every decoded batch, naming its source (self-metrics are per source):
 * metrics.observe(batch, 'hubble-grpc');            // FlowEvent[]; lost_events records counted too
 * metrics.sources.lost('hubble-grpc', n);           // flows the ingest loop dropped
 * metrics.sources.skipped('file', n, 'invalid');    // input lines skipped
 * // Serve it on --metrics-listen (default 127.0.0.1:9965, Hubble's port):
 * createServer(metricsRequestHandler(metrics)).listen(9965, '127.0.0.1');
 * // or by hand: const f = metrics.negotiate(req.headers.accept);
 * //             res.setHeader('Content-Type', metrics.contentType(f)); res.end(metrics.render(f));
 * //             metrics.recordScrape(200, seconds);
 * // When a pod is deleted (k8s watch), drop its series at once instead of waiting for expiry:
 * metrics.forgetPod('shop', 'checkout-5d9f-abcde');
 * ```
 *
 * `render()` also runs the periodic work: handler ticks (DNS pairing timeouts), idle-series
 * expiry and the /proc collector (at most once a second).
 */
export {
  createMetricsPipeline,
  type MetricsPipeline,
  type MetricsPipelineOptions,
  type SourceHooks,
} from './pipeline.js';
export { metricsRequestHandler } from './http.js';
export { DEFAULT_METRICS, builtinPlugins } from './builtins.js';
export {
  MetricRegistry,
  defaultHandlerDefaults,
  type HandlerDefaults,
  type BuiltHandler,
} from './registry.js';
export { MetricsError, type MetricsErrorCode } from './errors.js';
export {
  CONTENT_TYPES,
  negotiateFormat,
  renderFamilies,
  type ExpositionFormat,
} from './exposition/render.js';
export {
  parseStaticMetrics,
  parseDynamicConfig,
  formatHandlerSpec,
  type HandlerSpec,
  type OptionEntry,
} from './config/parse.js';
export {
  Family,
  Series,
  type FamilySpec,
  type FamilySettings,
  type LabelFill,
  type Clock,
  type MetricType,
} from './store/family.js';
export { LEVEL_NAMES, OVERFLOW_VALUE } from './store/levels.js';
export { NodeCollector, defaultNodeCollectorOptions, type NodeCollectorOptions } from './node/collector.js';
export type { MetricHandler, MetricPlugin, HandlerContext } from './types.js';
export { HandlerOptions, COMMON_OPTIONS, parseDuration } from './options.js';
export { FlowFacts, factsOf } from './facts.js';
export {
  DASHBOARDS,
  renderDashboards,
  buildDashboard,
  dashboardQueries,
  type DashboardSpec,
} from './dashboards/index.js';
