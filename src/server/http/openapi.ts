/**
 * The OpenAPI 3.1 document of the HTTP API, served at /api/v1/openapi.json. It describes the
 * routes and types of contract.ts; flows are described loosely (the Hubble proto-JSON `flow`
 * object, documented in the Hubble flow spec) rather than field by field.
 */
import { DIMENSIONS, MEASURES } from './dimensions.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const str = { type: 'string' };
const num = { type: 'number' };
const int = { type: 'integer' };

const selectionParams = [
  {
    name: 'filter',
    in: 'query',
    schema: str,
    description:
      'Filter flags of `flowlens observe` (hubble observe), e.g. `--verdict DROPPED --to-namespace shop`.',
  },
  {
    name: 'allow',
    in: 'query',
    schema: str,
    description: 'FlowFilter JSON (an object or an array of objects), ORed into the allowlist.',
  },
  { name: 'deny', in: 'query', schema: str, description: 'FlowFilter JSON, denylist.' },
  { name: 'since', in: 'query', schema: str, description: 'RFC 3339 time or a duration ago such as `15m`.' },
  { name: 'until', in: 'query', schema: str, description: 'RFC 3339 time or a duration ago.' },
  { name: 'node', in: 'query', schema: str, description: 'Exact node name.' },
  {
    name: 'namespace',
    in: 'query',
    schema: str,
    description: 'Exact namespace of either endpoint (see side).',
  },
  {
    name: 'workload',
    in: 'query',
    schema: str,
    description: 'Workload name or namespace/name of either endpoint (see side).',
  },
  { name: 'side', in: 'query', schema: { type: 'string', enum: ['either', 'source', 'destination'] } },
];

const errorResponse = { description: 'Error', content: { 'application/json': { schema: ref('Error') } } };
const json = (schema: unknown, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});

