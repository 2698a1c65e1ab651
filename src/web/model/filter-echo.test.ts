import { describe, expect, it } from 'vitest';
import { formatRawFilter, parseFilterBar } from './filter-echo';
import { shellQuote, tokenize } from './observe-flags';

describe('tokenize', () => {
  const cases: { name: string; input: string; want: string[] }[] = [
    {
      name: 'splits on whitespace',
      input: ' --verdict  DROPPED\t-n shop ',
      want: ['--verdict', 'DROPPED', '-n', 'shop'],
    },
    {
      name: 'keeps single-quoted text literal',
      input: `--http-path '/a b\\c'`,
      want: ['--http-path', '/a b\\c'],
    },
    { name: 'unescapes in double quotes', input: '--label "app=\\"x\\""', want: ['--label', 'app="x"'] },
    { name: 'backslash escapes a space', input: 'a\\ b', want: ['a b'] },
    { name: 'empty quotes are a word', input: `--pod ''`, want: ['--pod', ''] },
  ];
  for (const c of cases) it(c.name, () => expect(tokenize(c.input)).toEqual(c.want));
  it('rejects an unterminated quote', () => expect(() => tokenize(`--pod 'x`)).toThrow(/unterminated/));
});

describe('shellQuote', () => {
  it('leaves safe words alone', () => expect(shellQuote('shop/web-1')).toBe('shop/web-1'));
  it('single-quotes words with shell metacharacters', () => {
    expect(shellQuote('$(rm -rf /)')).toBe(`'$(rm -rf /)'`);
    expect(shellQuote(`it's`)).toBe(`'it'\\''s'`);
    expect(tokenize(shellQuote(`a'b "c" $d`))).toEqual([`a'b "c" $d`]);
  });
});

describe('parseFilterBar', () => {
  it('translates both-side flags into one filter', () => {
    const p = parseFilterBar('--verdict DROPPED --to-namespace shop');
    expect(p.error).toBeUndefined();
    expect(p.allow).toEqual([{ verdict: ['DROPPED'], destination_pod: ['shop/'] }]);
    expect(p.deny).toEqual([]);
    expect(p.filterFlags).toBe('--verdict DROPPED --to-namespace shop');
  });
  it('splits either-side flags into source and destination filters (hubble semantics)', () => {
    const p = parseFilterBar('-n shop --port 80');
    expect(p.allow).toEqual([
      { source_pod: ['shop/'], source_port: ['80'] },
      { destination_pod: ['shop/'], destination_port: ['80'] },
    ]);
  });
  it('sends --not flags to the denylist', () => {
    const p = parseFilterBar('--namespace kube-system --not --verdict FORWARDED');
    expect(p.deny).toEqual([{ verdict: ['FORWARDED'] }]);
    expect(p.filterFlags).toBe('--namespace kube-system --not --verdict FORWARDED');
  });
  it('parses values: workloads, tcp flags, event types, boolean flags and --flag=value', () => {
    const p = parseFilterBar(
      '--to-workload Deployment/web --tcp-flags syn,ack --type trace:to-endpoint --ipv4 --verdict=DROPPED',
    );
    expect(p.error).toBeUndefined();
    expect(p.allow).toEqual([
      {
        destination_workload: [{ name: 'web', kind: 'Deployment' }],
        tcp_flags: [{ SYN: true, ACK: true }],
        event_type: [{ type: 4, match_sub_type: true }],
        ip_version: ['IPv4'],
        verdict: ['DROPPED'],
      },
    ]);
  });
  it('pulls time flags out and ignores output flags', () => {
    const p = parseFilterBar('--since 1h --until 5m -o json --follow --protocol dns');
    expect(p.time).toEqual({ since: '1h', until: '5m' });
    expect(p.ignored).toEqual(['--output json', '--follow']);
    expect(p.filterFlags).toBe('--protocol dns');
  });
  const errors: { name: string; input: string; want: RegExp }[] = [
    { name: 'unknown flag', input: '--colour red', want: /unknown flag: --colour/ },
    { name: 'missing value', input: '--verdict', want: /needs an argument/ },
    { name: 'bad verdict', input: '--verdict MAYBE', want: /invalid --verdict value: MAYBE/ },
    { name: 'lower-case verdict (as the CLI)', input: '--verdict dropped', want: /invalid --verdict value/ },
    { name: 'conflicting flags', input: '--from-pod a --from-namespace b', want: /cannot be combined/ },
    { name: 'trailing --not', input: '--verdict DROPPED --not', want: /trailing --not/ },
    { name: 'double --not', input: '--not --not --verdict DROPPED', want: /consecutive --not/ },
    { name: 'stray word', input: 'DROPPED', want: /unexpected argument/ },
  ];
  for (const c of errors)
    it(`rejects ${c.name}`, () => expect(parseFilterBar(c.input).error).toMatch(c.want));

  it('re-quotes attacker-looking values in the flags it sends', () => {
    const p = parseFilterBar(`--http-path '<script>x</script>'`);
    expect(p.filterFlags).toBe(`--http-path '<script>x</script>'`);
    expect(p.allow).toEqual([{ http_path: ['<script>x</script>'] }]);
  });
});

describe('formatRawFilter', () => {
  it('prints allow and deny lists like --print-raw-filters', () => {
    const p = parseFilterBar('--verdict DROPPED --not --to-port 53');
    expect(formatRawFilter(p)).toBe(
      `allowlist:\n- '{"verdict":["DROPPED"]}'\ndenylist:\n- '{"destination_port":["53"]}'`,
    );
    expect(formatRawFilter(parseFilterBar(''))).toBe('allowlist: []\ndenylist: []');
  });
  it('includes extra (ANDed) filters', () => {
    expect(formatRawFilter({ allow: [], deny: [] }, [{ dns_query: ['^a$'] }])).toBe(
      `allowlist:\n- '{"dns_query":["^a$"]}'\ndenylist: []`,
    );
  });
});
