import { describe, expect, it } from 'vitest';
import type { FlowEvent } from '../flow/types.js';
import type { FilterBuilder } from './builder.js';
import { builtinFilterBuilders, validateFilterBuilders } from './builtins.js';
import { compileFilter, compileFilters, flowMatchesFilter } from './compile.js';
import { FilterError } from './errors.js';
import { compileError } from './testing.js';
import type { FlowFilter } from './types.js';

const shopDrop: FlowEvent = {
  flow: {
    verdict: 'DROPPED',
    source: { namespace: 'shop', pod_name: 'web-1' },
    destination: { namespace: 'db', pod_name: 'pg-0' },
  },
};
const shopFwd: FlowEvent = {
  flow: { verdict: 'FORWARDED', source: { namespace: 'shop', pod_name: 'web-1' } },
};
const kubeDrop: FlowEvent = {
  flow: { verdict: 'DROPPED', source: { namespace: 'kube-system', pod_name: 'coredns-1' } },
};
const noFlow: FlowEvent = {};
const nodeStatus: FlowEvent = { node_status: { state_change: 'NODE_CONNECTED', node_names: ['a'] } };

describe('combination semantics (spec §3.1)', () => {
  const cases: { name: string; allow: FlowFilter[]; deny: FlowFilter[]; ev: FlowEvent; want: boolean }[] = [
    { name: 'no filters pass everything', allow: [], deny: [], ev: shopFwd, want: true },
    { name: 'empty filter matches everything', allow: [{}], deny: [], ev: kubeDrop, want: true },
    {
      name: 'fields are ANDed (both hold)',
      allow: [{ verdict: ['DROPPED'], source_pod: ['shop/'] }],
      deny: [],
      ev: shopDrop,
      want: true,
    },
    {
      name: 'fields are ANDed (one fails)',
      allow: [{ verdict: ['DROPPED'], source_pod: ['shop/'] }],
      deny: [],
      ev: shopFwd,
      want: false,
    },
    {
      name: 'elements are ORed',
      allow: [{ verdict: ['FORWARDED', 'DROPPED'] }],
      deny: [],
      ev: shopFwd,
      want: true,
    },
    {
      name: 'filters are ORed',
      allow: [{ source_pod: ['kube-system/'] }, { verdict: ['FORWARDED'] }],
      deny: [],
      ev: shopFwd,
      want: true,
    },
    {
      name: 'allowlist miss',
      allow: [{ source_pod: ['kube-system/'] }, { verdict: ['ERROR'] }],
      deny: [],
      ev: shopFwd,
      want: false,
    },
    {
      name: 'denylist removes',
      allow: [],
      deny: [{ source_pod: ['kube-system/'] }],
      ev: kubeDrop,
      want: false,
    },
    {
      name: 'denylist keeps others',
      allow: [],
      deny: [{ source_pod: ['kube-system/'] }],
      ev: shopDrop,
      want: true,
    },
    {
      name: 'allowlist minus denylist',
      allow: [{ verdict: ['DROPPED'] }],
      deny: [{ source_pod: ['kube-system/'] }],
      ev: kubeDrop,
      want: false,
    },
    {
      name: 'allowlist minus denylist keeps',
      allow: [{ verdict: ['DROPPED'] }],
      deny: [{ source_pod: ['kube-system/'] }],
      ev: shopDrop,
      want: true,
    },
    { name: 'denylist {} drops everything', allow: [], deny: [{}], ev: shopDrop, want: false },
    {
      name: 'denylist ANDs fields',
      allow: [],
      deny: [{ source_pod: ['shop/'], destination_pod: ['foo/'] }],
      ev: shopDrop,
      want: true,
    },
    // Events without a flow (spec §3.1 last bullet).
    { name: 'missing flow passes an empty query', allow: [], deny: [], ev: noFlow, want: true },
    {
      name: 'missing flow passes a denylist-only query',
      allow: [],
      deny: [{ verdict: ['VERDICT_UNKNOWN'] }],
      ev: noFlow,
      want: true,
    },
    {
      name: 'missing flow fails a non-empty allowlist',
      allow: [{ verdict: ['VERDICT_UNKNOWN'] }],
      deny: [],
      ev: noFlow,
      want: false,
    },
    {
      name: 'missing flow matches allowlist {}',
      allow: [{ verdict: ['DROPPED'] }, {}],
      deny: [],
      ev: noFlow,
      want: true,
    },
    {
      name: 'missing flow matches trace_id [""]',
      allow: [{ trace_id: [''] }],
      deny: [],
      ev: noFlow,
      want: true,
    },
    {
      name: 'missing flow: trace_id needs the empty element',
      allow: [{ trace_id: ['abc'] }],
      deny: [],
      ev: noFlow,
      want: false,
    },
    {
      name: 'missing flow: trace_id [""] ANDed with another field',
      allow: [{ trace_id: [''], uuid: [''] }],
      deny: [],
      ev: noFlow,
      want: false,
    },
    { name: 'missing flow removed by denylist {}', allow: [], deny: [{}], ev: noFlow, want: false },
    {
      name: 'missing flow removed by denylist trace_id [""]',
      allow: [{}],
      deny: [{ trace_id: [''] }],
      ev: noFlow,
      want: false,
    },
    {
      name: 'node_status line is an event without a flow',
      allow: [{ verdict: ['DROPPED'] }],
      deny: [],
      ev: nodeStatus,
      want: false,
    },
    {
      name: 'node_status line passes an empty allowlist',
      allow: [],
      deny: [{ verdict: ['DROPPED'] }],
      ev: nodeStatus,
      want: true,
    },
  ];
  it.each(cases)('$name', ({ allow, deny, ev, want }) => expect(compileFilters(allow, deny)(ev)).toBe(want));
});

