import { describe, expect, it } from 'vitest';
import { ev, runPipeline, seriesOf } from '../../testing/fixtures.js';

describe('kafka handler', () => {
  it('counts requests by topic, api key, error code and reporter, with their duration', () => {
    const req = (topic: string, code: number) =>
      ev({
        event_type: { type: 129 },
        traffic_direction: 'INGRESS',
        l7: {
          type: 'REQUEST',
          latency_ns: '20000000',
          kafka: { topic, api_key: 'produce', error_code: code },
        },
      });
    const resp = ev({ event_type: { type: 129 }, l7: { type: 'RESPONSE', kafka: { topic: 'orders' } } });
    const text = runPipeline('kafka', [
      [req('orders', 0), req('orders', 0), req('orders', 3), resp],
    ]).render();
    expect(seriesOf(text, 'hubble_kafka_requests_total')).toEqual([
      '{api_key="produce",error_code="0",reporter="server",topic="orders"} 2',
      '{api_key="produce",error_code="3",reporter="server",topic="orders"} 1',
    ]);
    expect(seriesOf(text, 'hubble_kafka_request_duration_seconds_count')).toEqual([
      '{api_key="produce",reporter="server",topic="orders"} 3',
    ]);
    expect(seriesOf(text, 'hubble_kafka_request_duration_seconds_sum')).toEqual([
      '{api_key="produce",reporter="server",topic="orders"} 0.06',
    ]);
  });
});
