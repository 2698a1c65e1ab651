import { describe, expect, it } from 'vitest';
import { compileFilters } from './compile.js';
import { parseLabelSelector, rewriteSourcePrefixes } from './label-selector.js';
import { compileError, type ErrorCase } from './testing.js';
import type { Flow } from '../flow/types.js';

// The verified flow of spec §3.4.
const verified: Flow = {
  source: { labels: ['k8s:app=frontend', 'k8s:io.kubernetes.pod.namespace=default'] },
  destination: { labels: ['k8s:app=web', 'container:foo=bar'] },
};
const world: Flow = { source: { labels: ['reserved:world'] }, destination: { labels: ['k8s:app=web'] } };

/** `--label X`: source_label OR destination_label. */
function either(selector: string, flow: Flow): boolean {
  return compileFilters([{ source_label: [selector] }, { destination_label: [selector] }], [])({ flow });
}

describe('label selectors (spec §3.4 verified table)', () => {
  const cases = [
    { name: 'unprefixed key', selector: 'app=frontend', want: true },
    { name: 'k8s source', selector: 'k8s:app=frontend', want: true },
    { name: 'any source', selector: 'any:app=web', want: true },
    { name: 'unspec source means any', selector: 'unspec:app=web', want: true },
    { name: 'container source', selector: 'container:foo=bar', want: true },
    { name: 'unprefixed key of another source', selector: 'foo=bar', want: true },
    {
      name: 'two requirements on one endpoint',
      selector: 'k8s:app=frontend,k8s:io.kubernetes.pod.namespace=default',
      want: true,
    },
    {
      name: 'unprefixed dotted key is mis-split',
      selector: 'io.kubernetes.pod.namespace=default',
      want: false,
    },
    { name: 'in', selector: 'app in (web,frontend)', want: true },
    { name: 'exists', selector: 'app', want: true },
    {
      name: 'requirements are ANDed on one endpoint',
      selector: 'k8s:app=frontend,reserved:world',
      want: false,
    },
    { name: 'reserved:world absent', selector: 'reserved:world', want: false },
    { name: 'empty value matches no label', selector: 'app=', want: false },
    { name: 'wrong source', selector: 'container:app=web', want: false },
  ];
  it.each(cases)('$name', ({ selector, want }) => expect(either(selector, verified)).toBe(want));
  it('reserved:world matches endpoints labelled reserved:world', () => {
    expect(either('reserved:world', world)).toBe(true);
    expect(compileFilters([{ destination_label: ['reserved:world'] }], [])({ flow: world })).toBe(false);
  });
});

describe('label selector matching details', () => {
  const cases = [
    { name: 'notin with absent key', selector: 'tier notin (db)', labels: ['k8s:app=x'], want: true },
    { name: 'notin with other value', selector: 'app notin (y)', labels: ['k8s:app=x'], want: true },
    { name: 'notin with listed value', selector: 'app notin (x)', labels: ['k8s:app=x'], want: false },
    { name: 'not equals absent', selector: 'app!=x', labels: [], want: true },
    { name: 'does not exist', selector: '!app', labels: ['k8s:app=x'], want: false },
    { name: 'does not exist absent', selector: '!tier', labels: ['k8s:app=x'], want: true },
    {
      name: 'label without value has empty value',
      selector: 'k8s:flag in (,x)',
      labels: ['k8s:flag'],
      want: true,
    },
    { name: 'label without source is source unspec', selector: 'app=x', labels: ['app=x'], want: true },
    {
      name: 'label without source does not match k8s',
      selector: 'k8s:app=x',
      labels: ['app=x'],
      want: false,
    },
    { name: 'value with = keeps the rest', selector: 'k8s:a', labels: ['k8s:a=b=c'], want: true },
    {
      name: 'any source uses the first label with the key',
      selector: 'app=y',
      labels: ['k8s:app=x', 'container:app=y'],
      want: false,
    },
    {
      name: 'specific source finds its own label',
      selector: 'container:app=y',
      labels: ['k8s:app=x', 'container:app=y'],
      want: true,
    },
    { name: 'key prefix is not a key', selector: 'app', labels: ['k8s:apple=1'], want: false },
    { name: 'greater than', selector: 'k8s:n>5', labels: ['k8s:n=10'], want: true },
    { name: 'greater than false', selector: 'k8s:n>5', labels: ['k8s:n=5'], want: false },
    { name: 'less than', selector: 'n<5', labels: ['k8s:n=-3'], want: true },
    { name: 'non-integer label value never compares', selector: 'n>5', labels: ['k8s:n=abc'], want: false },
    { name: 'greater than absent', selector: 'n>5', labels: [], want: false },
    {
      name: 'prefixed k8s key',
      selector: 'k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=shop',
      labels: ['k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=shop'],
      want: true,
    },
    { name: 'empty selector matches everything', selector: '', labels: [], want: true },
  ];
  it.each(cases)('$name', ({ selector, labels, want }) =>
    expect(parseLabelSelector(selector).matches(labels)).toBe(want),
  );
  it('treats absent labels as empty', () => expect(parseLabelSelector('!a').matches(undefined)).toBe(true));
});

describe('rewriteSourcePrefixes', () => {
  const cases = [
    { name: 'k8s source', input: 'k8s:app=x', want: 'k8s.app=x' },
    { name: 'each requirement', input: 'k8s:app=x,reserved:world', want: 'k8s.app=x,reserved.world' },
    { name: 'one-letter source kept', input: 'a:b=c', want: 'a:b=c' },
    { name: 'upper-case source kept', input: 'K8S:app=x', want: 'K8S:app=x' },
    { name: 'one-letter source after a space is rewritten', input: 'x=y, a:b', want: 'x=y, a.b' },
    { name: 'colon in a value is rewritten too', input: 'app=a:b', want: 'app=a.b' },
    { name: 'in-list', input: 'k8s:app in (a,b)', want: 'k8s.app in (a,b)' },
  ];
  it.each(cases)('$name', ({ input, want }) => expect(rewriteSourcePrefixes(input)).toBe(want));
});

describe('label filter errors', () => {
  const cases: ErrorCase[] = [
    {
      name: 'source label syntax',
      filter: { source_label: ['a b'] },
      wantError:
        "invalid source label filter: unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
    },
    {
      name: 'destination label prefix',
      filter: { destination_label: [','] },
      wantError: "invalid destination label filter: found ',', expected: !, identifier, or 'end of string'",
    },
    {
      name: 'one-letter source fails key validation',
      filter: { source_label: ['a:b=c'] },
      wantError:
        "invalid source label filter: unable to parse requirement: <nil>: Invalid value: \"a:b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    },
    {
      name: 'node labels (v1.19)',
      filter: { node_labels: ['!'] },
      wantError: "invalid node label filter: unable to parse requirement: found '', expected: identifier",
    },
  ];
  it.each(cases)('$name', (c) => expect(compileError(c.filter)).toBe(c.wantError));
});

describe('node_labels (v1.19)', () => {
  it('matches plain key=value node labels with unprefixed keys', () => {
    const flow: Flow = { node_labels: ['zone=eu-1', 'kubernetes.io/os=linux'] };
    const pass = (sel: string) => compileFilters([{ node_labels: [sel] }], [])({ flow });
    expect(pass('zone=eu-1')).toBe(true);
    expect(pass('zone in (us-1)')).toBe(false);
    expect(pass('unspec:zone')).toBe(true);
  });
});
