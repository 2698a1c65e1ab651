/**
 * `trace_id` (trace_context.parent.trace_id, absent = "", so `""` matches flows without trace
 * context — and events without a flow) and `ip_trace_id` (v1.19: a flow without `ip_trace_id`
 * never matches; otherwise its `trace_id` must be equal, uint64 compared by value).
 */
import type { FilterBuilder } from './builder.js';
import { isSet } from './builder.js';
import { FilterError } from './errors.js';
import { anyLine, quotedToken } from './line-test.js';

/** Builder for `trace_id`. */
export const traceIdBuilder: FilterBuilder = {
  name: 'trace-id',
  help: 'trace_id: trace context parent trace ID',
  build(filter) {
    if (!isSet(filter.trace_id)) return [];
    const wanted = new Set(filter.trace_id);
    const matchesEmpty = wanted.has('');
    return [
      {
        field: 'trace_id',
        match: (f) => wanted.has(f.trace_context?.parent?.trace_id ?? ''),
        matchesMissingFlow: matchesEmpty,
        lineTest: matchesEmpty ? undefined : anyLine([...wanted].map((t) => quotedToken(t))),
      },
    ];
  },
};

function canonicalUint64(s: string): string {
  if (!/^[0-9]+$/.test(s) || BigInt(s) > 0xffffffffffffffffn) {
    throw new FilterError(`invalid ip trace id filter: invalid value ${JSON.stringify(s)}`);
  }
  return BigInt(s).toString();
}

/** Builder for `ip_trace_id` (v1.19 extension). */
export const ipTraceIdBuilder: FilterBuilder = {
  name: 'ip-trace-id',
  help: 'ip_trace_id: IP option trace IDs (v1.19 extension)',
  build(filter) {
    if (!isSet(filter.ip_trace_id)) return [];
    const wanted = new Set(filter.ip_trace_id.map((v) => canonicalUint64(String(v))));
    return [
      {
        field: 'ip_trace_id',
        match: (f) => {
          const t = f.ip_trace_id;
          if (t === undefined) return false;
          const id = t.trace_id ?? '0';
          return wanted.has(/^0\d/.test(id) ? BigInt(id).toString() : id);
        },
      },
    ];
  },
};
