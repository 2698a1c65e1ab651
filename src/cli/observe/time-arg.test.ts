import { describe, expect, it } from 'vitest';
import { formatTime } from '../../flow/index.js';
import { parseObserveArgs } from './request.js';
import { timeWindow } from './selection.js';
import { parseAbsoluteTime, parseTimeArg, timestampProblem } from './time-arg.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

function iso(input: string): string {
  return formatTime(parseTimeArg(input, NOW));
}

describe('parseTimeArg: absolute layouts', () => {
  const cases: { name: string; input: string; want: string }[] = [
    { name: 'date alone is midnight UTC', input: '2024-05-01', want: '2024-05-01T00:00:00Z' },
    { name: 'YearMonthDayHour with Z', input: '2024-05-01T11Z', want: '2024-05-01T11:00:00Z' },
    { name: 'YearMonthDayHour with offset', input: '2024-05-01T13+02:00', want: '2024-05-01T11:00:00Z' },
    { name: 'YearMonthDayHour with a one-digit hour', input: '2024-05-01T9Z', want: '2024-05-01T09:00:00Z' },
    { name: 'YearMonthDayHourMinute', input: '2024-05-01T11:30Z', want: '2024-05-01T11:30:00Z' },
    {
      name: 'YearMonthDayHourMinute with negative offset',
      input: '2024-05-01T06:30-05:00',
      want: '2024-05-01T11:30:00Z',
    },
    { name: 'RFC3339', input: '2024-05-01T12:00:05Z', want: '2024-05-01T12:00:05Z' },
    { name: 'RFC3339 with offset', input: '2024-05-01T14:00:05+02:00', want: '2024-05-01T12:00:05Z' },
    {
      name: 'RFC3339 with a one-digit fraction',
      input: '2024-05-01T12:00:05.5Z',
      want: '2024-05-01T12:00:05.500Z',
    },
    { name: 'RFC3339Milli', input: '2024-05-01T12:00:05.123Z', want: '2024-05-01T12:00:05.123Z' },
    { name: 'RFC3339Micro', input: '2024-05-01T12:00:05.123456Z', want: '2024-05-01T12:00:05.123456Z' },
    { name: 'RFC3339Nano', input: '2024-05-01T12:00:05.123456789Z', want: '2024-05-01T12:00:05.123456789Z' },
    {
      name: 'fractions beyond nanoseconds are truncated',
      input: '2024-05-01T12:00:05.1234567891Z',
      want: '2024-05-01T12:00:05.123456789Z',
    },
    {
      name: 'a comma may introduce the fraction',
      input: '2024-05-01T12:00:05,25Z',
      want: '2024-05-01T12:00:05.250Z',
    },
    { name: 'RFC1123Z', input: 'Wed, 01 May 2024 12:00:05 +0000', want: '2024-05-01T12:00:05Z' },
    { name: 'RFC1123Z with offset', input: 'Wed, 01 May 2024 14:00:05 +0200', want: '2024-05-01T12:00:05Z' },
    {
      name: 'RFC1123Z names are case-insensitive and not checked',
      input: 'mon, 01 MAY 2024 12:00:05 -0000',
      want: '2024-05-01T12:00:05Z',
    },
    {
      name: 'RFC1123Z with a fraction',
      input: 'Wed, 01 May 2024 12:00:05.5 +0000',
      want: '2024-05-01T12:00:05.500Z',
    },
    { name: 'leap day', input: '2024-02-29', want: '2024-02-29T00:00:00Z' },
    { name: 'year 1', input: '0001-01-01T00:00:00Z', want: '0001-01-01T00:00:00Z' },
  ];
  it.each(cases)('$name', ({ input, want }) => expect(iso(input)).toBe(want));
});

