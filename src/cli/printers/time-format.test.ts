/** --time-format layouts: the verified table of hubble-cli-observe.md §3, plus zones. */
import { describe, expect, it } from 'vitest';
import { createTimestampFormatter, parseTimeFormat, PrinterError, type TimeFormat } from './index.js';

const A = '2024-05-01T02:03:04.120Z';
const B = '2024-01-09T23:59:59.999999999Z';
const C = '2024-05-11T12:00:00.000100Z';

const table: { format: TimeFormat; want: [string, string, string] }[] = [
  { format: 'StampMilli', want: ['May  1 02:03:04.120', 'Jan  9 23:59:59.999', 'May 11 12:00:00.000'] },
  { format: 'YearMonthDay', want: ['2024-05-01', '2024-01-09', '2024-05-11'] },
  { format: 'YearMonthDayHour', want: ['2024-05-01T02Z', '2024-01-09T23Z', '2024-05-11T12Z'] },
  { format: 'YearMonthDayHourMinute', want: ['2024-05-01T02:03Z', '2024-01-09T23:59Z', '2024-05-11T12:00Z'] },
  { format: 'RFC3339', want: ['2024-05-01T02:03:04Z', '2024-01-09T23:59:59Z', '2024-05-11T12:00:00Z'] },
  {
    format: 'RFC3339Milli',
    want: ['2024-05-01T02:03:04.12Z', '2024-01-09T23:59:59.999Z', '2024-05-11T12:00:00Z'],
  },
  {
    format: 'RFC3339Micro',
    want: ['2024-05-01T02:03:04.12Z', '2024-01-09T23:59:59.999999Z', '2024-05-11T12:00:00.0001Z'],
  },
  {
    format: 'RFC3339Nano',
    want: ['2024-05-01T02:03:04.12Z', '2024-01-09T23:59:59.999999999Z', '2024-05-11T12:00:00.0001Z'],
  },
  {
    format: 'RFC1123Z',
    want: [
      'Wed, 01 May 2024 02:03:04 +0000',
      'Tue, 09 Jan 2024 23:59:59 +0000',
      'Sat, 11 May 2024 12:00:00 +0000',
    ],
  },
];

describe('time format', () => {
  for (const { format, want } of table) {
    it(`${format} formats the spec examples (UTC, truncated fractions)`, () => {
      const fmt = createTimestampFormatter(format, 'UTC');
      expect([A, B, C].map(fmt)).toEqual(want);
      expect(fmt(undefined)).toBe('N/A');
      expect(fmt('')).toBe('N/A');
    });
  }

  it('gives the same result through the fast path and the cache on repeated seconds', () => {
    const fmt = createTimestampFormatter('StampMilli');
    expect(fmt('2024-05-01T12:00:00.000289456Z')).toBe('May  1 12:00:00.000');
    expect(fmt('2024-05-01T12:00:00.999Z')).toBe('May  1 12:00:00.999');
    expect(fmt('2024-05-01T12:00:01Z')).toBe('May  1 12:00:01.000');
    expect(fmt('2024-05-01T12:00:00.5Z')).toBe('May  1 12:00:00.500');
  });

  it('accepts non-canonical offsets by converting to the target zone', () => {
    expect(createTimestampFormatter('RFC3339')('2024-05-01T12:00:00+02:00')).toBe('2024-05-01T10:00:00Z');
  });

  it('prints N/A for invalid timestamps', () => {
    const fmt = createTimestampFormatter('RFC3339');
    expect(fmt('yesterday')).toBe('N/A');
    expect(fmt('2024-13-01T00:00:00Z')).toBe('N/A');
    expect(fmt('0001-01-01T00:30:00+01:00')).toBe('N/A');
  });

  it('renders in other zones with Go zone suffixes', () => {
    const t = '2024-05-01T02:03:04.120Z';
    const berlin = (f: TimeFormat): string => createTimestampFormatter(f, 'Europe/Berlin')(t);
    expect(berlin('StampMilli')).toBe('May  1 04:03:04.120');
    expect(berlin('RFC3339Milli')).toBe('2024-05-01T04:03:04.12+02:00');
    expect(berlin('YearMonthDayHour')).toBe('2024-05-01T04+02');
    expect(berlin('RFC1123Z')).toBe('Wed, 01 May 2024 04:03:04 +0200');
    expect(createTimestampFormatter('RFC3339', 'America/St_Johns')('2024-01-09T23:59:59Z')).toBe(
      '2024-01-09T20:29:59-03:30',
    );
  });

  it('accepts "local" (the process zone, read when the formatter runs)', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'Asia/Kolkata'; // Node re-reads TZ when it is assigned
    try {
      expect(createTimestampFormatter('RFC3339', 'local')('2024-05-01T02:03:04Z')).toBe(
        '2024-05-01T07:33:04+05:30',
      );
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('rejects unknown zones with a PrinterError', () => {
    expect(() => createTimestampFormatter('RFC3339', 'Mars/Olympus')).toThrow(PrinterError);
  });

  const names: { input: string; want: TimeFormat }[] = [
    { input: 'RFC3339Nano', want: 'RFC3339Nano' },
    { input: 'rfc3339nano', want: 'RFC3339Nano' },
    { input: 'YEARMONTHDAY', want: 'YearMonthDay' },
    { input: 'rfc1123z', want: 'RFC1123Z' },
    { input: 'Kitchen', want: 'StampMilli' },
    { input: '', want: 'StampMilli' },
  ];
  for (const n of names) {
    it(`parses --time-format ${JSON.stringify(n.input)} as ${n.want}`, () => {
      expect(parseTimeFormat(n.input)).toBe(n.want);
    });
  }
});