describe('compile order and first error', () => {
  // One invalid value per dimension, in hubble's compile order (spec §3.1).
  const ordered: { field: string; filter: FlowFilter }[] = [
    { field: 'protocol', filter: { protocol: ['foo'] } },
    { field: 'ip', filter: { source_ip: ['x'] } },
    { field: 'pod', filter: { source_pod: ['/'] } },
    { field: 'service', filter: { source_service: ['/'] } },
    { field: 'fqdn', filter: { destination_fqdn: ['a$'] } },
    { field: 'dns_query', filter: { dns_query: ['('] } },
    { field: 'label', filter: { source_label: ['a b'] } },
    { field: 'port', filter: { source_port: ['x'] } },
    { field: 'http', filter: { http_status_code: ['9'] } },
    { field: 'node_name', filter: { node_name: ['a/b/c'] } },
    { field: 'node_labels', filter: { node_labels: ['a b'] } },
    { field: 'cel', filter: { experimental: { cel_expression: ['x'] } } },
    { field: 'cluster', filter: { source_cluster_name: [''] } },
  ];
  const pairs = ordered.flatMap((a, i) =>
    ordered.slice(i + 1).map((b) => ({ name: `${a.field} before ${b.field}`, a, b })),
  );
  it.each(pairs)('$name', ({ a, b }) =>
    expect(compileError({ ...b.filter, ...a.filter })).toBe(compileError(a.filter)),
  );

  it('compiles the allowlist before the denylist', () => {
    expect(() => compileFilters([{ protocol: ['foo'] }], [{ source_ip: ['x'] }])).toThrow(
      'invalid protocol filter',
    );
    expect(() => compileFilters([{}], [{ source_ip: ['x'] }])).toThrow('invalid IP address in filter: "x"');
  });
  it('reports the first invalid filter of a list', () => {
    expect(() => compileFilters([{ source_port: ['x'] }, { protocol: ['foo'] }], [])).toThrow(
      'invalid source port filter',
    );
  });
  it('throws FilterError with a stable code', () => {
    try {
      compileFilters([{ protocol: ['foo'] }], []);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(FilterError);
      expect((e as FilterError).code).toBe('FILTER_INVALID');
    }
  });
  it('treats empty repeated fields as unset', () => {
    expect(compileFilters([{ verdict: [], source_pod: [] }], [])(shopFwd)).toBe(true);
  });
});

describe('compileFilter / flowMatchesFilter / builders', () => {
  it('lists the set fields in compile order', () => {
    expect(compileFilter({ destination_port: ['80'], verdict: ['DROPPED'], uuid: ['x'] }).fields).toEqual([
      'uuid',
      'verdict',
      'destination_port',
    ]);
  });
  it('flowMatchesFilter checks one filter', () => {
    expect(flowMatchesFilter(shopDrop.flow, { verdict: ['DROPPED'] })).toBe(true);
    expect(flowMatchesFilter(undefined, {})).toBe(true);
    expect(flowMatchesFilter(undefined, { verdict: ['DROPPED'] })).toBe(false);
  });
  it('builtin builder names are unique', () =>
    expect(validateFilterBuilders(builtinFilterBuilders)).toBe(builtinFilterBuilders));
  it('rejects duplicate builder names', () => {
    expect(() => validateFilterBuilders([builtinFilterBuilders[0], builtinFilterBuilders[0]])).toThrow(
      'duplicate filter builder "uuid"',
    );
  });
  it('accepts a custom builder list', () => {
    const onlyVerdict: FilterBuilder[] = builtinFilterBuilders.filter((b) => b.name === 'verdict');
    // Fields without a builder are ignored by such a registry.
    expect(compileFilters([{ verdict: ['DROPPED'], protocol: ['foo'] }], [], onlyVerdict)(shopDrop)).toBe(
      true,
    );
  });
  it('every builder documents itself', () => {
    for (const b of builtinFilterBuilders) expect(b.help.length, b.name).toBeGreaterThan(5);
  });
});
