import { describe, expect, it } from 'vitest';
import { ALL_FLOWS, parseObserveArgs, type ObserveInvocation } from './request.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

function parse(argv: string[], env: Record<string, string> = {}): ObserveInvocation {
  return parseObserveArgs(argv, { nowMs: NOW, env });
}

function run(argv: string[], env: Record<string, string> = {}) {
  const inv = parse(['--input-file', 'f.jsonl', ...argv], env);
  if (inv.kind !== 'run') throw new Error(`expected run, got ${inv.kind}`);
  return inv;
}

function errorOf(argv: string[], env: Record<string, string> = {}): string | undefined {
  try {
    parse(argv, env);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

describe('selectors (§1)', () => {
  const cases: {
    name: string;
    argv: string[];
    number: bigint;
    first?: boolean;
    follow?: boolean;
    since?: boolean;
    until?: boolean;
  }[] = [
    { name: 'no selector means the last 20, also with --input-file', argv: [], number: 20n },
    { name: '--all', argv: ['--all'], number: ALL_FLOWS },
    { name: '--last 5', argv: ['--last', '5'], number: 5n },
    { name: '--last 0 is unset', argv: ['--last', '0'], number: 20n },
    { name: '--first 3', argv: ['--first', '3'], number: 3n, first: true },
    { name: '--first 0 is unset', argv: ['--first', '0', '--all'], number: ALL_FLOWS },
    { name: '--first 0 with --last', argv: ['--first', '0', '--last', '2'], number: 2n },
    { name: '--follow disables the default', argv: ['--follow'], number: 0n, follow: true },
    { name: '-f --last 5', argv: ['-f', '--last', '5'], number: 5n, follow: true },
    { name: '--since alone selects everything in range', argv: ['--since', '5m'], number: 0n, since: true },
    { name: '--until alone', argv: ['--until', '2024-05-01'], number: 0n, until: true },
    { name: '--all with --since changes nothing', argv: ['--all', '--since', '5m'], number: 0n, since: true },
    { name: '--since with --last', argv: ['--since', '5m', '--last', '7'], number: 7n, since: true },
    {
      name: '--since with --first',
      argv: ['--since', '5m', '--first', '7'],
      number: 7n,
      first: true,
      since: true,
    },
    {
      name: '--until is ignored with --follow',
      argv: ['--until', '2024-05-01', '-f'],
      number: 0n,
      follow: true,
    },
    { name: 'uint64 values accept Go prefixes', argv: ['--last', '0x10'], number: 16n },
    { name: 'the last --last wins', argv: ['--last', '3', '--last', '4'], number: 4n },
    { name: '--all=false is unset', argv: ['--all', '--all=false'], number: 20n },
    { name: '--stats implies --all without a selector', argv: ['--stats'], number: ALL_FLOWS },
    { name: '--stats keeps an explicit --last', argv: ['--stats', '--last', '3'], number: 3n },
  ];
  it.each(cases)('$name', ({ argv, number, first = false, follow = false, since = false, until = false }) => {
    const { request } = run(argv);
    expect(request.number).toBe(number);
    expect(request.first).toBe(first);
    expect(request.follow).toBe(follow);
    expect(request.since !== undefined).toBe(since);
    expect(request.until !== undefined).toBe(until);
  });

  it('--since/--until carry the parsed instants', () => {
    const { request } = run(['--since', '2024-05-01T11Z', '--until', '1h']);
    expect(request.since).toEqual({ seconds: Date.parse('2024-05-01T11:00:00Z') / 1000, nanos: 0 });
    expect(request.until).toEqual({ seconds: Date.parse('2024-05-01T11:00:00Z') / 1000, nanos: 0 });
  });
});

describe('errors and their order (spec header)', () => {
  const cases: { name: string; argv: string[]; env?: Record<string, string>; wantError: string }[] = [
    {
      name: 'first and last',
      argv: ['--first', '1', '--last', '1'],
      wantError: 'cannot set both --first and --last',
    },
    {
      name: 'first and all',
      argv: ['--first', '1', '--all'],
      wantError: 'cannot set both --first and --all',
    },
    {
      name: 'first and follow',
      argv: ['--first', '1', '-f'],
      wantError: 'cannot set both --first and --follow',
    },
    { name: 'last and all', argv: ['--last', '1', '--all'], wantError: 'cannot set both --last and --all' },
    {
      name: 'bad since',
      argv: ['--since', '1d'],
      wantError: 'failed to parse the since time: failed to convert 1d to time',
    },
    {
      name: 'bad until',
      argv: ['--until', 'May  1 12:00:05.000'],
      wantError: 'failed to parse the until time: failed to convert May  1 12:00:05.000 to time',
    },
    {
      name: 'since before year 1',
      argv: ['--since', '0000-12-31'],
      wantError:
        'failed to convert `since` timestamp to proto: proto: timestamp (seconds:-62135683200) before 0001-01-01',
    },
    {
      name: 'output format is case-sensitive',
      argv: ['-o', 'Compact'],
      wantError: 'invalid output format: Compact',
    },
    { name: 'unknown output format', argv: ['--output', 'yaml'], wantError: 'invalid output format: yaml' },
    {
      name: 'table with follow',
      argv: ['-o', 'table', '-f'],
      wantError: 'table output format is not compatible with follow mode',
    },
    {
      name: 'tab alias with follow',
      argv: ['-o', 'tab', '-f'],
      wantError: 'table output format is not compatible with follow mode',
    },
    {
      name: 'field mask with compact',
      argv: ['--experimental-field-mask', 'time,verdict'],
      wantError: 'compact output format is not compatible with custom field mask',
    },
    {
      name: 'bad --last value',
      argv: ['--last', '-1'],
      wantError: 'invalid argument "-1" for "--last" flag: strconv.ParseUint: parsing "-1": invalid syntax',
    },
    {
      name: 'bad --timeout value',
      argv: ['--timeout', '5'],
      wantError: 'invalid argument "5" for "--timeout" flag: time: missing unit in duration "5"',
    },
    {
      name: 'removed v1.19 flags are unknown',
      argv: ['--all-namespaces'],
      wantError: 'unknown flag: --all-namespaces',
    },
    { name: '-A does not exist', argv: ['-A'], wantError: "unknown shorthand flag: 'A' in -A" },
    {
      name: 'bad allowlist',
      argv: ['--allowlist', '{"verdict":["DROPPED"]},{"uuid":["f0"]}'],
      wantError: `invalid --allowlist flag: failed to decode '{"verdict":["DROPPED"]},{"uuid":["f0"]}': invalid character ',' looking for beginning of value`,
    },
    {
      name: 'bad denylist',
      argv: ['--denylist', '[1]'],
      wantError: `invalid --denylist flag: failed to decode '[1]': proto: syntax error (line 1:1): unexpected token [`,
    },
    {
      name: 'bad HUBBLE_ALLOWLIST',
      argv: [],
      env: { HUBBLE_ALLOWLIST: '{"nope":1}' },
      wantError: `invalid --allowlist flag: failed to decode '{"nope":1}': proto: (line 1:2): unknown field "nope"`,
    },
    // Order: flag parsing wins over everything, trailing --not over output format, ...
    {
      name: 'flag errors come first',
      argv: ['-o', 'bad', '--first', '1', '--last', '1', '--bogus'],
      wantError: 'unknown flag: --bogus',
    },
    {
      name: 'trailing --not before output format',
      argv: ['-o', 'bad', '--not'],
      wantError: 'trailing --not found in the arguments',
    },
    {
      name: 'output format before selector conflicts',
      argv: ['-o', 'bad', '--first', '1', '--last', '1'],
      wantError: 'invalid output format: bad',
    },
    {
      name: 'selector conflicts before since',
      argv: ['--since', 'bad', '--first', '1', '--last', '1'],
      wantError: 'cannot set both --first and --last',
    },
    {
      name: 'since before until',
      argv: ['--until', 'bad', '--since', 'worse'],
      wantError: 'failed to parse the since time: failed to convert worse to time',
    },
    {
      name: 'until before allowlist',
      argv: ['--until', 'bad', '--allowlist', '['],
      wantError: 'failed to parse the until time: failed to convert bad to time',
    },
    {
      name: 'allowlist before denylist',
      argv: ['--denylist', '1', '--allowlist', '['],
      wantError: `invalid --allowlist flag: failed to decode '[': unexpected EOF`,
    },
    {
      name: 'raw filters are checked before printing them',
      argv: ['--print-raw-filters', '--allowlist', 'x'],
      wantError: `invalid --allowlist flag: failed to decode 'x': invalid character 'x' looking for beginning of value`,
    },
    {
      name: 'selector checks apply to --print-raw-filters',
      argv: ['--print-raw-filters', '--all', '--last', '3'],
      wantError: 'cannot set both --last and --all',
    },
    {
      name: 'agent-events is not available',
      argv: ['agent-events'],
      wantError: 'flowlens observe agent-events is not supported: flow logs hold flows only',
    },
  ];
  it.each(cases)('$name', ({ argv, env, wantError }) => {
    expect(errorOf(argv, env)).toBe(wantError);
  });
});

describe('invocation', () => {
  it('--help wins over later checks', () => {
    expect(parse(['-o', 'bad', '--help'])).toEqual({ kind: 'help', subcommand: 'observe' });
    expect(parse(['flows', '-h'])).toEqual({ kind: 'help', subcommand: 'flows' });
  });
  it('--help does not hide flag errors', () => {
    expect(errorOf(['--help', '--bogus'])).toBe('unknown flag: --bogus');
  });
  it('flows selects the alias, other positional arguments are ignored', () => {
    expect(run(['flows']).subcommand).toBe('flows');
    expect(run(['whatever']).subcommand).toBe('observe');
  });
  it('--print-raw-filters needs no input', () => {
    const inv = parse(['--print-raw-filters', '--verdict', 'DROPPED', '--namespace', 'shop']);
    expect(inv.kind).toBe('print-raw-filters');
  });
  it('formatting flags', () => {
    const r = run([
      '-o',
      'tab',
      '--print-node-name',
      '--time-format',
      'rfc3339nano',
      '--color',
      'ALWAYS',
      '--numeric',
      '-s',
      '-D',
    ]);
    expect(r).toMatchObject({
      format: 'table',
      printNodeName: true,
      timeFormat: 'RFC3339Nano',
      color: 'ALWAYS',
      ipTranslation: false,
      silentErrors: true,
      debug: true,
    });
  });
  it('defaults', () => {
    expect(run([])).toMatchObject({
      format: 'compact',
      printNodeName: false,
      timeFormat: 'StampMilli',
      color: 'auto',
      ipTranslation: true,
      legacyJson: false,
      stats: false,
      inputFiles: ['f.jsonl'],
    });
  });
  it('unknown time formats fall back to StampMilli', () => {
    expect(run(['--time-format', 'nope']).timeFormat).toBe('StampMilli');
  });
  it('--ip-translation=false turns names off', () => {
    expect(run(['--ip-translation=false']).ipTranslation).toBe(false);
  });
  it('json and JSON are aliases; HUBBLE_COMPAT=legacy-json-output selects the bare flow', () => {
    expect(run(['-o', 'JSON']).format).toBe('json');
    expect(run(['-o', 'json'], { HUBBLE_COMPAT: 'foo,Legacy-JSON-Output' }).legacyJson).toBe(true);
    expect(run(['-o', 'jsonpb']).format).toBe('jsonpb');
  });
  it('field masks are allowed with json', () => {
    expect(run(['-o', 'json', '--experimental-field-mask', 'time']).format).toBe('json');
  });
  it('--input-file is repeatable', () => {
    expect(run(['--input-file', '-', '--input-file', 'b/*.gz']).inputFiles).toEqual([
      'f.jsonl',
      '-',
      'b/*.gz',
    ]);
  });
  it('--allowlist/--denylist filters follow the flag-built ones', () => {
    const { request } = run([
      '--verdict',
      'DROPPED',
      '--allowlist',
      '{"uuid":["a"]} {"uuid":["b"]}',
      '--not',
      '-t',
      'l7',
      '--denylist',
      '{"reply":[true]}',
    ]);
    expect(request.whitelist).toEqual([{ verdict: ['DROPPED'] }, { uuid: ['a'] }, { uuid: ['b'] }]);
    expect(request.blacklist).toEqual([{ event_type: [{ type: 129 }] }, { reply: [true] }]);
  });
  it('HUBBLE_ALLOWLIST / HUBBLE_DENYLIST apply when the flags are absent', () => {
    const env = {
      HUBBLE_ALLOWLIST: '{"uuid":["a"]} {"uuid":["b"]}',
      HUBBLE_DENYLIST: '{"verdict":["DROPPED"]}',
    };
    expect(run([], env).request).toMatchObject({
      whitelist: [{ uuid: ['a'] }, { uuid: ['b'] }],
      blacklist: [{ verdict: ['DROPPED'] }],
    });
    expect(run(['--allowlist', '{"uuid":["c"]}'], env).request.whitelist).toEqual([{ uuid: ['c'] }]);
  });
});

describe('live mode (no --input-file)', () => {
  const live = (argv: string[], env: Record<string, string> = {}) => {
    const inv = parse(argv, env);
    if (inv.kind !== 'run') throw new Error(`expected run, got ${inv.kind}`);
    return inv.live;
  };
  it('asks the server of --server, HUBBLE_SERVER or localhost:4245, in that order', () => {
    expect(live([])?.server).toBe('localhost:4245');
    expect(live([], { HUBBLE_SERVER: 'relay:4245' })?.server).toBe('relay:4245');
    expect(live(['--server', 'x:1'], { HUBBLE_SERVER: 'relay:4245' })?.server).toBe('x:1');
    expect(live(['--timeout', '2s'])?.timeoutMs).toBe(2000);
    expect(run([]).live).toBeUndefined();
  });
  it('uses TLS with --tls, a tls:// address or a client certificate', () => {
    expect(live([])?.tls).toBe(false);
    expect(live(['--tls'])?.tls).toBe(true);
    expect(live(['--server', 'tls://relay:443'])?.tls).toBe(true);
    expect(
      live([
        '--tls-client-cert-file',
        'c.pem',
        '--tls-client-key-file',
        'k.pem',
        '--tls-server-name',
        'relay',
      ]),
    ).toMatchObject({
      tls: true,
      tlsClientCertFile: 'c.pem',
      tlsClientKeyFile: 'k.pem',
      tlsServerName: 'relay',
    });
  });
  it('sends the field mask of json output', () => {
    expect(live(['-o', 'json', '--experimental-field-mask', 'time,uuid'])?.fieldMask).toEqual([
      'time',
      'uuid',
    ]);
  });
});
