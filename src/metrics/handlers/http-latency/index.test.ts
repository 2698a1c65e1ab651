import { describe, expect, it } from 'vitest';
import { FIXTURES, runPipeline, seriesOf, total } from '../../testing/fixtures.js';

describe('http-latency handler', () => {
  it('observes golden responses with latency_ns by method, status and reporter', () => {
    // 23 golden HTTP responses, all with latency_ns; 3 of them DELETE 204.
    const text = runPipeline('http-latency', [FIXTURES.golden]).render();
    expect(total(text, 'flowlens_http_latency_seconds_count')).toBe(23);
    expect(seriesOf(text, 'flowlens_http_latency_seconds_count')).toContain(
      '{method="DELETE",reporter="server",status="204"} 3',
    );
  });

  it('buckets the otel HTTP sample: 0.99996 s in le=1, 4.138 s in le=5, source = client', () => {
    const text = runPipeline('http-latency:sourceContext=pod;destinationContext=pod', [
      FIXTURES.http5,
    ]).render();
    const want = (le: string) => total(text, 'flowlens_http_latency_seconds_bucket', { le });
    expect([want('0.5'), want('1'), want('2.5'), want('5'), want('30'), want('+Inf')]).toEqual([
      0, 1, 1, 2, 2, 2,
    ]);
    expect(
      total(text, 'flowlens_http_latency_seconds_count', {
        source: 'istio-system/prometheus-6655946b9f-6xcpf',
        status: '503',
      }),
    ).toBe(2);
  });
});
