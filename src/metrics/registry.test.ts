import { describe, expect, it } from 'vitest';
import { builtinPlugins } from './builtins.js';
import { parseStaticMetrics } from './config/parse.js';
import { MetricsError } from './errors.js';
import { MetricRegistry } from './registry.js';

const build = (metrics: string) =>
  new MetricRegistry(builtinPlugins).build(parseStaticMetrics(metrics), { now: 0 });

describe('metric registry', () => {
  const errors: [string, RegExp][] = [
    ['nope', /unknown metric 'nope' \(known: dns, drop, flow/],
    [
      'dns:quer',
      /unknown option 'quer' for metric 'dns' \(accepted: query, ignoreaaaa, budget, ttl, exemplars, sourceContext & co\.\)/,
    ],
    [
      'networkobservability:sourceContext=pod',
      /unknown option 'sourceContext' for metric 'networkobservability'/,
    ],
    ['http httpV2', /cannot be enabled together/],
    ['flow:budget=0', /must be a positive integer/],
    ['flow:exemplars=maybe', /must be true or false/],
    ['flow:ttl=5x', /invalid duration/],
    ['dns-latency http-latency:sourceContext=pod|nope', /unknown context 'nope'/],
  ];
  for (const [m, want] of errors) {
    it(`rejects ${m}`, () => {
      expect(() => build(m)).toThrow(MetricsError);
      expect(() => build(m)).toThrow(want);
    });
  }

  it('accepts option keys in any case', () => {
    expect(
      build('dns:QUERY;IgnoreAAAA;SourceContext=pod;BUDGET=5').map((b) =>
        b.families.map((f) => [f.name, f.budget]),
      ),
    ).toEqual([
      [
        ['hubble_dns_queries_total', 5],
        ['hubble_dns_responses_total', 5],
        ['hubble_dns_response_types_total', 5],
      ],
    ]);
  });

  it('rejects plugins registered twice', () => {
    expect(() => new MetricRegistry([...builtinPlugins, builtinPlugins[0]!])).toThrow(/registered twice/);
  });

  it('lists every handler with its options in the help', () => {
    const help = new MetricRegistry(builtinPlugins).help();
    for (const p of builtinPlugins) expect(help).toContain(p.name);
    expect(help).toContain('options: query, ignoreaaaa');
  });

  it('shares context labels between handlers with the same options', () => {
    const built = build('flow:sourceContext=pod tcp:sourceContext=pod drop:sourceContext=namespace');
    expect(built).toHaveLength(3);
  });
});
