/**
 * `http` (deprecated upstream) and `httpV2`: HTTP request/response counters and the
 * request-duration histogram from `l7.latency_ns`. httpV2 counts response flows only, labelled
 * from the request's point of view (source = client). Option `exemplars=true` attaches the
 * flow uuid and the trace id.
 */
import type { Flow } from '../../../flow/index.js';
import { reporter } from '../../flow-fields.js';
import type { Family, LabelFill } from '../../store/family.js';
import type { HandlerContext, MetricHandler, MetricPlugin } from '../../types.js';
import { DEFAULT_BUCKETS, contextFamily } from '../common.js';

function count(fam: Family, k1: number, k2: number | string, fill: LabelFill<void>, flow: Flow): void {
  fam.add(k1, k2, fill, flow, undefined, 1);
}

function observe(
  fam: Family,
  k1: number,
  k2: number,
  fill: LabelFill<void>,
  flow: Flow,
  ns: string | undefined,
): void {
  fam.observeAt(k1, k2, fill, flow, undefined, ns === undefined ? 0 : Number(ns) / 1e9); // latencySeconds
}

function createHttp(h: HandlerContext, v2: boolean): MetricHandler {
  const ctx = h.context;
  const keys = h.keys;
  const n = ctx.size;
  const requests = contextFamily(
    h,
    'hubble_http_requests_total',
    'Count of HTTP requests',
    'counter',
    v2 ? ['method', 'protocol', 'status', 'reporter'] : ['method', 'protocol', 'reporter'],
  );
  const responses = v2
    ? undefined
    : contextFamily(h, 'hubble_http_responses_total', 'Count of HTTP responses', 'counter', [
        'method',
        'protocol',
        'status',
        'reporter',
      ]);
  const duration = contextFamily(
    h,
    'hubble_http_request_duration_seconds',
    'Quantiles of HTTP request duration in seconds',
    'histogram',
    ['method', 'reporter'],
    { buckets: DEFAULT_BUCKETS },
  );
  const withStatus: LabelFill<void> = (out, flow, level) => {
    ctx.fill(out, 0, flow, level, v2);
    const http = flow.l7!.http!;
    out[n] = http.method ?? '';
    out[n + 1] = http.protocol ?? '';
    out[n + 2] = String(http.code ?? 0);
    out[n + 3] = reporter(flow);
  };
  const noStatus: LabelFill<void> = (out, flow, level) => {
    ctx.fill(out, 0, flow, level);
    const http = flow.l7!.http!;
    out[n] = http.method ?? '';
    out[n + 1] = http.protocol ?? '';
    out[n + 2] = reporter(flow);
  };
  const durationFill: LabelFill<void> = (out, flow, level) => {
    ctx.fill(out, 0, flow, level, v2);
    out[n] = flow.l7!.http!.method ?? '';
    out[n + 1] = reporter(flow);
  };
  return {
    observe(flow, facts) {
      const http = facts.http;
      if (http === undefined) return;
      const t = facts.l7Type; // 1 REQUEST, 2 RESPONSE
      if (t !== 2 && (v2 || t !== 1)) return;
      const k1 = ctx.keyOf(facts, v2);
      // Own labels as KeySpace ids; `reporter` follows the direction (facts.direction < 4).
      const method = keys.http(http);
      const mp = keys.httpMethodProtocol;
      const dir = facts.direction;
      if (t === 1) {
        count(requests, k1, mp * 4 + dir, noStatus, flow);
        return;
      }
      const code = http.code ?? 0;
      const k2 =
        Number.isInteger(code) && code >= 0 && code < 1 << 20 && mp < 1 << 30
          ? mp * 4194304 + code * 4 + dir
          : `${mp}\u0001${code}\u0001${dir}`;
      count(v2 ? requests : responses!, k1, k2, withStatus, flow);
      observe(duration, k1, method * 4 + dir, durationFill, flow, facts.l7!.latency_ns);
    },
  };
}

const OPTIONS = {} as const;

/** The `http` handler plugin (Hubble's deprecated V1 layout). */
export const httpPlugin: MetricPlugin = {
  name: 'http',
  help: 'hubble_http_requests_total, hubble_http_responses_total, hubble_http_request_duration_seconds (v1 layout)',
  options: OPTIONS,
  contextOptions: true,
  conflicts: ['httpV2'],
  create: (h) => createHttp(h, false),
};

/** The `httpV2` handler plugin. */
export const httpV2Plugin: MetricPlugin = {
  name: 'httpV2',
  help: 'hubble_http_requests_total{method,protocol,status,reporter}, hubble_http_request_duration_seconds (response flows, request view)',
  options: OPTIONS,
  contextOptions: true,
  conflicts: ['http'],
  create: (h) => createHttp(h, true),
};
