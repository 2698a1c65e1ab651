import { describe, expect, it } from 'vitest';
import { andInto, drilldown, exactRegex, flowsHref, tcpFlagValue } from './drilldown';
import { parseFilterBar } from './filter-echo';

describe('drilldown', () => {
  const t = Date.parse('2026-11-20T08:00:00Z');
  it('turns a clicked pod series into flags with the panel filter and window', () => {
    const link = drilldown(
      { filter: '--verdict DROPPED', side: 'source' },
      { namespace: 'shop' },
      ['source_pod'],
      ['shop/web-1'],
      [t, t + 60_000],
    );
    expect(link).toEqual({ filter: '--verdict DROPPED --from-pod shop/web-1', from: t, to: t + 60_000 });
    expect(parseFilterBar(link.filter).error).toBeUndefined();
  });
  it('qualifies a bare pod key with the namespace variable', () => {
    expect(
      drilldown({ side: 'destination' }, { namespace: 'pets' }, ['destination_pod'], ['mongodb-0']).filter,
    ).toBe('--to-pod pets/mongodb-0');
  });
  it('applies node and workload variables on the panel side', () => {
    const link = drilldown(
      { side: 'destination' },
      { node: 'n1', namespace: 'shop', workload: 'api' },
      [],
      [],
    );
    expect(link.filter).toBe('--node-name n1 --to-namespace shop --to-workload api');
    expect(parseFilterBar(link.filter).error).toBeUndefined();
  });
  it('puts fields without a flag into an ANDed filter', () => {
    const link = drilldown(
      { filter: '--protocol dns' },
      {},
      ['dns_query', 'dns_qtype', 'is_reply'],
      ['api.shop.', 'A', 'true'],
    );
    expect(link.filter).toBe('--protocol dns');
    expect(link.and).toEqual({ dns_query: ['^api\\.shop\\.$'], reply: [true] });
  });
  it('maps drop reasons, tcp flags, statuses and ports', () => {
    const link = drilldown(
      {},
      {},
      ['drop_reason', 'tcp_flag', 'http_status', 'destination_port'],
      ['POLICY_DENIED', 'SYN-ACK', '503', '8080'],
    );
    expect(link.filter).toBe('--tcp-flags SYN,ACK --http-status 503 --to-port 8080');
    expect(link.and).toEqual({ drop_reason_desc: ['POLICY_DENIED'] });
  });
  it('qualifies pods with the namespace of the key, not a flag per side', () => {
    const link = drilldown(
      { side: 'source' },
      { namespace: 'pets' },
      ['source_namespace', 'source_pod'],
      ['pets', 'rabbitmq-0'],
    );
    expect(link.filter).toBe('--from-pod pets/rabbitmq-0');
    expect(drilldown({}, {}, ['destination_namespace', 'destination_pod'], ['shop', '']).filter).toBe(
      '--to-namespace shop',
    );
  });
  it('splits namespace-qualified workload keys', () => {
    expect(drilldown({}, {}, ['source_workload'], ['shop/web']).filter).toBe(
      '--from-namespace shop --from-workload web',
    );
  });
  it('quotes hostile values so the filter stays parseable', () => {
    const link = drilldown({}, {}, ['source_pod'], [`ns/<b onmouseover='x'>`]);
    expect(parseFilterBar(link.filter).allow).toEqual([{ source_pod: [`ns/<b onmouseover='x'>`] }]);
  });
  it('builds the /flows URL', () => {
    const href = flowsHref({ filter: '--verdict DROPPED', and: { reply: [false] }, from: t, to: t + 1000 });
    const u = new URL(href, 'http://x');
    expect(u.pathname).toBe('/flows');
    expect(u.searchParams.get('filter')).toBe('--verdict DROPPED');
    expect(JSON.parse(u.searchParams.get('and')!)).toEqual({ reply: [false] });
    expect(u.searchParams.get('from')).toBe('2026-11-20T08:00:00.000Z');
  });
  it('helpers', () => {
    expect(exactRegex('a.b*')).toBe('^a\\.b\\*$');
    expect(tcpFlagValue('syn|ack')).toBe('SYN,ACK');
    expect(andInto([{ verdict: ['DROPPED'] }, { source_pod: ['a/'] }], { reply: [true] })).toEqual([
      { verdict: ['DROPPED'], reply: [true] },
      { source_pod: ['a/'], reply: [true] },
    ]);
    expect(andInto([], { reply: [true] })).toEqual([{ reply: [true] }]);
  });
});
