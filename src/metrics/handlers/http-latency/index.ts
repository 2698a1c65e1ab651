/**
 * `http-latency` (flowlens): `flowlens_http_latency_seconds{method,status,reporter}`, a
 * histogram of HTTP latency from the response's `l7.latency_ns`, with the status code that
 * Hubble's duration histogram lacks and buckets from 1 ms to 30 s. Labels are from the
 * request's point of view (source = client), like httpV2. Responses without a latency are
 * not observed (Hubble would observe them as 0).
 */
import { reporter } from '../../flow-fields.js';
import type { LabelFill } from '../../store/family.js';
import type { MetricPlugin } from '../../types.js';
import { contextFamily } from '../common.js';

/** Buckets in seconds. */
export const HTTP_LATENCY_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** The `http-latency` handler plugin. */
export const httpLatencyPlugin: MetricPlugin = {
  name: 'http-latency',
  help: 'flowlens_http_latency_seconds{method,status,reporter} (histogram) from response latency_ns',
  options: {},
  contextOptions: true,
  create(h) {
    const ctx = h.context;
    const keys = h.keys;
    const n = ctx.size;
    const fam = contextFamily(
      h,
      'flowlens_http_latency_seconds',
      'HTTP request latency in seconds, by status',
      'histogram',
      ['method', 'status', 'reporter'],
      {
        buckets: HTTP_LATENCY_BUCKETS,
      },
    );
    const fill: LabelFill<void> = (out, flow, level) => {
      ctx.fill(out, 0, flow, level, true);
      const http = flow.l7!.http!;
      out[n] = http.method ?? '';
      out[n + 1] = String(http.code ?? 0);
      out[n + 2] = reporter(flow);
    };
    return {
      observe(flow, facts) {
        const http = facts.http;
        if (http === undefined || facts.l7Type !== 2) return;
        const ns = facts.l7!.latency_ns;
        if (ns === undefined) return;
        // (method, status, reporter) as KeySpace ids; the reporter follows facts.direction (< 4).
        const code = http.code ?? 0;
        const method = keys.http(http);
        const k2 =
          Number.isInteger(code) && code >= 0 && code < 1 << 20 && method < 1 << 30
            ? method * 4194304 + code * 4 + facts.direction
            : `${method}\u0001${code}\u0001${facts.direction}`;
        fam.observeAt(ctx.keyOf(facts, true), k2, fill, flow, undefined, Number(ns) / 1e9); // latencySeconds
      },
    };
  },
};
