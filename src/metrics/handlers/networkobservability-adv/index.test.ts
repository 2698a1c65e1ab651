import { describe, expect, it } from 'vitest';
import { FIXTURES, ev, parseExposition, runPipeline, seriesOf, total } from '../../testing/fixtures.js';

const P = 'networkobservability_adv_';

describe('networkobservability-adv handler (Retina pod-level, from flows)', () => {
  it('counts golden datapath events of local pods (egress: source pod, ingress: destination pod)', () => {
    const text = runPipeline('networkobservability-adv', [FIXTURES.golden]).render();
    // 133 forwarded datapath events, 5 of them without a pod on the local side.
    expect(total(text, P + 'forward_count', { direction: 'egress' })).toBe(77);
    expect(total(text, P + 'forward_count', { direction: 'ingress' })).toBe(51);
    expect(total(text, P + 'drop_count', { direction: 'egress', reason: 'POLICY_DENIED' })).toBe(5);
    expect(total(text, P + 'drop_count', { direction: 'ingress', reason: 'POLICY_DENIED' })).toBe(17);
    const flag = (f: string) => total(text, P + 'tcpflags_count', { flag: f });
    // SYN with ACK counts as SYNACK only; FIN+ACK and PSH+ACK count ACK too.
    expect(['SYN', 'SYNACK', 'ACK', 'FIN', 'PSH', 'RST'].map(flag)).toEqual([29, 24, 61, 15, 25, 0]);
    expect(total(text, P + 'dns_request_count')).toBe(43);
    expect(total(text, P + 'dns_response_count')).toBe(46);
    const s = parseExposition(text).find((x) => x.name === P + 'forward_count')!;
    expect(Object.keys(s.labels).sort()).toEqual([
      'direction',
      'ip',
      'namespace',
      'podname',
      'workload_kind',
      'workload_name',
    ]);
  });

  it('labels DNS responses with the client pod and Retina return codes', () => {
    const text = runPipeline('networkobservability-adv', [FIXTURES.dns5]).render();
    expect(seriesOf(text, P + 'dns_response_count').map((l) => l.replace(/query="[^"]*",/, ''))).toEqual([
      '{ip="10.156.2.2",namespace="kube-system",num_response="0",podname="node-local-dns-88zrp",query_type="A",response="",return_code="NXDOMAIN",workload_kind="unknown",workload_name="unknown"} 1',
      '{ip="10.156.2.2",namespace="kube-system",num_response="0",podname="node-local-dns-88zrp",query_type="A",response="",return_code="NXDOMAIN",workload_kind="unknown",workload_name="unknown"} 1',
    ]);
  });

  it('uses both endpoints with remoteContext, and is_reply with isReply', () => {
    const text = runPipeline('networkobservability-adv:remoteContext;isReply', [FIXTURES.flows10]).render();
    const s = parseExposition(text).filter((x) => x.name === P + 'forward_count');
    expect(s.length).toBeGreaterThan(0);
    expect(Object.keys(s[0]!.labels).sort()).toEqual([
      'destination_ip',
      'destination_namespace',
      'destination_podname',
      'destination_workload_kind',
      'destination_workload_name',
      'direction',
      'is_reply',
      'source_ip',
      'source_namespace',
      'source_podname',
      'source_workload_kind',
      'source_workload_name',
    ]);
  });

  it('counts verdict FORWARDED only in the forward and TCP-flag families, not REDIRECTED', () => {
    const f = (verdict: 'FORWARDED' | 'REDIRECTED') =>
      ev({
        verdict,
        event_type: { type: 4 },
        traffic_direction: 'EGRESS',
        source: { namespace: 'ns', pod_name: 'p' },
        l4: { TCP: { flags: { SYN: true } } },
      });
    const text = runPipeline('networkobservability-adv', [
      [f('FORWARDED'), f('REDIRECTED'), f('REDIRECTED')],
    ]).render();
    const ctx = 'ip="unknown",namespace="ns",podname="p",workload_kind="unknown",workload_name="unknown"';
    expect(seriesOf(text, P + 'forward_count')).toEqual([`{direction="egress",${ctx}} 1`]);
    expect(seriesOf(text, P + 'tcpflags_count')).toEqual([`{flag="SYN",${ctx}} 1`]);
  });

  it('counts Retina retransmission flows (verdict 15)', () => {
    const f = ev({
      verdict: 15,
      event_type: { type: 4 },
      traffic_direction: 'EGRESS',
      source: { namespace: 'ns', pod_name: 'p' },
      l4: { TCP: {} },
    });
    expect(
      seriesOf(runPipeline('networkobservability-adv', [[f, f]]).render(), P + 'tcpretrans_count'),
    ).toEqual([
      '{direction="egress",ip="unknown",namespace="ns",podname="p",workload_kind="unknown",workload_name="unknown"} 2',
    ]);
  });

  it('measures node to API server handshake and reply latency, and unanswered packets', () => {
    const api = { labels: ['reserved:kube-apiserver', 'reserved:world'] };
    const node = { labels: ['reserved:host'] };
    const ip = { source: '10.0.0.4', destination: '10.0.0.1' };
    const back = { source: '10.0.0.1', destination: '10.0.0.4' };
    const syn = ev({
      time: '2024-01-01T00:00:00Z',
      verdict: 'FORWARDED',
      IP: ip,
      source: node,
      destination: api,
      is_reply: false,
      l4: { TCP: { source_port: 5000, destination_port: 443, flags: { SYN: true } } },
    });
    const synAck = ev({
      time: '2024-01-01T00:00:00.0025Z',
      verdict: 'FORWARDED',
      IP: back,
      source: api,
      destination: node,
      is_reply: true,
      l4: { TCP: { source_port: 443, destination_port: 5000, flags: { SYN: true, ACK: true } } },
    });
    const lost = ev({
      time: '2024-01-01T00:00:01Z',
      verdict: 'FORWARDED',
      IP: ip,
      source: node,
      destination: api,
      is_reply: false,
      l4: { TCP: { source_port: 5001, destination_port: 443, flags: { SYN: true } } },
    });
    const later = ev({
      time: '2024-01-01T00:00:10Z',
      verdict: 'FORWARDED',
      IP: ip,
      source: node,
      destination: api,
      is_reply: false,
      l4: { TCP: { source_port: 5002, destination_port: 443, flags: { PSH: true, ACK: true } } },
    });
    const text = runPipeline('networkobservability-adv', [[syn, synAck, lost, later]]).render();
    expect(total(text, P + 'node_apiserver_tcp_handshake_latency_count')).toBe(1);
    expect(total(text, P + 'node_apiserver_tcp_handshake_latency_sum')).toBeCloseTo(2.5, 9);
    expect(total(text, P + 'node_apiserver_tcp_handshake_latency_bucket', { le: '2.5' })).toBe(1);
    expect(total(text, P + 'node_apiserver_tcp_handshake_latency_bucket', { le: '1.5' })).toBe(0);
    expect(total(text, P + 'node_apiserver_latency_count')).toBe(1);
    expect(total(text, P + 'node_apiserver_no_response')).toBe(1);
  });
});
