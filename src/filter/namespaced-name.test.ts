import { describe, expect, it } from 'vitest';
import type { Flow } from '../flow/types.js';
import { parseNamespacedName } from './namespaced-name.js';
import { compileError, matches, type ErrorCase } from './testing.js';

const ep = (namespace: string | undefined, pod_name: string | undefined): Flow => ({
  source: { namespace, pod_name },
});

describe('pod prefixes (spec §3.2, v0.12.3 rule)', () => {
  const cases = [
    {
      name: 'no slash means namespace default',
      element: 'frontend',
      flow: ep('default', 'frontend-1'),
      want: true,
    },
    {
      name: 'no slash does not match other namespaces',
      element: 'frontend',
      flow: ep('shop', 'frontend-1'),
      want: false,
    },
    { name: 'ns/prefix', element: 'shop/frontend-', flow: ep('shop', 'frontend-abc'), want: true },
    {
      name: 'ns/prefix is a prefix, not a substring',
      element: 'shop/frontend-',
      flow: ep('shop', 'x-frontend-abc'),
      want: false,
    },
    { name: 'ns/ matches any pod of ns', element: 'shop/', flow: ep('shop', 'anything'), want: true },
    { name: 'ns/ matches an empty pod name', element: 'shop/', flow: ep('shop', undefined), want: true },
    { name: 'ns/ other namespace', element: 'shop/', flow: ep('shop2', 'a'), want: false },
    {
      name: '/name needs an empty namespace',
      element: '/frontend',
      flow: ep(undefined, 'frontend-1'),
      want: true,
    },
    {
      name: '/name does not match a namespaced pod',
      element: '/frontend',
      flow: ep('shop', 'frontend-1'),
      want: false,
    },
    { name: 'extra parts are ignored', element: 'shop/front/zzz', flow: ep('shop', 'frontend'), want: true },
    { name: 'namespace is case-sensitive', element: 'Shop/', flow: ep('shop', 'a'), want: false },
    { name: 'absent source never matches', element: 'default/', flow: {}, want: false },
  ];
  it.each(cases)('$name', ({ element, flow, want }) =>
    expect(matches({ filter: { source_pod: [element] }, flow })).toBe(want),
  );

  it('destination_pod uses the destination endpoint', () => {
    const flow: Flow = {
      source: { namespace: 'a', pod_name: 'x' },
      destination: { namespace: 'b', pod_name: 'y' },
    };
    expect(matches({ filter: { destination_pod: ['b/'] }, flow })).toBe(true);
    expect(matches({ filter: { destination_pod: ['a/'] }, flow })).toBe(false);
  });

  it('parses elements', () => {
    expect(parseNamespacedName('x')).toEqual({ namespace: 'default', prefix: 'x' });
    expect(parseNamespacedName('/x/y')).toEqual({ namespace: '', prefix: 'x' });
  });
});

describe('service prefixes', () => {
  const flow: Flow = {
    source_service: { namespace: 'kube-system', name: 'kube-dns' },
    destination_service: { name: 'api' },
  };
  const cases = [
    { name: 'source ns/prefix', filter: { source_service: ['kube-system/kube'] }, want: true },
    { name: 'source default namespace rule', filter: { source_service: ['kube-dns'] }, want: false },
    { name: 'destination empty namespace', filter: { destination_service: ['/ap'] }, want: true },
    { name: 'destination absent service', filter: { destination_service: ['default/'] }, want: false },
  ];
  it.each(cases)('$name', ({ filter, want }) => expect(matches({ filter, flow })).toBe(want));
});

describe('pod/service errors', () => {
  const cases: ErrorCase[] = [
    {
      name: 'pod rejects "/"',
      filter: { source_pod: ['/'] },
      wantError: 'invalid filter, must be [namespace/][<name>], got "/"',
    },
    {
      name: 'pod rejects ""',
      filter: { destination_pod: [''] },
      wantError: 'invalid filter, must be [namespace/][<name>], got ""',
    },
    {
      name: 'pod rejects "//"',
      filter: { source_pod: ['//'] },
      wantError: 'invalid filter, must be [namespace/][<name>], got "//"',
    },
    {
      name: 'source service prefixes the message',
      filter: { source_service: [''] },
      wantError: 'invalid source service filter: invalid filter, must be [namespace/][<name>], got ""',
    },
    {
      name: 'destination service prefixes the message',
      filter: { destination_service: ['/'] },
      wantError: 'invalid destination service filter: invalid filter, must be [namespace/][<name>], got "/"',
    },
  ];
  it.each(cases)('$name', (c) => expect(compileError(c.filter)).toBe(c.wantError));
});
