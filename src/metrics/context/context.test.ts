import { describe, expect, it } from 'vitest';
import type { Flow } from '../../flow/index.js';
import { parseStaticMetrics } from '../config/parse.js';
import { ContextLabels, parseContextOptions } from './context.js';

const flow: Flow = {
  IP: { source: '10.0.0.1', destination: '1.1.1.1' },
  traffic_direction: 'EGRESS',
  source: {
    namespace: 'shop',
    pod_name: 'checkout-5d9f-abcde',
    labels: ['k8s:app.kubernetes.io/name=checkout', 'k8s:app=co', 'k8s:io.kubernetes.pod.namespace=shop'],
    workloads: [{ name: 'checkout', kind: 'Deployment' }],
  },
  destination: { labels: ['reserved:world', 'reserved:kube-apiserver'] },
  source_names: ['a.example.', 'b.example.'],
  destination_names: ['one.one.one.one.'],
};

function values(options: string, f: Flow = flow, level = 0, invert = false): Record<string, string> {
  const ctx = new ContextLabels(parseContextOptions(parseStaticMetrics(`x:${options}`)[0]!.options));
  const out = new Array<string>(ctx.size).fill('');
  ctx.fill(out, 0, f, level, invert);
  return Object.fromEntries(ctx.names.map((n, i) => [n, out[i]!]));
}

describe('context identifiers', () => {
  const cases: [string, Record<string, string>][] = [
    ['sourceContext=pod', { source: 'shop/checkout-5d9f-abcde' }],
    ['sourceContext=pod-name', { source: 'checkout-5d9f-abcde' }],
    ['sourceContext=namespace', { source: 'shop' }],
    ['sourceContext=workload', { source: 'shop/checkout' }],
    ['sourceContext=workload-name', { source: 'checkout' }],
    ['sourceContext=app', { source: 'checkout' }],
    ['sourceContext=ip', { source: '10.0.0.1' }],
    ['sourceContext=dns', { source: 'a.example.,b.example.' }],
    [
      'sourceContext=identity',
      { source: 'k8s:app.kubernetes.io/name=checkout,k8s:app=co,k8s:io.kubernetes.pod.namespace=shop' },
    ],
    ['destinationContext=reserved-identity', { destination: 'reserved:kube-apiserver' }],
    ['destinationContext=pod|reserved-identity', { destination: 'reserved:kube-apiserver' }],
    ['destinationContext=pod|namespace', { destination: '' }],
    // Without a `|`, a value is split on `,` (hubble-metrics §1.1): the same alternatives.
    ['destinationContext=pod,reserved-identity', { destination: 'reserved:kube-apiserver' }],
    ['sourceContext=dns,ip', { source: 'a.example.,b.example.' }],
    ['destinationContext=dns,ip', { destination: 'one.one.one.one.' }],
    ['destinationContext=namespace,ip', { destination: '1.1.1.1' }],
    ['sourceContext=POD', { source: 'shop/checkout-5d9f-abcde' }],
  ];
  for (const [opt, want] of cases) it(`${opt}`, () => expect(values(opt)).toEqual(want));

  it('app prefers app.kubernetes.io/name, then k8s-app, then app (first in list order)', () => {
    const f = (labels: string[]): Flow => ({ source: { labels } });
    expect(values('sourceContext=app', f(['k8s:app=a', 'k8s:k8s-app=b']))).toEqual({ source: 'a' });
    expect(values('sourceContext=app', f(['k8s:app=', 'k8s:k8s-app=b']))).toEqual({ source: 'b' });
  });

  it('pod without namespace, namespace without pod', () => {
    expect(values('sourceContext=pod', { source: { pod_name: 'p' } })).toEqual({ source: 'p' });
    expect(values('sourceContext=pod', { source: { namespace: 'ns' } })).toEqual({ source: 'ns/' });
  });

  it('direction overrides: egress flows take sourceEgressContext; the other side is empty', () => {
    expect(values('sourceEgressContext=pod;destinationIngressContext=pod')).toEqual({
      source: 'shop/checkout-5d9f-abcde',
      destination: '',
    });
    expect(
      values('sourceEgressContext=pod;destinationIngressContext=pod', {
        ...flow,
        traffic_direction: 'INGRESS',
      }),
    ).toEqual({ source: '', destination: '' });
    expect(
      values('sourceContext=namespace;sourceIngressContext=pod', { ...flow, traffic_direction: 'INGRESS' }),
    ).toEqual({ source: 'shop/checkout-5d9f-abcde' });
    expect(values('sourceContext=namespace;sourceIngressContext=pod')).toEqual({ source: 'shop' });
  });

  it('labelsContext in Hubble order, empty when unknown', () => {
    expect(
      values('labelsContext=traffic_direction,destination_ip,source_app,source_workload_kind,source_pod'),
    ).toEqual({
      source_pod: 'checkout-5d9f-abcde',
      source_workload_kind: 'Deployment',
      source_app: 'checkout',
      destination_ip: '1.1.1.1',
      traffic_direction: 'egress',
    });
    expect(values('labelsContext=traffic_direction', {})).toEqual({ traffic_direction: 'unknown' });
  });

  it('inverts for response flows: values computed per side, then swapped', () => {
    expect(values('sourceContext=pod;destinationContext=ip', flow, 0, true)).toEqual({
      source: '1.1.1.1',
      destination: 'shop/checkout-5d9f-abcde',
    });
    expect(values('labelsContext=source_ip,destination_namespace', flow, 0, true)).toEqual({
      source_ip: '1.1.1.1',
      destination_namespace: 'shop',
    });
  });

  const errors: [string, RegExp][] = [
    ['sourceContext=pod-short', /unknown context 'pod-short'/],
    ['sourceContext=pod,nope', /unknown context 'nope'/],
    // With a `|` present, commas are not separators.
    ['sourceContext=pod|namespace,ip', /unknown context 'namespace,ip'/],
    ['labelsContext=source_pod,nope', /invalid labelsContext value: nope/],
    ['sourceContext', /needs a value/],
  ];
  for (const [opt, want] of errors) it(`rejects ${opt}`, () => expect(() => values(opt)).toThrow(want));
});

