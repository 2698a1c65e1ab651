import { describe, expect, it } from 'vitest';
import { formatHandlerSpec, parseDynamicConfig, parseStaticMetrics } from './parse.js';

describe('static --metrics syntax', () => {
  const cases: {
    name: string;
    input: string | string[];
    want: { name: string; options: [string, string[]][] }[];
  }[] = [
    {
      name: 'bare names',
      input: 'dns drop  flow',
      want: [
        { name: 'dns', options: [] },
        { name: 'drop', options: [] },
        { name: 'flow', options: [] },
      ],
    },
    {
      name: 'flags',
      input: 'dns:query;ignoreAAAA',
      want: [
        {
          name: 'dns',
          options: [
            ['query', []],
            ['ignoreAAAA', []],
          ],
        },
      ],
    },
    {
      name: 'identifier alternatives split on |',
      input:
        'flow:sourceContext=workload-name|reserved-identity;destinationContext=workload-name|reserved-identity',
      want: [
        {
          name: 'flow',
          options: [
            ['sourceContext', ['workload-name', 'reserved-identity']],
            ['destinationContext', ['workload-name', 'reserved-identity']],
          ],
        },
      ],
    },
    {
      name: 'lists split on ,',
      input: 'httpV2:exemplars=true;labelsContext=source_ip,source_namespace,traffic_direction',
      want: [
        {
          name: 'httpV2',
          options: [
            ['exemplars', ['true']],
            ['labelsContext', ['source_ip', 'source_namespace', 'traffic_direction']],
          ],
        },
      ],
    },
    {
      name: 'several flags',
      input: ['flows-to-world:any-drop;port;syn-only', 'tcp'],
      want: [
        {
          name: 'flows-to-world',
          options: [
            ['any-drop', []],
            ['port', []],
            ['syn-only', []],
          ],
        },
        { name: 'tcp', options: [] },
      ],
    },
    {
      name: 'newlines as separators',
      input: 'dns:query\n  drop\n',
      want: [
        { name: 'dns', options: [['query', []]] },
        { name: 'drop', options: [] },
      ],
    },
  ];
  for (const c of cases) {
    it(`parses ${c.name}`, () => {
      const got = parseStaticMetrics(c.input).map((s) => ({
        name: s.name,
        options: s.options.map((o) => [o.key, o.values] as [string, string[]]),
      }));
      expect(got).toEqual(c.want);
    });
  }

  const errors: [string, RegExp][] = [
    ['dns dns:query', /configured twice/],
    [':query', /empty name/],
    ['dns:=x', /invalid option/],
  ];
  for (const [input, want] of errors) {
    it(`rejects ${JSON.stringify(input)}`, () => expect(() => parseStaticMetrics(input)).toThrow(want));
  }

  it('writes specs back', () => {
    expect(parseStaticMetrics('dns:query;sourceContext=pod|ip drop').map(formatHandlerSpec)).toEqual([
      'dns:query;sourceContext=pod|ip',
      'drop',
    ]);
  });
});

describe('dynamic YAML configuration', () => {
  it('reads names, context options and filters', () => {
    const specs = parseDynamicConfig(`
metrics:
- name: flow
  contextOptions:
  - name: sourceContext
    values: [namespace, ip]
  - name: labelsContext
    values: [source_namespace, traffic_direction]
  includeFilters:
  - source_pod: ["shop/"]
  excludeFilters:
  - verdict: [DROPPED]
- name: dns
  contextOptions:
  - name: query
`);
    expect(specs.map(formatHandlerSpec)).toEqual([
      'flow:sourceContext=namespace|ip;labelsContext=source_namespace,traffic_direction',
      'dns:query',
    ]);
    expect(specs[0]!.includeFilters).toEqual([{ source_pod: ['shop/'] }]);
    expect(specs[0]!.excludeFilters).toEqual([{ verdict: ['DROPPED'] }]);
  });

  const errors: [string, RegExp][] = [
    ['metrics: {}', /top-level "metrics" list/],
    ['metrics:\n- contextOptions: []', /has no name/],
    ['metrics:\n- name: a\n- name: a', /configured twice/],
    ['metrics:\n- name: a\n  includeFilters: {}', /must be a list/],
    ['metrics: [', /invalid metrics config/],
  ];
  for (const [input, want] of errors) {
    it(`rejects ${JSON.stringify(input)}`, () => expect(() => parseDynamicConfig(input)).toThrow(want));
  }
});
