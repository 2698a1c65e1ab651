import { describe, expect, it } from 'vitest';
import { FIXTURES, ev, parseExposition, runPipeline, seriesOf } from '../../testing/fixtures.js';

describe('http handlers', () => {
  it('httpV2 counts the 23 golden response flows by method, protocol, status and reporter', () => {
    const text = runPipeline('httpV2', [FIXTURES.golden]).render();
    expect(seriesOf(text, 'hubble_http_requests_total')).toEqual([
      '{method="DELETE",protocol="HTTP/1.1",reporter="server",status="204"} 3',
      '{method="DELETE",protocol="HTTP/2",reporter="server",status="200"} 1',
      '{method="GET",protocol="HTTP/1.1",reporter="server",status="200"} 7',
      '{method="GET",protocol="HTTP/1.1",reporter="server",status="403"} 1',
      '{method="GET",protocol="HTTP/2",reporter="server",status="200"} 4',
      '{method="GET",protocol="HTTP/2",reporter="server",status="404"} 1',
      '{method="POST",protocol="HTTP/2",reporter="server",status="500"} 1',
      '{method="PUT",protocol="HTTP/1.1",reporter="server",status="200"} 4',
      '{method="PUT",protocol="HTTP/2",reporter="server",status="200"} 1',
    ]);
    expect(seriesOf(text, 'hubble_http_request_duration_seconds_count')).toEqual([
      '{method="DELETE",reporter="server"} 4',
      '{method="GET",reporter="server"} 13',
      '{method="POST",reporter="server"} 1',
      '{method="PUT",reporter="server"} 5',
    ]);
    expect(text).not.toContain('hubble_http_responses_total');
  });

  it('http (v1) counts requests and responses of the otel HTTP sample, with the duration histogram', () => {
    // 3 GET requests (egress: client); 2 responses 503 with latency 0.999958359 s and 4.13818364 s.
    const text = runPipeline('http', [FIXTURES.http5]).render();
    expect(seriesOf(text, 'hubble_http_requests_total')).toEqual([
      '{method="GET",protocol="HTTP/1.1",reporter="client"} 3',
    ]);
    expect(seriesOf(text, 'hubble_http_responses_total')).toEqual([
      '{method="GET",protocol="HTTP/1.1",reporter="client",status="503"} 2',
    ]);
    const buckets = parseExposition(text).filter(
      (s) => s.name === 'hubble_http_request_duration_seconds_bucket',
    );
    expect(buckets.map((b) => `${b.labels.le}:${b.value}`)).toEqual([
      '0.005:0',
      '0.01:0',
      '0.025:0',
      '0.05:0',
      '0.1:0',
      '0.25:0',
      '0.5:0',
      '1:1',
      '2.5:1',
      '5:2',
      '10:2',
      '+Inf:2',
    ]);
    expect(seriesOf(text, 'hubble_http_request_duration_seconds_sum')).toEqual([
      '{method="GET",reporter="client"} 5.138141999',
    ]);
  });

  it('httpV2 labels response flows from the request point of view (source = client)', () => {
    // As upstream: values are computed on the response's own endpoints with their own lists,
    // then swapped. So `source` is the client (the response's destination) as named by the
    // destination list (namespace), and `destination` the server as named by the source list (pod).
    const text = runPipeline('httpV2:sourceContext=pod;destinationContext=namespace', [
      FIXTURES.http5,
    ]).render();
    expect(seriesOf(text, 'hubble_http_requests_total')).toEqual([
      '{destination="kube-system/node-local-dns-6jnx9",method="GET",protocol="HTTP/1.1",reporter="client",source="istio-system",status="503"} 1',
      '{destination="kube-system/node-local-dns-r99x7",method="GET",protocol="HTTP/1.1",reporter="client",source="istio-system",status="503"} 1',
    ]);
    const same = runPipeline('httpV2:sourceContext=pod;destinationContext=pod', [FIXTURES.http5]).render();
    expect(seriesOf(same, 'hubble_http_requests_total').map((l) => /source="([^"]*)"/.exec(l)![1])).toEqual([
      'istio-system/prometheus-6655946b9f-6xcpf',
      'istio-system/prometheus-6655946b9f-6xcpf',
    ]);
  });

  it('httpV2 inverts labelsContext too', () => {
    const flow = {
      event_type: { type: 129 },
      traffic_direction: 'INGRESS' as const,
      IP: { source: '10.0.0.2', destination: '10.0.0.1' },
      source: { namespace: 'srv', pod_name: 'api-1', workloads: [{ name: 'api', kind: 'Deployment' }] },
      destination: { namespace: 'cli', pod_name: 'web-1' },
      l7: {
        type: 'RESPONSE' as const,
        latency_ns: '5000000',
        http: { code: 200, method: 'GET', protocol: 'HTTP/1.1' },
      },
    };
    const text = runPipeline(
      'httpV2:labelsContext=source_ip,source_namespace,destination_ip,destination_workload,destination_workload_kind,traffic_direction',
      [[ev(flow)]],
    ).render();
    expect(seriesOf(text, 'hubble_http_requests_total')).toEqual([
      '{destination_ip="10.0.0.2",destination_workload="api",destination_workload_kind="Deployment",method="GET",protocol="HTTP/1.1",reporter="server",source_ip="10.0.0.1",source_namespace="cli",status="200",traffic_direction="ingress"} 1',
    ]);
  });

  it('http and httpV2 cannot be enabled together', () => {
    expect(() => runPipeline(['http', 'httpV2'], [])).toThrow(/cannot be enabled together/);
  });
});
