import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_METRICS } from '../builtins.js';
import { FIXTURES, ROOT, ev, parseExposition, runPipeline } from '../testing/fixtures.js';
import { CONTENT_TYPES, negotiateFormat } from './render.js';

/** Compares with test/golden/metrics/NAME; UPDATE_GOLDEN=1 rewrites the file. */
function golden(name: string, text: string): void {
  const path = `${ROOT}test/golden/metrics/${name}`;
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  expect(text).toBe(readFileSync(path, 'utf8'));
}

const HUBBLE_ALL = [
  'dns:query;sourceContext=namespace;destinationContext=namespace',
  'drop:sourceContext=identity;destinationContext=identity',
  'flow:sourceContext=workload-name|reserved-identity;destinationContext=workload-name|reserved-identity',
  'flows-to-world:any-drop;port;sourceContext=namespace',
  'httpV2:labelsContext=source_ip,source_namespace,source_workload,destination_ip,destination_namespace,destination_workload,traffic_direction',
  'icmp:sourceContext=pod',
  'kafka',
  'policy:sourceContext=app',
  'port-distribution:destinationContext=app',
  'tcp:sourceEgressContext=pod;destinationIngressContext=pod',
];

describe('exposition golden files (UPDATE_GOLDEN=1 to regenerate)', () => {
  it('every Hubble handler on the golden input, Prometheus text', () => {
    golden('hubble-handlers.prom.txt', runPipeline(HUBBLE_ALL, [FIXTURES.golden]).render('prometheus'));
  });

  it('the default handler set on the golden input and otel samples, Prometheus text', () => {
    golden(
      'default.prom.txt',
      runPipeline(
        [...DEFAULT_METRICS],
        [FIXTURES.golden, FIXTURES.dns5, FIXTURES.http5, FIXTURES.drops],
      ).render('prometheus'),
    );
  });

  it('the default handler set with exemplars, OpenMetrics', () => {
    const metrics = DEFAULT_METRICS.map((m) =>
      /^(httpV2|dns-latency|drop):/.test(m) ? `${m};exemplars=true` : m,
    );
    golden('default.openmetrics.txt', runPipeline(metrics, [FIXTURES.golden]).render('openmetrics'));
  });

  it('Retina pod-level families, Prometheus text', () => {
    golden(
      'networkobservability-adv.prom.txt',
      runPipeline('networkobservability-adv', [FIXTURES.golden, FIXTURES.dns5]).render('prometheus'),
    );
  });
});

describe('OpenMetrics', () => {
  const flow = {
    time: '2026-11-20T08:00:01.5Z',
    uuid: '0e8f7f0a-1111-4222-8333-444455556666',
    trace_context: { parent: { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' } },
    event_type: { type: 129 },
    traffic_direction: 'INGRESS' as const,
    l7: {
      type: 'RESPONSE' as const,
      latency_ns: '30000000',
      http: { code: 200, method: 'GET', protocol: 'HTTP/1.1' },
    },
  };

  it('writes counter families without _total, samples with it, exemplars and # EOF', () => {
    const text = runPipeline('httpV2:exemplars=true', [[ev(flow)]]).render('openmetrics');
    const lines = text.split('\n');
    expect(lines).toContain('# TYPE hubble_http_requests counter');
    expect(lines).toContain('# HELP hubble_http_requests Count of HTTP requests');
    expect(lines).toContain(
      'hubble_http_requests_total{method="GET",protocol="HTTP/1.1",reporter="server",status="200"} 1.0 # {traceID="4bf92f3577b34da6a3ce929d0e0e4736",flow_uuid="0e8f7f0a-1111-4222-8333-444455556666"} 1.0 1.7951616015e+09',
    );
    // The histogram exemplar sits on the bucket the observation fell in (0.03 s → le 0.05).
    expect(lines).toContain(
      'hubble_http_request_duration_seconds_bucket{method="GET",reporter="server",le="0.05"} 1 # {traceID="4bf92f3577b34da6a3ce929d0e0e4736",flow_uuid="0e8f7f0a-1111-4222-8333-444455556666"} 0.03 1.7951616015e+09',
    );
    expect(lines).toContain(
      'hubble_http_request_duration_seconds_bucket{method="GET",reporter="server",le="10.0"} 1',
    );
    expect(lines).toContain('hubble_http_request_duration_seconds_sum{method="GET",reporter="server"} 0.03');
    expect(lines).toContain('hubble_http_request_duration_seconds_count{method="GET",reporter="server"} 1');
    expect(text.endsWith('# EOF\n')).toBe(true);
  });

  it('puts no exemplars in the Prometheus text format, and none without exemplars=true', () => {
    expect(runPipeline('httpV2:exemplars=true', [[ev(flow)]]).render('prometheus')).not.toContain('# {');
    expect(runPipeline('httpV2', [[ev(flow)]]).render('openmetrics')).not.toContain('# {');
  });

  it('announces counters without _total as unknown so that their sample names do not change', () => {
    const text = runPipeline('networkobservability', [FIXTURES.golden]).render('openmetrics');
    expect(text).toContain('# TYPE networkobservability_dns_request_count unknown\n');
    expect(parseExposition(text).some((s) => s.name === 'networkobservability_dns_request_count')).toBe(true);
    expect(text).toContain('# TYPE networkobservability_forward_count gauge\n');
  });

  it('negotiates the format from the Accept header', () => {
    const prom =
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
    expect(negotiateFormat(prom)).toBe('openmetrics');
    expect(negotiateFormat(prom, false)).toBe('prometheus');
    expect(negotiateFormat('text/plain;version=0.0.4')).toBe('prometheus');
    expect(negotiateFormat(undefined)).toBe('prometheus');
    expect(negotiateFormat('application/openmetrics-text;q=0')).toBe('prometheus');
    expect(CONTENT_TYPES.openmetrics).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(CONTENT_TYPES.prometheus).toBe('text/plain; version=0.0.4; charset=utf-8');
  });
});

describe('Prometheus text', () => {
  it('sorts families by name and series by label values, labels by name with le last', () => {
    const a = (ns: string) => ev({ source: { namespace: ns }, l4: { ICMPv4: { type: 8 } } });
    const text = runPipeline(['icmp:sourceContext=namespace', 'drop'], [[a('b'), a('a'), a('c')]]).render();
    expect(text.split('\n').filter((l) => l.startsWith('hubble_icmp_total'))).toEqual([
      'hubble_icmp_total{family="IPv4",source="a",type="EchoRequest"} 1',
      'hubble_icmp_total{family="IPv4",source="b",type="EchoRequest"} 1',
      'hubble_icmp_total{family="IPv4",source="c",type="EchoRequest"} 1',
    ]);
    expect(text).not.toContain('# TYPE hubble_drop_total'); // empty families are omitted
  });

  it('escapes label values', () => {
    const text = runPipeline('flow:sourceContext=pod-name', [
      [ev({ source: { pod_name: 'we"ird\\pod\nx' } })],
    ]).render();
    expect(text).toContain('source="we\\"ird\\\\pod\\nx"');
    expect(parseExposition(text).find((s) => s.name === 'hubble_flows_processed_total')!.labels.source).toBe(
      'we"ird\\pod\nx',
    );
  });
});