describe('degradation levels', () => {
  const cases: [string, number, Record<string, string>][] = [
    ['sourceContext=pod', 1, { source: 'shop/checkout' }],
    ['sourceContext=pod', 2, { source: 'shop/_overflow_' }],
    ['sourceContext=pod', 3, { source: '_overflow_' }],
    ['sourceContext=ip', 1, { source: 'shop/checkout' }],
    ['sourceContext=namespace', 2, { source: 'shop' }],
    ['sourceContext=namespace', 3, { source: '_overflow_' }],
    ['sourceContext=workload-name', 1, { source: 'checkout' }],
    ['sourceContext=workload-name', 2, { source: 'shop/_overflow_' }],
    ['destinationContext=ip', 1, { destination: 'reserved:kube-apiserver' }],
    [
      'labelsContext=source_pod,source_workload,source_namespace,traffic_direction',
      1,
      {
        source_pod: '_overflow_',
        source_workload: 'checkout',
        source_namespace: 'shop',
        traffic_direction: 'egress',
      },
    ],
    [
      'labelsContext=source_pod,source_workload,source_namespace,traffic_direction',
      3,
      {
        source_pod: '_overflow_',
        source_workload: '_overflow_',
        source_namespace: '_overflow_',
        traffic_direction: 'egress',
      },
    ],
  ];
  for (const [opt, level, want] of cases)
    it(`${opt} at level ${level}`, () => expect(values(opt, flow, level)).toEqual(want));

  it('a pod without workload folds to its namespace', () => {
    expect(values('sourceContext=pod', { source: { namespace: 'ns', pod_name: 'static-pod' } }, 1)).toEqual({
      source: 'ns/_overflow_',
    });
  });
});