describe('parseTimeArg: relative durations', () => {
  it.each([
    ['30s', '2024-05-01T11:59:30Z'],
    ['5m', '2024-05-01T11:55:00Z'],
    ['1h30m', '2024-05-01T10:30:00Z'],
    ['1.5h', '2024-05-01T10:30:00Z'],
    ['250ms', '2024-05-01T11:59:59.750Z'],
    ['-5m', '2024-05-01T12:05:00Z'],
    ['0', '2024-05-01T12:00:00Z'],
  ])('%s is now minus the duration', (input, want) => expect(iso(input)).toBe(want));
});

describe('parseTimeArg: errors', () => {
  it.each([
    '5',
    '1d',
    'May  1 12:00:05.000',
    '2024-05-01t12:00:05Z',
    '2024-05-01T12:00:05z',
    '2024-05-01 12:00:05Z',
    '2024-05-01T12:00:05',
    '2024-5-1',
    '2024-02-30',
    '2023-02-29',
    '2024-13-01',
    '2024-05-01T24Z',
    '2024-05-01T12:60Z',
    '2024-05-01T12:00:60Z',
    '2024-05-01T12:00:05+0200',
    '2024-05-01T12:00:05Z ',
    'Wed, 01 May 2024 12:00:05 Z',
    'Wed, 1 May 2024 12:00:05 +0000',
    '',
    'yesterday',
  ])('%j is rejected', (input) => {
    expect(() => parseTimeArg(input, NOW)).toThrow(`failed to convert ${input} to time`);
  });
  it('parseAbsoluteTime returns undefined for no layout', () => {
    expect(parseAbsoluteTime('5m')).toBeUndefined();
  });
  it('reports timestamps outside the protobuf range', () => {
    expect(timestampProblem({ seconds: -62167219200, nanos: 0 })).toBe(
      'proto: timestamp (seconds:-62167219200) before 0001-01-01',
    );
    expect(timestampProblem({ seconds: 0, nanos: 0 })).toBeUndefined();
  });
});

describe('--since/--until on wrapper times (spec §1 verified examples)', () => {
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
  const u = (...idx: number[]): string[] => idx.map((i) => `u${i}`);
  const range = (a: number, b: number): string[] => u(...Array.from({ length: b - a + 1 }, (_, i) => a + i));
  const cases: { argv: string[]; want: string[] }[] = [
    { argv: ['--since', '2024-05-01'], want: range(1, 11) },
    { argv: ['--since', '2024-05-01T11Z'], want: range(3, 11) },
    { argv: ['--since', '2024-05-01T13+02:00'], want: range(3, 11) },
    { argv: ['--since', '2024-05-01T12:00:05.5Z'], want: range(7, 11) },
    { argv: ['--since', 'Wed, 01 May 2024 12:00:05 +0000'], want: range(6, 11) },
    { argv: ['--until', '2024-05-01'], want: u(0, 1) },
    { argv: ['--until', '2024-05-01T12:00:05Z'], want: range(0, 6) },
    { argv: ['--since', '2024-05-02', '--until', '2024-05-02T00:00:00.000000001Z'], want: u(9, 10) },
  ];
  it.each(cases)('$argv', ({ argv, want }) => {
    const inv = parseObserveArgs([...argv, '--input-file', 'x'], { nowMs: NOW, env: {} });
    if (inv.kind !== 'run') throw new Error('expected run');
    const keep = timeWindow(inv.request)!;
    const kept = times.map((time, i) => ({ time, name: `u${i}` })).filter((ev) => keep({ time: ev.time }));
    expect(kept.map((e) => e.name)).toEqual(want);
  });
  it('a response without time counts as 1970', () => {
    const inv = parseObserveArgs(['--until', '1970-01-01', '--input-file', 'x'], { nowMs: NOW, env: {} });
    if (inv.kind !== 'run') throw new Error('expected run');
    expect(timeWindow(inv.request)!({})).toBe(true);
    const since = parseObserveArgs(['--since', '1970-01-01T00:00:00.000000001Z', '--input-file', 'x'], {
      nowMs: NOW,
      env: {},
    });
    if (since.kind !== 'run') throw new Error('expected run');
    expect(timeWindow(since.request)!({})).toBe(false);
  });
});