/** Builds the document. */
export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'flowlens HTTP API',
      version,
      description:
        'Read-only API of `flowlens serve` for the web UI and scripts. When the server has an auth token, /api/ routes (except this document) and /metrics need `Authorization: Bearer <token>`; live streams also accept `access_token=`.',
    },
    paths: {
      '/api/v1/flows': {
        get: {
          summary: 'Newest (or with first=true oldest) matching flows',
          parameters: [
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 10000, default: 100 },
            },
            { name: 'first', in: 'query', schema: { type: 'boolean', default: false } },
            ...selectionParams,
          ],
          responses: { 200: json(ref('FlowsResponse')), 400: errorResponse, 401: errorResponse },
        },
      },
      '/api/v1/flows/stream': {
        get: {
          summary: 'Live flows as Server-Sent Events',
          description:
            'Events: `flow` (data: JSON array of FlowEvent), `lost` (data: {num_events_lost, source}), `status` (data: StatusResponse, every 5 s). Starts with the last `history` matching flows.',
          parameters: [
            {
              name: 'history',
              in: 'query',
              schema: { type: 'integer', minimum: 0, maximum: 10000, default: 0 },
            },
            ...selectionParams,
          ],
          responses: {
            200: { description: 'event stream', content: { 'text/event-stream': { schema: str } } },
            429: errorResponse,
          },
        },
      },
      '/api/v1/status': {
        get: { summary: 'Server status, sources and nodes', responses: { 200: json(ref('StatusResponse')) } },
      },
      '/api/v1/aggregate': {
        get: {
          summary: 'Counts or latencies grouped by dimensions (top-k), optionally as time series',
          parameters: [
            {
              name: 'groupBy',
              in: 'query',
              schema: str,
              description: `Comma-separated, 1-4 of: ${DIMENSIONS.join(', ')}`,
            },
            {
              name: 'measure',
              in: 'query',
              schema: { type: 'string', enum: [...MEASURES], default: 'flows' },
            },
            {
              name: 'step',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 86400 },
              description: 'Bucket width in seconds: return time series.',
            },
            { name: 'k', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 10 } },
            ...selectionParams,
          ],
          responses: { 200: json(ref('AggregateResponse')), 400: errorResponse, 501: errorResponse },
        },
      },
      '/api/v1/graph': {
        get: {
          summary: 'Service map: workloads or pods and the flows between them',
          parameters: [
            {
              name: 'level',
              in: 'query',
              schema: { type: 'string', enum: ['workload', 'pod'], default: 'workload' },
            },
            ...selectionParams,
          ],
          responses: { 200: json(ref('GraphResponse')), 400: errorResponse, 501: errorResponse },
        },
      },
      '/api/v1/diagnosis': {
        get: {
          summary: 'Diagnosis report (findings with evidence)',
          parameters: selectionParams,
          responses: { 200: json({ type: 'object' }), 501: errorResponse },
        },
      },
      '/api/v1/openapi.json': {
        get: { summary: 'This document', responses: { 200: json({ type: 'object' }) } },
      },
      '/healthz': { get: { summary: 'Liveness', responses: { 200: json(ref('HealthResponse')) } } },
      '/readyz': {
        get: {
          summary: 'Readiness',
          responses: { 200: json(ref('HealthResponse')), 503: json(ref('HealthResponse'), 'Not ready') },
        },
      },
    },
    components: {
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: { type: 'object', required: ['code', 'message'], properties: { code: str, message: str } },
          },
        },
        FlowEvent: {
          type: 'object',
          description:
            'A Hubble GetFlowsResponse in proto-JSON (proto field names, enum names, 64-bit integers as strings): one of flow, node_status, lost_events, plus node_name and time.',
          properties: {
            flow: { type: 'object' },
            node_status: { type: 'object' },
            lost_events: { type: 'object' },
            node_name: str,
            time: { type: 'string', format: 'date-time' },
          },
        },
        NodeInfo: {
          type: 'object',
          required: ['name', 'state', 'flows', 'lost'],
          properties: {
            name: str,
            state: { type: 'string', enum: ['CONNECTED', 'UNAVAILABLE', 'ERROR', 'LOCAL'] },
            flows: num,
            lost: num,
            message: str,
          },
        },
        Coverage: {
          type: 'object',
          required: ['examined', 'lost', 'nodes'],
          properties: {
            oldest: str,
            newest: str,
            examined: num,
            lost: num,
            nodes: { type: 'array', items: ref('NodeInfo') },
          },
        },
        FlowsResponse: {
          type: 'object',
          required: ['flows', 'truncated', 'coverage'],
          properties: {
            flows: { type: 'array', items: ref('FlowEvent') },
            truncated: { type: 'boolean' },
            coverage: ref('Coverage'),
          },
        },
        StatusResponse: {
          type: 'object',
          properties: {
            version: str,
            uptimeSeconds: num,
            numFlows: num,
            maxFlows: num,
            seenFlows: num,
            lostFlows: num,
            flowsPerSecond: num,
            store: {
              type: 'object',
              properties: { enabled: { type: 'boolean' }, flows: num, bytes: num, oldest: str, newest: str },
            },
            sources: {
              type: 'array',
              items: {
                type: 'object',
                properties: { name: str, state: str, flows: num, lost: num, message: str },
              },
            },
            nodes: { type: 'array', items: ref('NodeInfo') },
            authRequired: { type: 'boolean' },
          },
        },
        AggregateResponse: {
          type: 'object',
          required: ['groupBy', 'measure', 'groups', 'coverage'],
          properties: {
            groupBy: { type: 'array', items: { type: 'string', enum: [...DIMENSIONS] } },
            measure: { type: 'string', enum: [...MEASURES] },
            step: int,
            groups: {
              type: 'array',
              items: {
                type: 'object',
                required: ['key', 'total'],
                properties: {
                  key: { type: 'array', items: str },
                  total: num,
                  points: { type: 'array', items: { type: 'array', items: num, minItems: 2, maxItems: 2 } },
                },
              },
            },
            other: num,
            coverage: ref('Coverage'),
          },
        },
        GraphResponse: {
          type: 'object',
          required: ['nodes', 'edges', 'coverage'],
          properties: {
            nodes: {
              type: 'array',
              items: {
                type: 'object',
                required: ['id', 'label', 'namespace', 'kind', 'flows'],
                properties: {
                  id: str,
                  label: str,
                  namespace: str,
                  workload: str,
                  pod: str,
                  kind: { type: 'string', enum: ['workload', 'pod', 'world', 'host', 'reserved', 'unknown'] },
                  pods: { type: 'array', items: str },
                  flows: num,
                },
              },
            },
            edges: {
              type: 'array',
              items: {
                type: 'object',
                required: ['id', 'source', 'target', 'protocol', 'flows', 'rate', 'verdicts'],
                properties: {
                  id: str,
                  source: str,
                  target: str,
                  protocol: str,
                  port: int,
                  flows: num,
                  rate: num,
                  verdicts: { type: 'object', additionalProperties: num },
                  l7: { type: 'object', additionalProperties: num },
                  dropReasons: { type: 'object', additionalProperties: num },
                },
              },
            },
            coverage: ref('Coverage'),
          },
        },
        HealthResponse: {
          type: 'object',
          required: ['status'],
          properties: { status: { type: 'string', enum: ['ok', 'starting', 'draining'] } },
        },
      },
    },
  };
}
