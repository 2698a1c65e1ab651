import { describe, expect, it } from 'vitest';
import type { Flow, FlowEvent } from '../../flow/types';
import { commandsForFlow, commandForQuery } from './observe-command';
import { tokenize } from './observe-flags';
import { dropReasonOf, flattenFields, flowRow, l4Of, summaryOf, toJsonLines, verdictOf } from './flow-view';

const base: Flow = {
  time: '2026-11-20T08:00:00.123456Z',
  uuid: 'u-1',
  verdict: 'DROPPED',
  drop_reason_desc: 'POLICY_DENIED',
  IP: { source: '10.0.0.1', destination: '10.0.0.2' },
  l4: { TCP: { source_port: 40000, destination_port: 8080, flags: { SYN: true } } },
  source: { namespace: 'shop', pod_name: 'frontend-1' },
  destination: { namespace: 'shop', pod_name: 'backend-1' },
  node_name: 'node-a',
};

describe('flow view', () => {
  it('builds a table row', () => {
    expect(flowRow({ flow: base }, 7)).toEqual({
      key: 'u-1#7',
      timeMs: Date.parse(base.time!),
      time: '08:00:00.123',
      node: 'node-a',
      source: 'shop/frontend-1',
      destination: 'shop/backend-1',
      dstPort: 8080,
      protocol: 'TCP',
      l7: '',
      verdict: 'DROPPED',
      dropReason: 'POLICY_DENIED',
      summary: 'TCP Flags: SYN',
    });
  });
  it('skips events without a flow', () => {
    expect(flowRow({ lost_events: { num_events_lost: '3' } }, 0)).toBeUndefined();
  });
  it('labels endpoints by pod, DNS name, IP or reserved identity', () => {
    const world: Flow = {
      IP: { destination: '1.1.1.1' },
      destination_names: ['one.one.one.one'],
      source: { labels: ['reserved:host'] },
    };
    const r = flowRow({ flow: world }, 0)!;
    expect(r.destination).toBe('one.one.one.one');
    expect(r.source).toBe('reserved:host');
  });
  it('maps verdict numbers and drop reasons', () => {
    expect(verdictOf({ verdict: 1 })).toBe('FORWARDED');
    expect(verdictOf({})).toBe('VERDICT_UNKNOWN');
    expect(dropReasonOf({ drop_reason: 133 })).toBe('reason 133');
    expect(dropReasonOf({ verdict: 'FORWARDED' })).toBeUndefined();
  });
  it('reads L4 of each protocol', () => {
    expect(l4Of({ l4: { UDP: { destination_port: 53 } } })).toEqual({
      protocol: 'UDP',
      srcPort: undefined,
      dstPort: 53,
    });
    expect(l4Of({ l4: { ICMPv6: { type: 128 } } })).toEqual({ protocol: 'ICMPv6' });
  });
  const summaries: { name: string; flow: Flow; want: string }[] = [
    {
      name: 'DNS query',
      flow: { l7: { type: 'REQUEST', dns: { query: 'shop.svc.', qtypes: ['A'] } } },
      want: 'DNS Query shop.svc. A',
    },
    {
      name: 'DNS answer with rcode and latency',
      flow: {
        is_reply: true,
        l7: { type: 'RESPONSE', latency_ns: '2500000', dns: { query: 'x.', qtypes: ['AAAA'], rcode: 3 } },
      },
      want: 'DNS Answer x. AAAA rcode=3 2.5ms',
    },
    {
      name: 'HTTP response',
      flow: {
        l7: { type: 'RESPONSE', http: { code: 503, method: 'GET', url: 'http://a/b', protocol: 'HTTP/1.1' } },
      },
      want: 'HTTP/1.1 503 GET http://a/b',
    },
    {
      name: 'Kafka',
      flow: { l7: { kafka: { api_key: 'produce', topic: 'orders', error_code: 2 } } },
      want: 'Kafka produce topic orders error 2',
    },
    { name: 'hubble Summary', flow: { Summary: 'UDP' }, want: 'UDP' },
  ];
  for (const c of summaries) it(`summarises ${c.name}`, () => expect(summaryOf(c.flow)).toBe(c.want));

  it('flattens every field with paths', () => {
    const f = flattenFields({ flow: { source: { labels: ['a', 'b'] }, reply: false, extensions: {} } });
    expect(f).toEqual([
      ['flow.source.labels[0]', 'a'],
      ['flow.source.labels[1]', 'b'],
      ['flow.reply', 'false'],
      ['flow.extensions', '{}'],
    ]);
  });
  it('exports JSON lines that parse back to the same events', () => {
    const evs: FlowEvent[] = [{ flow: base }, { flow: { ...base, uuid: 'u-2' } }];
    const text = toJsonLines(evs);
    expect(text.endsWith('\n')).toBe(true);
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(evs);
  });
});

describe('observe commands', () => {
  it('reproduces a query', () => {
    expect(commandForQuery({ filterFlags: '--verdict DROPPED', since: '2026-11-20T08:00:00Z' })).toBe(
      'flowlens observe --since 2026-11-20T08:00:00Z --verdict DROPPED',
    );
    expect(commandForQuery({ allow: [{ dns_query: ['^a\\.b$'] }] })).toBe(
      `flowlens observe --allowlist '{"dns_query":["^a\\\\.b$"]}'`,
    );
  });
  it('selects one flow by endpoints, port, protocol, verdict and a ±1 s window', () => {
    const c = commandsForFlow(base);
    expect(c.conversation).toBe(
      'flowlens observe --since 2026-11-20T07:59:59.123Z --until 2026-11-20T08:00:01.123Z' +
        ' --from-pod shop/frontend-1 --to-pod shop/backend-1 --protocol tcp --to-port 8080 --verdict DROPPED',
    );
    expect(c.exact).toContain('--uuid u-1');
  });
  it('quotes hostile pod names so the command stays one word per value', () => {
    const evil = '<img src=x onerror=alert(1)>;rm -rf ~';
    const c = commandsForFlow({ ...base, source: { namespace: 'x', pod_name: evil } });
    const words = tokenize(c.conversation);
    expect(words[words.indexOf('--from-pod') + 1]).toBe(`x/${evil}`);
  });
});
