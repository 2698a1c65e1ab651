import { describe, expect, it } from 'vitest';
import { parseNetworkPolicy, PolicyParseError } from './parse.js';
import { matchesSelector } from './label-selector.js';
import { parseCidr, parseIP, cidrContains } from './cidr.js';

const base = (spec: unknown, metadata: unknown = { name: 'p', namespace: 'shop' }) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata,
  spec,
});

describe('parseNetworkPolicy', () => {
  it('defaults policyTypes to Ingress, plus Egress when egress rules exist', () => {
    expect(parseNetworkPolicy(base({ podSelector: {} })).spec.policyTypes).toEqual(['Ingress']);
    expect(parseNetworkPolicy(base({ podSelector: {}, egress: [{}] })).spec.policyTypes).toEqual([
      'Ingress',
      'Egress',
    ]);
    expect(parseNetworkPolicy(base({ podSelector: {}, egress: [] })).spec.policyTypes).toEqual(['Ingress']);
    expect(parseNetworkPolicy(base({ podSelector: {}, policyTypes: ['Egress'] })).spec.policyTypes).toEqual([
      'Egress',
    ]);
  });

  it('defaults the port protocol to TCP and keeps named ports', () => {
    const p = parseNetworkPolicy(
      base({ podSelector: {}, ingress: [{ ports: [{ port: 'http' }, { port: 53, protocol: 'UDP' }] }] }),
    );
    expect(p.spec.ingress![0].ports).toEqual([
      { protocol: 'TCP', port: 'http' },
      { protocol: 'UDP', port: 53 },
    ]);
  });

  it('uses the default namespace when metadata has none', () => {
    expect(parseNetworkPolicy(base({ podSelector: {} }, { name: 'p' }), 'default').metadata.namespace).toBe(
      'default',
    );
  });

  const bad: Array<{ name: string; input: unknown; path: Array<string | number>; expected: RegExp }> = [
    {
      name: 'wrong apiVersion',
      input: { ...base({ podSelector: {} }), apiVersion: 'v1' },
      path: ['apiVersion'],
      expected: /networking\.k8s\.io\/v1/,
    },
    { name: 'missing podSelector', input: base({}), path: ['spec', 'podSelector'], expected: /podSelector/ },
    {
      name: 'unknown spec field',
      input: base({ podSelector: {}, ingres: [] }),
      path: ['spec', 'ingres'],
      expected: /one of the fields/,
    },
    {
      name: 'ipBlock with selector',
      input: base({
        podSelector: {},
        ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }],
      }),
      path: ['spec', 'ingress', 0, 'from', 0, 'ipBlock'],
      expected: /ipBlock alone/,
    },
    {
      name: 'bad cidr',
      input: base({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }] }),
      path: ['spec', 'ingress', 0, 'from', 0, 'ipBlock', 'cidr'],
      expected: /CIDR/,
    },
    {
      name: 'except outside cidr',
      input: base({
        podSelector: {},
        ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }] }],
      }),
      path: ['spec', 'ingress', 0, 'from', 0, 'ipBlock', 'except', 0],
      expected: /sub-range/,
    },
    {
      name: 'endPort without numeric port',
      input: base({ podSelector: {}, ingress: [{ ports: [{ port: 'http', endPort: 90 }] }] }),
      path: ['spec', 'ingress', 0, 'ports', 0, 'endPort'],
      expected: /numeric port/,
    },
    {
      name: 'endPort below port',
      input: base({ podSelector: {}, ingress: [{ ports: [{ port: 100, endPort: 90 }] }] }),
      path: ['spec', 'ingress', 0, 'ports', 0, 'endPort'],
      expected: /between 100 and 65535/,
    },
    {
      name: 'port out of range',
      input: base({ podSelector: {}, egress: [{ ports: [{ port: 70000 }] }] }),
      path: ['spec', 'egress', 0, 'ports', 0, 'port'],
      expected: /1-65535/,
    },
    {
      name: 'bad protocol',
      input: base({ podSelector: {}, egress: [{ ports: [{ protocol: 'ICMP' }] }] }),
      path: ['spec', 'egress', 0, 'ports', 0, 'protocol'],
      expected: /TCP, UDP, SCTP/,
    },
    {
      name: 'In without values',
      input: base({ podSelector: { matchExpressions: [{ key: 'a', operator: 'In' }] } }),
      path: ['spec', 'podSelector', 'matchExpressions', 0, 'values'],
      expected: /non-empty list/,
    },
    {
      name: 'empty peer',
      input: base({ podSelector: {}, ingress: [{ from: [{}] }] }),
      path: ['spec', 'ingress', 0, 'from', 0],
      expected: /at least one/,
    },
    {
      name: 'bad policyType',
      input: base({ podSelector: {}, policyTypes: ['ingress'] }),
      path: ['spec', 'policyTypes', 0],
      expected: /Ingress or Egress/,
    },
  ];
  for (const c of bad) {
    it(`rejects ${c.name}`, () => {
      let err: unknown;
      try {
        parseNetworkPolicy(c.input);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PolicyParseError);
      expect((err as PolicyParseError).path).toEqual(c.path);
      expect((err as PolicyParseError).expected).toMatch(c.expected);
    });
  }
});

