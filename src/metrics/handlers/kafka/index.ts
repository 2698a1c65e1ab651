/** `kafka` (deprecated upstream): Kafka request counter and duration histogram. */
import type { Flow } from '../../../flow/index.js';
import { l7TypeName, latencySeconds, reporter } from '../../flow-fields.js';
import type { LabelFill } from '../../store/family.js';
import type { MetricPlugin } from '../../types.js';
import { DEFAULT_BUCKETS, contextFamily } from '../common.js';

/** The `kafka` handler plugin. */
export const kafkaPlugin: MetricPlugin = {
  name: 'kafka',
  help: 'hubble_kafka_requests_total{topic,api_key,error_code,reporter}, hubble_kafka_request_duration_seconds',
  options: {},
  contextOptions: true,
  create(h) {
    const ctx = h.context;
    const n = ctx.size;
    const requests = contextFamily(
      h,
      'hubble_kafka_requests_total',
      'Count of Kafka requests (deprecated)',
      'counter',
      ['topic', 'api_key', 'error_code', 'reporter'],
    );
    const duration = contextFamily(
      h,
      'hubble_kafka_request_duration_seconds',
      'Quantiles of HTTP request duration in seconds (deprecated)',
      'histogram',
      ['topic', 'api_key', 'reporter'],
      { buckets: DEFAULT_BUCKETS },
    );
    const reqFill: LabelFill<void> = (out, flow, level) => {
      ctx.fill(out, 0, flow, level);
      const k = flow.l7!.kafka!;
      out[n] = k.topic ?? '';
      out[n + 1] = k.api_key ?? '';
      out[n + 2] = String(k.error_code ?? 0);
      out[n + 3] = reporter(flow);
    };
    const durFill: LabelFill<void> = (out, flow, level) => {
      ctx.fill(out, 0, flow, level);
      const k = flow.l7!.kafka!;
      out[n] = k.topic ?? '';
      out[n + 1] = k.api_key ?? '';
      out[n + 2] = reporter(flow);
    };
    return {
      observe(flow: Flow) {
        if (flow.l7?.kafka === undefined || l7TypeName(flow) !== 'REQUEST') return;
        const s = requests.at(reqFill, flow, undefined);
        if (s !== undefined) {
          s.value += 1;
          if (requests.exemplars) requests.exemplar(s, flow, 1);
        }
        const d = duration.at(durFill, flow, undefined);
        if (d !== undefined) {
          const v = latencySeconds(flow);
          const b = duration.observe(d, v);
          if (duration.exemplars) duration.exemplar(d, flow, v, b);
        }
      },
    };
  },
};
