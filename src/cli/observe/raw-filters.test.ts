import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readJsonStream } from './json-stream.js';
import { decodeRawFilters, renderRawFilters } from './raw-filters.js';
import { parseObserveArgs } from './request.js';

const golden = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`../../../test/golden-hubble/${name}`, import.meta.url)), 'utf8');

function printRaw(argv: string[]): string {
  const inv = parseObserveArgs([...argv, '--print-raw-filters'], { nowMs: 0, env: {} });
  if (inv.kind !== 'print-raw-filters') throw new Error(`unexpected ${inv.kind}`);
  return inv.text;
}

describe('--print-raw-filters output', () => {
  it('matches hubble byte for byte (golden filter-dropped-shop.raw-filters.txt)', () => {
    expect(printRaw(['--verdict', 'DROPPED', '--namespace', 'shop'])).toBe(
      golden('filter-dropped-shop.raw-filters.txt'),
    );
  });

  const cases: { name: string; argv: string[]; want: string }[] = [
    {
      name: 'allowlist then denylist',
      argv: ['--namespace', 'X', '--verdict', 'DROPPED', '--not', '--verdict', 'FORWARDED'],
      want: `allowlist:
    - '{"source_pod":["X/"],"verdict":["DROPPED"]}'
    - '{"destination_pod":["X/"],"verdict":["DROPPED"]}'
denylist:
    - '{"verdict":["FORWARDED"]}'
`,
    },
    { name: 'no filters print {}', argv: ['--since', '5m'], want: '{}\n' },
    { name: 'denylist only', argv: ['--not', '--uuid', 'a'], want: `denylist:\n    - '{"uuid":["a"]}'\n` },
    {
      name: 'a single quote is doubled',
      argv: ['--label', "it's"],
      want: `allowlist:\n    - '{"source_label":["it''s"]}'\n    - '{"destination_label":["it''s"]}'\n`,
    },
    {
      name: '<, > and & are escaped as in Go',
      argv: ['--http-path', '<a&b>'],
      want: `allowlist:\n    - '{"http_path":["\\u003ca\\u0026b\\u003e"]}'\n`,
    },
    {
      name: 'tab and newline are JSON-escaped',
      argv: ['--uuid', 'a\tb\nc'],
      want: `allowlist:\n    - '{"uuid":["a\\tb\\nc"]}'\n`,
    },
    { name: 'non-ASCII is written raw', argv: ['--uuid', 'é'], want: `allowlist:\n    - '{"uuid":["é"]}'\n` },
    {
      name: 'values are not validated',
      argv: ['--ip', '10.0.0'],
      want: `allowlist:\n    - '{"source_ip":["10.0.0"]}'\n    - '{"destination_ip":["10.0.0"]}'\n`,
    },
    {
      name: 'long lines are not wrapped',
      argv: ['--uuid', 'word '.repeat(40)],
      want: `allowlist:\n    - '{"uuid":["${'word '.repeat(40)}"]}'\n`,
    },
    {
      name: 'allowlist JSON appended after flag filters',
      argv: [
        '--verdict',
        'DROPPED',
        '--allowlist',
        '{"source_workload":[{"kind":"Deployment","name":"frontend"}]}',
      ],
      want: `allowlist:\n    - '{"verdict":["DROPPED"]}'\n    - '{"source_workload":[{"name":"frontend","kind":"Deployment"}]}'\n`,
    },
    {
      name: 'BOM forces a double-quoted YAML scalar',
      argv: ['--uuid', '\ufeffx'],
      want: `allowlist:\n    - "{\\"uuid\\":[\\"\\uFEFFx\\"]}"\n`,
    },
  ];
  it.each(cases)('$name', ({ argv, want }) => expect(printRaw(argv)).toBe(want));

  it('renderRawFilters renders both lists empty as {}', () => {
    expect(renderRawFilters([], [])).toBe('{}\n');
  });
});

