import { describe, expect, it } from 'vitest';
import { FIXTURES, ev, runPipeline, seriesOf } from '../../testing/fixtures.js';

describe('dns handler', () => {
  it('counts golden requests and responses by rcode, qtypes and answers', () => {
    // Golden: 43 requests (31 A, 12 AAAA); 46 responses: 36 No Error, 3 SERVFAIL, 7 NXDOMAIN.
    const text = runPipeline('dns', [FIXTURES.golden]).render();
    expect(seriesOf(text, 'hubble_dns_queries_total')).toEqual([
      '{ips_returned="0",qtypes="A",rcode=""} 31',
      '{ips_returned="0",qtypes="AAAA",rcode=""} 12',
    ]);
    expect(seriesOf(text, 'hubble_dns_responses_total')).toEqual([
      '{ips_returned="0",qtypes="A",rcode="Non-Existent Domain"} 5',
      '{ips_returned="0",qtypes="AAAA",rcode="No Error"} 8',
      '{ips_returned="0",qtypes="AAAA",rcode="Non-Existent Domain"} 2',
      '{ips_returned="0",qtypes="AAAA",rcode="Server Failure"} 3',
      '{ips_returned="1",qtypes="A",rcode="No Error"} 28',
    ]);
    expect(seriesOf(text, 'hubble_dns_response_types_total')).toEqual(['{qtypes="A",type="A"} 28']);
  });

  it('adds query, source and destination (the otel DNS sample: 3 requests, 2 NXDOMAIN answers)', () => {
    const text = runPipeline('dns:query;sourceContext=pod;destinationContext=pod', [FIXTURES.dns5]).render();
    const q = 'istiod-istio-1611.istio-system.svc';
    expect(seriesOf(text, 'hubble_dns_queries_total')).toEqual([
      `{destination="kube-system/kube-dns-b4f5c58c7-vnx5s",ips_returned="0",qtypes="A",query="${q}.cluster.local.",rcode="",source="kube-system/node-local-dns-88zrp"} 1`,
      `{destination="kube-system/kube-dns-b4f5c58c7-vnx5s",ips_returned="0",qtypes="A",query="${q}.istio-system.svc.cluster.local.",rcode="",source="kube-system/node-local-dns-88zrp"} 1`,
      `{destination="kube-system/kube-dns-b4f5c58c7-vnx5s",ips_returned="0",qtypes="A",query="${q}.svc.cluster.local.",rcode="",source="kube-system/node-local-dns-88zrp"} 1`,
    ]);
    expect(seriesOf(text, 'hubble_dns_responses_total')).toEqual([
      `{destination="kube-system/node-local-dns-88zrp",ips_returned="0",qtypes="A",query="${q}.istio-system.svc.cluster.local.",rcode="Non-Existent Domain",source="kube-system/kube-dns-b4f5c58c7-vnx5s"} 1`,
      `{destination="kube-system/node-local-dns-88zrp",ips_returned="0",qtypes="A",query="${q}.svc.cluster.local.",rcode="Non-Existent Domain",source="kube-system/kube-dns-b4f5c58c7-vnx5s"} 1`,
    ]);
  });

  const dns = (d: object, extra: object = {}) =>
    ev({
      event_type: { type: 129 },
      verdict: 'FORWARDED',
      l7: { type: 'RESPONSE', dns: d },
      is_reply: true,
      ...extra,
    });
  const cases = [
    {
      name: 'dropped query is Policy denied',
      metrics: 'dns',
      flow: ev({
        event_type: { type: 129 },
        verdict: 'DROPPED',
        l7: { type: 'REQUEST', dns: { qtypes: ['A'] } },
      }),
      family: 'hubble_dns_queries_total',
      want: ['{ips_returned="0",qtypes="A",rcode="Policy denied"} 1'],
    },
    {
      // Hubble computes ips_returned = len(l7.dns.ips) once per flow, for queries too.
      name: 'dropped response is a Policy denied query that counts its answers',
      metrics: 'dns',
      flow: dns({ rcode: 0, qtypes: ['A'], ips: ['10.0.0.1', '10.0.0.2'] }, { verdict: 'DROPPED' }),
      family: 'hubble_dns_queries_total',
      want: ['{ips_returned="2",qtypes="A",rcode="Policy denied"} 1'],
    },
    {
      name: 'unknown rcode gives an empty rcode',
      metrics: 'dns',
      flow: dns({ rcode: 12, qtypes: ['A'] }),
      family: 'hubble_dns_responses_total',
      want: ['{ips_returned="0",qtypes="A",rcode=""} 1'],
    },
    {
      name: 'answers count and joined qtypes',
      metrics: 'dns',
      flow: dns({ rcode: 0, qtypes: ['A', 'AAAA'], ips: ['1.1.1.1', '::1'] }),
      family: 'hubble_dns_responses_total',
      want: ['{ips_returned="2",qtypes="A,AAAA",rcode="No Error"} 1'],
    },
    {
      name: 'one response type per RR',
      metrics: 'dns',
      flow: dns({ qtypes: ['A'], rrtypes: ['CNAME', 'A'] }),
      family: 'hubble_dns_response_types_total',
      want: ['{qtypes="A",type="A"} 1', '{qtypes="A",type="CNAME"} 1'],
    },
    {
      name: 'ignoreAAAA skips AAAA-only questions',
      metrics: 'dns:ignoreAAAA',
      flow: dns({ qtypes: ['AAAA'] }),
      family: 'hubble_dns_responses_total',
      want: [],
    },
    {
      name: 'ignoreAAAA keeps A,AAAA questions',
      metrics: 'dns:ignoreAAAA',
      flow: dns({ qtypes: ['A', 'AAAA'] }),
      family: 'hubble_dns_responses_total',
      want: ['{ips_returned="0",qtypes="A,AAAA",rcode="No Error"} 1'],
    },
    {
      name: 'a request without is_reply is a query',
      metrics: 'dns',
      flow: ev({ event_type: { type: 129 }, l7: { dns: { qtypes: ['SRV'] } } }),
      family: 'hubble_dns_queries_total',
      want: ['{ips_returned="0",qtypes="SRV",rcode=""} 1'],
    },
  ];
  for (const c of cases) {
    it(`records > ${c.name}`, () => {
      expect(seriesOf(runPipeline(c.metrics, [[c.flow]]).render(), c.family)).toEqual(c.want);
    });
  }
});
