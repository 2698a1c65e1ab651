import { describe, expect, it } from 'vitest';
// A test may cross the web/cli boundary: it pins the filter bar to the CLI it echoes.
import { FlagParseError, parseFlags } from '../../cli/observe/flag-parser';
import { createObserveFlags, defaultObserveFlagValues } from '../../cli/observe/flags';
import type { FlowFilter } from '../../filter/types';
import { parseFilterBar } from './filter-echo';
import { tokenize } from './observe-flags';

interface Lists {
  allow: FlowFilter[];
  deny: FlowFilter[];
  error?: string;
}

/** `flowlens observe <argv>`'s flag-built lists, through the CLI's pflag-style parsing. */
function cli(argv: string[]): Lists {
  const values = defaultObserveFlagValues();
  try {
    parseFlags(argv, createObserveFlags(values));
    // The check parseObserveArgs makes after parsing.
    if (values.filters.trailingNot) throw new Error('trailing --not found in the arguments');
  } catch (err) {
    if (!(err instanceof FlagParseError) && !/trailing --not/.test(String(err))) throw err;
    return { allow: [], deny: [], error: (err as Error).message };
  }
  return { allow: values.filters.allowlist(), deny: values.filters.denylist() };
}

const accepted = [
  '',
  '-n kube-system',
  '-n a -n b',
  '--namespace X --verdict DROPPED',
  '--from-namespace a --to-namespace b',
  '--from-pod a/ --to-namespace b',
  '--namespace a --from-label x',
  '--ip 10.0.0.1 --port 80',
  '--ip=10.0.0.1 --to-port 53',
  '--pod shop/web --not --verdict FORWARDED',
  '--not --from-label app=web --to-label app=db',
  '--not --ip 1.2.3.4 --not --port 53',
  '--fqdn a.example --not --from-ip 1.1.1.1',
  '--label app=x -l tier=y',
  '--service shop/web --fqdn "*.cilium.io"',
  '-4 -6',
  '--ipv4=false --not=false --ipv6',
  '--ip-version none --ip-version V6 --ip-version ip4',
  '--tcp-flags syn,ACK --tcp-flags fin',
  '--type trace:to-endpoint -t drop --type 129',
  '--type agent:policy-updated --type 4:3 --type trace',
  '--verdict VERDICT_UNKNOWN --verdict TRANSLATED',
  '--workload Deployment/web --from-identity host --to-identity 0x10',
  "--from-workload Kind/ --to-workload '' --identity 010",
  '--traffic-direction Ingress --http-status 5+ --http-method get --http-path "/api/.*"',
  '--uuid abc --trace-id t1 --node-name "k8s*" --protocol TCP',
  '--workload web --port 443 --not --workload db --not --to-port 80',
];

const rejected = [
  '--from-pod a --from-namespace b',
  '--fqdn a --from-ip 1.1.1.1',
  '--ip=10.0.0.1 --to-ip 10.0.0.2',
  '--not --fqdn a --not --from-ip 1.1.1.1',
  '--port 80 --to-port 81',
  '--label a -l b --from-label c',
  '--identity 1 --to-identity 2',
  '--verdict dropped',
  '--verdict MAYBE',
  '--tcp-flags syn,',
  '--traffic-direction up',
  '--identity unknown',
  '--identity -1',
  '--type foo',
  '--type trace:nope',
  '--type 99999999999',
  '--verdict DROPPED --not',
  '--not --not --verdict DROPPED',
  '--ip-version',
];

describe('filter bar and CLI translate filter flags identically', () => {
  it.each(accepted)('%s', (line) => {
    const web = parseFilterBar(line);
    expect(web.error).toBeUndefined();
    const want = cli(tokenize(line));
    expect(want.error).toBeUndefined();
    expect({ allow: web.allow, deny: web.deny }).toEqual(want);
  });

  it.each(rejected)('rejects %s', (line) => {
    const web = parseFilterBar(line);
    const want = cli(tokenize(line));
    expect(want.error).toBeDefined();
    expect(web.error).toBeDefined();
    // pflag prefixes a value's reason with `invalid argument "<v>" for "<flag>" flag: `.
    if (want.error !== web.error) expect(want.error).toMatch(new RegExp(`flag: ${escape(web.error!)}$`));
  });

  it('the bar sends the flags it parsed', () => {
    const p = parseFilterBar('-n shop -4 --not --to-port=53 --ipv6=false');
    expect(p.filterFlags).toBe('--namespace shop --ipv4 --not --to-port 53 --ipv6');
    expect(cli(tokenize(p.filterFlags))).toEqual({ allow: p.allow, deny: p.deny });
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