describe('decodeRawFilters', () => {
  const cases: { name: string; values: string[]; want?: unknown[]; wantError?: string }[] = [
    { name: 'one filter', values: ['{"verdict":["DROPPED"]}'], want: [{ verdict: ['DROPPED'] }] },
    {
      name: 'concatenated filters',
      values: ['{"verdict":["DROPPED"]}{"uuid":["f0"]}'],
      want: [{ verdict: ['DROPPED'] }, { uuid: ['f0'] }],
    },
    {
      name: 'whitespace-separated filters',
      values: [' {"uuid":["a"]}\n\t{"uuid":["b"]} '],
      want: [{ uuid: ['a'] }, { uuid: ['b'] }],
    },
    {
      name: 'several flag values',
      values: ['{"uuid":["a"]}', '{"uuid":["b"]}'],
      want: [{ uuid: ['a'] }, { uuid: ['b'] }],
    },
    { name: 'empty value gives nothing', values: [''], want: [] },
    { name: 'empty filter matches everything', values: ['{}'], want: [{}] },
    {
      name: 'lowerCamelCase names and enum numbers',
      values: ['{"sourcePod":["/frontend"],"verdict":[2,3]}'],
      want: [{ source_pod: ['/frontend'], verdict: ['DROPPED', 'ERROR'] }],
    },
    { name: 'reply is reachable only here', values: ['{"reply":[true]}'], want: [{ reply: [true] }] },
    {
      name: 'comma between objects',
      values: ['{"verdict":["DROPPED"]},{"uuid":["f0"]}'],
      wantError: `invalid --allowlist flag: failed to decode '{"verdict":["DROPPED"]},{"uuid":["f0"]}': invalid character ',' looking for beginning of value`,
    },
    {
      name: 'JSON array',
      values: ['[{"verdict":["DROPPED"]}]'],
      wantError: `invalid --allowlist flag: failed to decode '[{"verdict":["DROPPED"]}]': proto: syntax error (line 1:1): unexpected token [`,
    },
    {
      name: 'unknown field',
      values: ['{"unknown_field":1}'],
      wantError: `invalid --allowlist flag: failed to decode '{"unknown_field":1}': proto: (line 1:2): unknown field "unknown_field"`,
    },
    {
      name: 'unknown field position on a later line',
      values: ['{"uuid":["a"],\n  "bogus":1}'],
      wantError: `invalid --allowlist flag: failed to decode '{"uuid":["a"],\n  "bogus":1}': proto: (line 2:3): unknown field "bogus"`,
    },
    {
      name: 'duplicate field',
      values: ['{"uuid":["a"],"uuid":["b"]}'],
      wantError: `invalid --allowlist flag: failed to decode '{"uuid":["a"],"uuid":["b"]}': proto: (line 1:15): duplicate field "uuid"`,
    },
    {
      name: 'a number',
      values: ['42'],
      wantError: `invalid --allowlist flag: failed to decode '42': proto: syntax error (line 1:1): unexpected token 42`,
    },
    {
      name: 'truncated object',
      values: ['{"uuid":["a"]'],
      wantError: `invalid --allowlist flag: failed to decode '{"uuid":["a"]': unexpected EOF`,
    },
    {
      name: 'bad literal',
      values: ['{"reply":[tru]}'],
      wantError: `invalid --allowlist flag: failed to decode '{"reply":[tru]}': invalid character ']' in literal true (expecting 'e')`,
    },
    {
      name: 'missing colon',
      values: ['{"uuid" ["a"]}'],
      wantError: `invalid --allowlist flag: failed to decode '{"uuid" ["a"]}': invalid character '[' after object key`,
    },
    {
      name: 'a second bad value is reported with its own text',
      values: ['{}', 'nope'],
      wantError: `invalid --allowlist flag: failed to decode 'nope': invalid character 'o' in literal null (expecting 'u')`,
    },
  ];
  it.each(cases)('$name', ({ values, want, wantError }) => {
    if (wantError !== undefined) expect(() => decodeRawFilters(values, 'allowlist')).toThrow(wantError);
    else expect(decodeRawFilters(values, 'allowlist')).toEqual(want);
  });
  it('names the denylist flag', () => {
    expect(() => decodeRawFilters(['x'], 'denylist')).toThrow(
      /^invalid --denylist flag: failed to decode 'x': /,
    );
  });
});

describe('readJsonStream (Go json.Decoder syntax errors)', () => {
  it.each([
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['[1 2]', "invalid character '2' after array element"],
    ['{1:2}', "invalid character '1' looking for beginning of object key string"],
    ['"a\tb"', "invalid character '\\t' in string literal"],
    ['"\\x"', "invalid character 'x' in string escape code"],
    ['-x', "invalid character 'x' in numeric literal"],
    ['1.x', "invalid character 'x' after decimal point in numeric literal"],
    ['1ex', "invalid character 'x' in exponent of numeric literal"],
    ['"abc', 'unexpected EOF'],
  ])('%j → %s', (s, msg) => expect(() => readJsonStream(s)).toThrow(msg));
  it('splits values and records key positions', () => {
    const v = readJsonStream('{"a":{"b":1}} 2 "x"');
    expect(v.map((x) => x.kind)).toEqual(['object', 'number', 'string']);
    expect(v[0].keys).toEqual([
      { path: 'a', key: 'a', line: 1, col: 2 },
      { path: 'a.b', key: 'b', line: 1, col: 7 },
    ]);
  });
});