describe('matchesSelector', () => {
  const labels = { app: 'web', tier: 'fe' };
  const cases: Array<{ name: string; sel: Parameters<typeof matchesSelector>[0]; want: boolean }> = [
    { name: 'empty selector matches', sel: {}, want: true },
    { name: 'matchLabels subset matches', sel: { matchLabels: { app: 'web' } }, want: true },
    { name: 'matchLabels mismatch', sel: { matchLabels: { app: 'db' } }, want: false },
    {
      name: 'In matches',
      sel: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }] },
      want: true,
    },
    {
      name: 'In on missing key fails',
      sel: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] },
      want: false,
    },
    {
      name: 'NotIn on missing key matches',
      sel: { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] },
      want: true,
    },
    {
      name: 'NotIn on listed value fails',
      sel: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['fe'] }] },
      want: false,
    },
    { name: 'Exists', sel: { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, want: true },
    {
      name: 'DoesNotExist',
      sel: { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] },
      want: false,
    },
    {
      name: 'labels and expressions are ANDed',
      sel: {
        matchLabels: { app: 'web' },
        matchExpressions: [{ key: 'tier', operator: 'In', values: ['be'] }],
      },
      want: false,
    },
  ];
  for (const c of cases) it(c.name, () => expect(matchesSelector(c.sel, labels)).toBe(c.want));
});

describe('cidr', () => {
  const cases: Array<{ cidr: string; ip: string; want: boolean }> = [
    { cidr: '10.0.0.0/8', ip: '10.255.1.2', want: true },
    { cidr: '10.0.0.0/8', ip: '11.0.0.1', want: false },
    { cidr: '0.0.0.0/0', ip: '203.0.113.9', want: true },
    { cidr: '10.1.2.3/32', ip: '10.1.2.3', want: true },
    { cidr: '2001:db8::/32', ip: '2001:db8:1::5', want: true },
    { cidr: '2001:db8::/32', ip: '2001:db9::5', want: false },
    { cidr: '10.0.0.0/8', ip: '2001:db8::1', want: false },
    { cidr: '::ffff:0:0/96', ip: '::ffff:10.0.0.1', want: true },
  ];
  for (const c of cases)
    it(`${c.cidr} contains ${c.ip}: ${c.want}`, () =>
      expect(cidrContains(parseCidr(c.cidr)!, parseIP(c.ip)!)).toBe(c.want));
  it('rejects malformed input', () => {
    for (const s of ['10.0.0.0', '10.0.0/8', '256.0.0.0/8', '10.0.0.0/40', '1::2::3/64', '01.2.3.4/8'])
      expect(parseCidr(s)).toBeUndefined();
  });
});
