import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runObserve, type ObserveIO } from './run.js';

const GOLDEN = fileURLToPath(new URL('../../../test/golden-hubble/', import.meta.url));
const INPUT = join(GOLDEN, 'input.jsonl');
const golden = (name: string): string => readFileSync(join(GOLDEN, name), 'utf8');
const inputLines = readFileSync(INPUT, 'utf8')
  .split('\n')
  .filter((l) => l !== '');

const dir = mkdtempSync(join(tmpdir(), 'flowlens-observe-'));
afterAll(() => {
  // Temporary files are left to the OS temp cleaner; nothing else to release.
});

function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** A stream capturing what is written. */
class Capture extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super({ decodeStrings: false });
  }
  override _write(chunk: string | Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.text += chunk.toString();
    cb();
  }
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function observe(
  argv: string[],
  opts: { stdin?: string; env?: Record<string, string>; tty?: boolean } = {},
): Promise<Result> {
  const stdout = new Capture(opts.tty);
  const stderr = new Capture(opts.tty);
  const io: ObserveIO = {
    stdout,
    stderr,
    stdin: opts.stdin !== undefined ? Readable.from([Buffer.from(opts.stdin)]) : undefined,
    env: opts.env ?? {},
    now: () => Date.parse('2026-11-20T09:00:00Z'),
  };
  const code = await runObserve(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('observe over the hubble goldens (byte-exact)', () => {
  const cases: { file: string; argv: string[] }[] = [
    { file: 'observe-all.json', argv: ['--all', '-o', 'json'] },
    { file: 'observe-all.compact.txt', argv: ['--all', '-o', 'compact', '--color', 'never'] },
    {
      file: 'observe-all.compact-node.txt',
      argv: ['--all', '-o', 'compact', '--color', 'never', '--print-node-name'],
    },
    {
      file: 'observe-all.compact-rfc3339nano.txt',
      argv: ['--all', '--time-format', 'RFC3339Nano', '-o', 'compact', '--color', 'never'],
    },
    { file: 'observe-all.dict.txt', argv: ['--all', '-o', 'dict', '--color', 'never'] },
    { file: 'observe-all.table.txt', argv: ['--all', '-o', 'table', '--color', 'never'] },
    {
      file: 'filter-dropped-shop.compact.txt',
      argv: ['--all', '--verdict', 'DROPPED', '--namespace', 'shop', '-o', 'compact', '--color', 'never'],
    },
    {
      file: 'filter-dns.compact.txt',
      argv: ['--all', '--protocol', 'dns', '-o', 'compact', '--color', 'never'],
    },
    {
      file: 'filter-dropped-shop.raw-filters.txt',
      argv: ['--verdict', 'DROPPED', '--namespace', 'shop', '--print-raw-filters'],
    },
  ];
  it.each(cases)('$file', async ({ file: name, argv }) => {
    const r = await observe(['--input-file', INPUT, ...argv]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(golden(name));
  });

  it('observe flows is the same command', async () => {
    const r = await observe(['flows', '--input-file', INPUT, '--all', '-o', 'jsonpb']);
    expect(r.stdout).toBe(golden('observe-all.json'));
  });
});

describe('selectors over a file', () => {
  const compact = golden('observe-all.compact.txt').split('\n').slice(0, -1);
  it('prints the last 20 flows by default', async () => {
    const r = await observe(['--input-file', INPUT, '--color', 'never']);
    expect(r.stdout).toBe(compact.slice(-20).join('\n') + '\n');
  });
  it('--last 3', async () => {
    const r = await observe(['--input-file', INPUT, '--last', '3', '-o', 'json']);
    expect(r.stdout).toBe(inputLines.slice(-3).join('\n') + '\n');
  });
  it('--first 6', async () => {
    const r = await observe(['--input-file', INPUT, '--first', '6', '--color', 'never']);
    expect(r.stdout).toBe(compact.slice(0, 6).join('\n') + '\n');
  });
  it('--first stops early and works with filters', async () => {
    const all = await observe(['--input-file', INPUT, '--all', '--verdict', 'DROPPED', '-o', 'json']);
    const first = await observe([
      '--input-file',
      INPUT,
      '--first',
      '2',
      '--verdict',
      'DROPPED',
      '-o',
      'json',
    ]);
    expect(first.stdout).toBe(all.stdout.split('\n').slice(0, 2).join('\n') + '\n');
  });
  it('--last with filters keeps the last matches', async () => {
    const all = await observe(['--input-file', INPUT, '--all', '--verdict', 'DROPPED', '-o', 'json']);
    const last = await observe(['--input-file', INPUT, '--last', '4', '--verdict', 'DROPPED', '-o', 'json']);
    expect(last.stdout).toBe(all.stdout.split('\n').slice(-5).join('\n'));
  });
  it('--not excludes', async () => {
    const r = await observe([
      '--input-file',
      INPUT,
      '--all',
      '--not',
      '--verdict',
      'FORWARDED',
      '-o',
      'json',
    ]);
    const dropped = await observe(['--input-file', INPUT, '--all', '--verdict', 'DROPPED', '-o', 'json']);
    expect(r.stdout).toBe(dropped.stdout);
  });
  it('--allowlist works on observe too (flowlens divergence)', async () => {
    const r = await observe([
      '--input-file',
      INPUT,
      '--all',
      '--allowlist',
      '{"verdict":["DROPPED"]}',
      '-o',
      'json',
    ]);
    const dropped = await observe(['--input-file', INPUT, '--all', '--verdict', 'DROPPED', '-o', 'json']);
    expect(r.stdout).toBe(dropped.stdout);
  });
  it('--follow only disables the default of 20', async () => {
    const r = await observe(['--input-file', INPUT, '-f', '-o', 'json']);
    expect(r.stdout).toBe(golden('observe-all.json'));
  });

  // Wrapper times of spec §1's verified example, flows numbered u0…u11 by uuid.
  const times = [
    '2024-04-30T23:59:59.999999999Z',
    '2024-05-01T00:00:00Z',
    '2024-05-01T10:59:59Z',
    '2024-05-01T11:00:00Z',
    '2024-05-01T11:30:00Z',
    '2024-05-01T12:00:00Z',
    '2024-05-01T12:00:05Z',
    '2024-05-01T12:00:05.500Z',
    '2024-05-01T12:00:06Z',
    '2024-05-02T00:00:00Z',
    '2024-05-02T00:00:00.000000001Z',
    '2024-05-03T00:00:00Z',
  ];
  const timed = file(
    'timed.jsonl',
    times
      .map(
        (t, i) =>
          `{"flow":{"time":"2024-05-01T00:00:00Z","uuid":"u${i}","verdict":"FORWARDED"},"time":"${t}"}\n`,
      )
      .join(''),
  );
  const uuids = (out: string): string[] =>
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).flow.uuid);
  const range = (a: number, b: number): string[] => Array.from({ length: b - a + 1 }, (_, i) => `u${a + i}`);
  it.each([
    { argv: ['--since', '2024-05-01'], want: range(1, 11) },
    { argv: ['--since', '2024-05-01T11Z'], want: range(3, 11) },
    { argv: ['--since', '2024-05-01T13+02:00'], want: range(3, 11) },
    { argv: ['--since', '2024-05-01T12:00:05.5Z'], want: range(7, 11) },
    { argv: ['--since', 'Wed, 01 May 2024 12:00:05 +0000'], want: range(6, 11) },
    { argv: ['--until', '2024-05-01'], want: ['u0', 'u1'] },
    { argv: ['--until', '2024-05-01T12:00:05Z'], want: range(0, 6) },
    { argv: ['--since', '2024-05-01', '--last', '2'], want: ['u10', 'u11'] },
    { argv: ['--since', '2024-05-01', '--first', '2'], want: ['u1', 'u2'] },
    { argv: ['--since', '1h'], want: [] },
  ])('$argv', async ({ argv, want }) => {
    const r = await observe(['--input-file', timed, '-o', 'json', ...argv]);
    expect(r.code).toBe(0);
    expect(uuids(r.stdout)).toEqual(want);
  });

  it('responses without a flow occupy --last/--first slots', async () => {
    const five = inputLines.slice(0, 5);
    const f = file(
      'slots.jsonl',
      [...five, '{}', '{"time":"2030-01-01T00:00:00Z"}', '{"node_name":"x"}'].join('\n') + '\n',
    );
    expect((await observe(['--input-file', f, '--last', '3', '-o', 'json'])).stdout).toBe('');
    expect((await observe(['--input-file', f, '--first', '6', '-o', 'json'])).stdout).toBe(
      five.join('\n') + '\n',
    );
  });
});

describe('inputs', () => {
  it('reads stdin with -', async () => {
    const r = await observe(['--input-file', '-', '--all', '-o', 'json'], {
      stdin: inputLines.join('\n') + '\n',
    });
    expect(r.stdout).toBe(golden('observe-all.json'));
  });
  it('reads gzip and merges several files in time order', async () => {
    const even = inputLines.filter((_, i) => i % 2 === 0);
    const odd = inputLines.filter((_, i) => i % 2 === 1);
    const a = file('even.jsonl.gz', gzipSync(even.join('\n') + '\n'));
    const b = file('odd.jsonl', odd.join('\n') + '\n');
    const merged = await observe(['--input-file', a, '--input-file', b, '--all', '-o', 'json']);
    const sorted = [...inputLines].sort(
      (x, y) => Date.parse(JSON.parse(x).time) - Date.parse(JSON.parse(y).time),
    );
    expect(merged.code).toBe(0);
    expect(
      merged.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).time),
    ).toEqual(sorted.map((l) => JSON.parse(l).time));
  });
  it('accepts a glob', async () => {
    mkdirSync(join(dir, 'glob'));
    file('glob/a.jsonl', inputLines.slice(0, 2).join('\n') + '\n');
    file('glob/b.jsonl', inputLines.slice(2, 3).join('\n') + '\n');
    const r = await observe(['--input-file', join(dir, 'glob', '*.jsonl'), '--all', '-o', 'json']);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(3);
  });
});

