/**
 * The engine against real captures: the goldens printed by hubble v0.12.3 for the golden input
 * (one printed line per accepted flow), and counts over the hubble-otel / Cilium-docs fixtures
 * cross-checked with independent computations on the raw JSON.
 */
import { describe, expect, it } from 'vitest';
import { decodeFilter } from '../flow/index.js';
import { compileFilters } from './compile.js';
import { loadAllFixtures, loadJsonl, readRepoFile } from './testing.js';
import type { FlowFilter } from './types.js';

const input = loadJsonl('test/golden-hubble/input.jsonl');
const goldenLines = (name: string): string[] =>
  readRepoFile(`test/golden-hubble/${name}`)
    .split('\n')
    .filter((l) => l !== '');

/** The filters of a `--print-raw-filters` golden, decoded with the flow codec. */
function rawFilters(name: string): { allowlist: FlowFilter[]; denylist: FlowFilter[] } {
  const out = { allowlist: [] as FlowFilter[], denylist: [] as FlowFilter[] };
  let list: FlowFilter[] | undefined;
  for (const line of goldenLines(name)) {
    if (line === 'allowlist:') list = out.allowlist;
    else if (line === 'denylist:') list = out.denylist;
    else
      list!.push(
        decodeFilter(
          JSON.parse(
            line
              .replace(/^ {4}- '/, '')
              .replace(/'$/, '')
              .replace(/''/g, "'"),
          ),
        ),
      );
  }
  return out;
}

function endpoint(ep: { namespace?: string; pod_name?: string } | undefined): string {
  return `${ep?.namespace ?? ''}/${ep?.pod_name ?? ''}`;
}

describe('hubble v0.12.3 goldens', () => {
  it('--verdict DROPPED --namespace shop: the raw filters are the ones printed', () => {
    const { allowlist, denylist } = rawFilters('filter-dropped-shop.raw-filters.txt');
    expect(allowlist).toEqual([
      { source_pod: ['shop/'], verdict: ['DROPPED'] },
      { destination_pod: ['shop/'], verdict: ['DROPPED'] },
    ]);
    expect(denylist).toEqual([]);
  });

  it('--verdict DROPPED --namespace shop selects exactly the printed flows', () => {
    const { allowlist, denylist } = rawFilters('filter-dropped-shop.raw-filters.txt');
    const pass = compileFilters(allowlist, denylist);
    const accepted = input.filter((l) => pass(l.event));
    const printed = goldenLines('filter-dropped-shop.compact.txt');
    expect(accepted.length).toBe(printed.length);
    accepted.forEach((l, i) => {
      expect(printed[i]).toContain(`${endpoint(l.event.flow!.source)}:`);
      expect(printed[i]).toContain(`${endpoint(l.event.flow!.destination)}:`);
    });
  });

  it('--protocol dns selects exactly the printed flows', () => {
    const pass = compileFilters([{ protocol: ['dns'] }], []);
    const accepted = input.filter((l) => pass(l.event));
    const printed = goldenLines('filter-dns.compact.txt');
    expect(accepted.length).toBe(printed.length);
    accepted.forEach((l, i) => expect(printed[i]).toContain(endpoint(l.event.flow!.source)));
  });

  it('--all prints every line: {} selects all 300 flows', () => {
    const pass = compileFilters([{}], []);
    expect(input.filter((l) => pass(l.event)).length).toBe(goldenLines('observe-all.compact.txt').length);
  });
});

describe('fixture cross-checks', () => {
  const all = loadAllFixtures();
  const raw = all.map((l) => JSON.parse(l.line).flow ?? {});
  const count = (allow: FlowFilter[], deny: FlowFilter[] = []): number => {
    const pass = compileFilters(allow, deny);
    return all.filter((l) => pass(l.event)).length;
  };
  type RawFlow = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const rawCount = (pred: (f: RawFlow) => boolean): number => raw.filter(pred).length;

  const cases: { name: string; allow: FlowFilter[]; deny?: FlowFilter[]; want: (f: RawFlow) => boolean }[] = [
    { name: 'verdict DROPPED', allow: [{ verdict: ['DROPPED'] }], want: (f) => f.verdict === 'DROPPED' },
    {
      name: 'not FORWARDED',
      allow: [],
      deny: [{ verdict: ['FORWARDED'] }],
      want: (f) => f.verdict !== 'FORWARDED',
    },
    { name: 'protocol tcp', allow: [{ protocol: ['TCP'] }], want: (f) => f.l4?.TCP !== undefined },
    {
      name: 'protocol icmp',
      allow: [{ protocol: ['icmp'] }],
      want: (f) => f.l4?.ICMPv4 !== undefined || f.l4?.ICMPv6 !== undefined,
    },
    { name: 'protocol http', allow: [{ protocol: ['http'] }], want: (f) => f.l7?.http !== undefined },
    {
      name: 'http status 2xx',
      allow: [{ http_status_code: ['2+'] }],
      want: (f) => f.l7?.http?.code >= 200 && f.l7?.http?.code < 300,
    },
    {
      name: 'http status 503',
      allow: [{ http_status_code: ['503'] }],
      want: (f) => f.l7?.http?.code === 503,
    },
    { name: 'http GET', allow: [{ http_method: ['get'] }], want: (f) => f.l7?.http?.method === 'GET' },
    {
      name: 'http path /metrics',
      allow: [{ http_path: ['^/metrics$'] }],
      want: (f) => /^[a-z]+:\/\/[^/]+\/metrics(\?|$)/.test(f.l7?.http?.url ?? ''),
    },
    {
      name: 'dns query regex',
      allow: [{ dns_query: ['github'] }],
      want: (f) => (f.l7?.dns?.query ?? '').includes('github'),
    },
    {
      name: 'destination port 8080',
      allow: [{ destination_port: ['8080'] }],
      want: (f) => (f.l4?.TCP ?? f.l4?.UDP)?.destination_port === 8080,
    },
    {
      name: 'namespace shop',
      allow: [{ source_pod: ['shop/'] }, { destination_pod: ['shop/'] }],
      want: (f) => f.source?.namespace === 'shop' || f.destination?.namespace === 'shop',
    },
    {
      name: 'label k8s:app=reviews',
      allow: [{ source_label: ['k8s:app=reviews'] }],
      want: (f) => (f.source?.labels ?? []).includes('k8s:app=reviews'),
    },
    {
      name: 'label world',
      allow: [{ destination_label: ['reserved:world'] }],
      want: (f) => (f.destination?.labels ?? []).includes('reserved:world'),
    },
    { name: 'SYN', allow: [{ tcp_flags: [{ SYN: true }] }], want: (f) => f.l4?.TCP?.flags?.SYN === true },
    { name: 'IPv6', allow: [{ ip_version: ['IPv6'] }], want: (f) => f.IP?.ipVersion === 'IPv6' },
    {
      name: 'CIDR 10.244.0.0/16',
      allow: [{ source_ip: ['10.244.0.0/16'] }],
      want: (f) => (f.IP?.source ?? '').startsWith('10.244.'),
    },
    {
      name: 'node kind-worker*',
      allow: [{ node_name: ['kind-worker*'] }],
      want: (f) => /^([-.0-9a-z]*\/)?kind-worker[-.0-9a-z]*$/.test(f.node_name ?? ''),
    },
    {
      name: 'node in cluster kind-kind',
      allow: [{ node_name: ['kind-kind/'] }],
      want: (f) => (f.node_name ?? '').startsWith('kind-kind/'),
    },
    {
      name: 'drop reason POLICY_DENIED (v1.19)',
      allow: [{ drop_reason_desc: ['POLICY_DENIED'] }],
      want: (f) => f.verdict === 'DROPPED' && f.drop_reason_desc === 'POLICY_DENIED',
    },
    {
      name: 'fqdn *.amazonaws.com',
      allow: [{ destination_fqdn: ['*.amazonaws.com'] }],
      want: (f) => (f.destination_names ?? []).some((n: string) => n.endsWith('.amazonaws.com')),
    },
    { name: 'l7 events', allow: [{ event_type: [{ type: 129 }] }], want: (f) => f.event_type?.type === 129 },
    {
      name: 'trace to-stack',
      allow: [{ event_type: [{ type: 4, match_sub_type: true, sub_type: 3 }] }],
      want: (f) => f.event_type?.type === 4 && f.event_type?.sub_type === 3,
    },
  ];
  it.each(cases)('$name', ({ allow, deny, want }) => {
    const n = rawCount(want);
    expect(count(allow, deny)).toBe(n);
  });
  it('the cross-checks are not vacuous', () => {
    for (const c of cases.filter((c) => !c.name.startsWith('fqdn')))
      expect(rawCount(c.want), c.name).toBeGreaterThan(0);
  });
  it('fixtures cover every file', () => expect(new Set(all.map((l) => l.file)).size).toBe(8));
});
