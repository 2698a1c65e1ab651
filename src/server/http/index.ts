/**
 * The HTTP transport: JSON API (contract.ts), SSE live flows, health, OpenAPI and the web UI's
 * static files. Backends plug in through HttpBackend.
 */
export type * from './contract.js';
export type {
  HttpBackend,
  FlowSelection,
  FlowsQuery as HttpFlowsQuery,
  AggregateQuery,
  GraphQuery,
  LiveSink,
} from './backend.js';
export {
  HttpApiServer,
  sendJson,
  HANDLED,
  type HttpServerOptions,
  type RequestContext,
  type RouteHandler,
} from './http-server.js';
export { HttpError } from './http-error.js';
export { registerRoutes, type HttpLimits } from './routes.js';
export { DIMENSIONS, MEASURES } from './dimensions.js';
export { openApiDocument } from './openapi.js';
export { parseSelection, splitArgs, filterParam, timeParam } from './selection.js';
export {
  metricsHandler,
  renderMetrics,
  listenMetrics,
  type SelfMetricsRenderer,
} from './metrics-endpoint.js';
export { LocalHttpBackend, type LocalHttpDeps } from './local-backend.js';
export { pushdown, type DimensionWhere } from './pushdown.js';