describe('bad input', () => {
  const good = inputLines.slice(0, 4);
  const cases: {
    name: string;
    content: string | Buffer;
    wantLines: string[];
    warn: RegExp[];
    summary: RegExp | null;
  }[] = [
    {
      name: 'invalid JSON lines are warned about with their line numbers',
      content: [good[0], 'not json', good[1], '{"flow":', good[2]].join('\n') + '\n',
      wantLines: good.slice(0, 3),
      warn: [/^warning: line 2: invalid JSON/m, /^warning: line 4: invalid JSON/m],
      summary: /^flowlens: read 5 lines, 3 flows, matched 3, skipped 2 invalid\n/m,
    },
    {
      name: 'blank and whitespace-only lines',
      content: ['', good[0], '   ', good[1], ''].join('\n') + '\n',
      wantLines: good.slice(0, 2),
      warn: [],
      summary: /skipped 3 blank/,
    },
    {
      name: 'CRLF line endings',
      content: good.join('\r\n') + '\r\n',
      wantLines: good,
      warn: [],
      summary: null,
    },
    {
      name: 'a truncated last line',
      content: good.slice(0, 3).join('\n') + '\n' + good[3].slice(0, 100),
      wantLines: good.slice(0, 3),
      warn: [/^warning: line 4: invalid JSON/m],
      summary: /skipped 1 invalid/,
    },
    {
      name: 'binary garbage',
      content: Buffer.concat([
        Buffer.from(good[0] + '\n'),
        Buffer.from([0xff, 0xfe, 0x00, 0x1b, 0x80, 0x0a]),
        Buffer.from(good[1] + '\n'),
      ]),
      wantLines: good.slice(0, 2),
      warn: [/^warning: line 2: /m],
      summary: /skipped 1 invalid/,
    },
    {
      name: 'JSON that is not a flow',
      content: [good[0], '[1,2,3]', '42', good[1]].join('\n') + '\n',
      wantLines: good.slice(0, 2),
      warn: [/^warning: line 2: /m, /^warning: line 3: /m],
      summary: /skipped 2 invalid/,
    },
  ];
  it.each(cases)('$name', async ({ name, content, wantLines, warn, summary }) => {
    const f = file(name.replace(/\W+/g, '-') + '.jsonl', content);
    const r = await observe(['--input-file', f, '--all', '-o', 'json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(wantLines.map((l) => l + '\n').join(''));
    for (const w of warn) expect(r.stderr).toMatch(w);
    const summaryLines = r.stderr.split('\n').filter((l) => l.startsWith('flowlens:'));
    if (summary === null) expect(summaryLines).toEqual([]);
    else {
      expect(summaryLines).toHaveLength(1);
      expect(summaryLines[0] + '\n').toMatch(summary);
    }
  });
  it('a line over the limit is reported, the rest is read', async () => {
    const big = '{"flow":{"uuid":"' + 'x'.repeat(17 * 1024 * 1024) + '"}}';
    const f = file('long.jsonl', [good[0], big, good[1]].join('\n') + '\n');
    const r = await observe(['--input-file', f, '--all', '-o', 'json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(good[0] + '\n' + good[1] + '\n');
    expect(r.stderr).toMatch(/line 2: line too long/);
    expect(r.stderr).toMatch(/skipped 1 too long/);
  });
  it('lines of several MiB are accepted (hubble stops at 64 KiB)', async () => {
    const flow = JSON.parse(good[0]);
    flow.flow.Summary = 'y'.repeat(3 * 1024 * 1024);
    const f = file('wide.jsonl', JSON.stringify(flow) + '\n');
    const r = await observe(['--input-file', f, '--all', '-o', 'json']);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(3 * 1024 * 1024);
  });
  it('control characters never reach the terminal raw', async () => {
    const flow = JSON.parse(good[0]);
    flow.flow.source.pod_name = 'evil\u001b[2J\rpod';
    const f = file('ctl.jsonl', JSON.stringify(flow) + '\n');
    const r = await observe(['--input-file', f, '--all', '--color', 'never']);
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(r.stdout).toContain('evil\\x1b[2J\\x0dpod');
  });
  it('no summary on a clean, non-terminal run; a summary on a terminal', async () => {
    expect((await observe(['--input-file', INPUT, '--all', '-o', 'json'])).stderr).toBe('');
    const tty = await observe(['--input-file', INPUT, '--verdict', 'DROPPED', '--last', '5', '-o', 'json'], {
      tty: true,
    });
    expect(tty.stderr).toMatch(/flowlens: read 300 lines, \d+ flows, matched 22, selected 5\n$/);
  });
});

describe('errors: one bare line on stderr, exit 1, nothing on stdout', () => {
  const missing = join(dir, 'missing.jsonl');
  const cases: { name: string; argv: string[]; wantError: string | RegExp }[] = [
    {
      name: 'missing file',
      argv: ['--input-file', missing],
      wantError: `failed to open ${missing}: no such file or directory`,
    },
    { name: 'a directory', argv: ['--input-file', dir], wantError: /is a directory/ },
    {
      name: 'an invalid CIDR',
      argv: ['--input-file', INPUT, '--ip', '10.0.0.0/33'],
      wantError: 'invalid CIDR in filter: "10.0.0.0/33"',
    },
    {
      name: 'an invalid port',
      argv: ['--input-file', INPUT, '--to-port', 'abc'],
      wantError:
        'invalid destination port filter: invalid port "abc": strconv.ParseUint: parsing "abc": invalid syntax',
    },
    {
      name: 'the allowlist is compiled before the denylist',
      argv: ['--input-file', INPUT, '--not', '--protocol', 'bar', '--protocol', 'foo'],
      wantError: 'invalid protocol filter: unknown protocol: "foo"',
    },
    {
      name: 'a missing file is reported before a bad filter',
      argv: ['--input-file', missing, '--ip', '10.0.0'],
      wantError: `failed to open ${missing}: no such file or directory`,
    },
    {
      name: 'a bad filter is reported before --last',
      argv: ['--input-file', INPUT, '--ip', '10.0.0', '--last', '1000001'],
      wantError: 'invalid IP address in filter: "10.0.0"',
    },
    {
      name: '--last above 1,000,000',
      argv: ['--input-file', INPUT, '--last', '1000001'],
      wantError: '--last must be <= 1_000_000, got 1000001',
    },
    { name: 'an unknown flag', argv: ['--input-file', INPUT, '--bogus'], wantError: 'unknown flag: --bogus' },
    // Without --input-file, live mode asks the server of --server (here a port nobody listens on).
    {
      name: 'no input and no server',
      argv: ['--all', '--server', '127.0.0.1:1'],
      wantError: /^failed to get flows from '127\.0\.0\.1:1': /,
    },
  ];
  it.each(cases)('$name', async ({ argv, wantError }) => {
    const r = await observe(argv);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toHaveLength(2);
    if (typeof wantError === 'string') expect(r.stderr).toBe(wantError + '\n');
    else expect(r.stderr).toMatch(wantError);
  });
});

describe('output', () => {
  it('--help prints the flag groups', async () => {
    const r = await observe(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Filters Flags:');
    expect(r.stdout).toMatch(
      /^ {2}-n, --namespace filter {3,}Show all flows related to the given Kubernetes namespace\.$/m,
    );
    expect(r.stdout).toMatch(/^ {6}--last uint {3,}Get last N flows/m);
  });
  it('--stats prints counts instead of flows', async () => {
    const r = await observe(['--input-file', INPUT, '--stats']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^flows: 300\n/);
    expect(r.stdout).toContain('by verdict:\n  FORWARDED  278\n  DROPPED     22\n');
    const json = JSON.parse(
      (await observe(['--input-file', INPUT, '--stats', '-n', 'shop', '-o', 'json'])).stdout,
    );
    expect(json.namespace.shop).toBe(json.flows);
  });
  it('--color always / auto on a terminal / NO_COLOR', async () => {
    const esc = /\u001b\[/;
    expect((await observe(['--input-file', INPUT, '--last', '1', '--color', 'always'])).stdout).toMatch(esc);
    expect((await observe(['--input-file', INPUT, '--last', '1'], { tty: true })).stdout).toMatch(esc);
    expect(
      (await observe(['--input-file', INPUT, '--last', '1'], { tty: true, env: { NO_COLOR: '1' } })).stdout,
    ).not.toMatch(esc);
    expect((await observe(['--input-file', INPUT, '--last', '1'])).stdout).not.toMatch(esc);
  });
  it('node-status lines go to stderr unless --silent-errors', async () => {
    const status =
      '{"node_status":{"state_change":"NODE_ERROR","node_names":["a"],"message":"boom"},"node_name":"relay","time":"2024-05-01T12:00:02Z"}';
    const f = file('status.jsonl', inputLines[0] + '\n' + status + '\n');
    const r = await observe(['--input-file', f, '--all', '--color', 'never']);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toContain('Error "boom" on 1 nodes: a');
    expect((await observe(['--input-file', f, '--all', '-s'])).stderr).toBe('');
  });
  it('stops quietly when stdout is closed (EPIPE)', async () => {
    let writes = 0;
    const stdout = new Writable({
      write(_chunk, _enc, cb) {
        writes++;
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    stdout.on('error', () => {});
    const stderr = new Capture();
    const big = file('big.jsonl', Array.from({ length: 40 }, () => inputLines.join('\n') + '\n').join(''));
    const code = await runObserve(['--input-file', big, '--all', '-o', 'json'], {
      stdout,
      stderr,
      env: {},
      now: Date.now,
    });
    expect(code).toBe(0);
    expect(stderr.text).toBe('');
    expect(writes).toBe(1);
  });
});
