/**
 * `--since` / `--until` arguments, parsed like hubble v0.12.3 (`pkg/time.FromString`): first a
 * Go duration meaning "now minus duration", else an absolute time in one of eight Go layouts.
 * The layouts are interpreted by a small re-implementation of Go's `time.Parse` rules for the
 * elements they use (getnum widths, fractional seconds after `05`, `Z07:00`, `-0700`,
 * case-insensitive day/month names, a space matching a run of spaces), so edge cases such as a
 * one-digit hour or a comma before the fraction behave as in hubble.
 */
import type { TimeParts } from '../../flow/index.js';
import { parseGoDuration } from './go-duration.js';

type Std =
  | 'year'
  | 'month2'
  | 'day2'
  | 'hour'
  | 'minute2'
  | 'second2'
  | 'frac0'
  | 'frac9'
  | 'isoColonTZ'
  | 'numTZ'
  | 'weekdayName'
  | 'monthName';

/** One element of a Go layout: a literal or a standard element (frac0 carries its digits). */
type Elem = { lit: string } | { std: Std; digits?: number };

const L = (lit: string): Elem => ({ lit });
const S = (std: Std, digits?: number): Elem => ({ std, digits });

const DATE: Elem[] = [S('year'), L('-'), S('month2'), L('-'), S('day2')];
const HMS: Elem[] = [...DATE, L('T'), S('hour'), L(':'), S('minute2'), L(':'), S('second2')];

/** hubble's layouts, in the order it tries them. */
const LAYOUTS: readonly Elem[][] = [
  DATE, // 2006-01-02
  [...DATE, L('T'), S('hour'), S('isoColonTZ')], // 2006-01-02T15Z07:00
  [...DATE, L('T'), S('hour'), L(':'), S('minute2'), S('isoColonTZ')], // 2006-01-02T15:04Z07:00
  [...HMS, S('isoColonTZ')], // RFC3339
  [...HMS, S('frac9'), S('isoColonTZ')], // RFC3339Nano
  [...HMS, S('frac0', 3), S('isoColonTZ')], // RFC3339Milli
  [...HMS, S('frac0', 6), S('isoColonTZ')], // RFC3339Micro
  // RFC1123Z: Mon, 02 Jan 2006 15:04:05 -0700
  [
    S('weekdayName'),
    L(', '),
    S('day2'),
    L(' '),
    S('monthName'),
    L(' '),
    S('year'),
    L(' '),
    S('hour'),
    L(':'),
    S('minute2'),
    L(':'),
    S('second2'),
    L(' '),
    S('numTZ'),
  ],
];

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

class Bad extends Error {}
const bad = (): never => {
  throw new Bad();
};

function isDigit(s: string, i: number): boolean {
  return i < s.length && s[i] >= '0' && s[i] <= '9';
}

/** Go getnum: one or two digits (exactly two when fixed). */
function getnum(s: string, fixed: boolean): [number, string] {
  if (!isDigit(s, 0)) bad();
  if (!isDigit(s, 1)) {
    if (fixed) bad();
    return [+s[0], s.slice(1)];
  }
  return [+s[0] * 10 + +s[1], s.slice(2)];
}

/** Go atoi (optional sign, decimal digits only). */
function atoi(s: string): number {
  let neg = false;
  if (s.length > 0 && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (!/^\d+$/.test(s)) bad();
  const x = Number(s.length > 19 ? bad() : s);
  return neg ? -x : x;
}

/** Go skip: literal match, where a space in the layout matches one or more spaces. */
function skip(value: string, prefix: string): string {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') bad();
      prefix = prefix.replace(/^ +/, '');
      value = value.replace(/^ +/, '');
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) bad();
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

function lookup(names: string[], value: string): [number, string] {
  const head = value.slice(0, 3).toLowerCase();
  const i = names.indexOf(head);
  if (value.length < 3 || i < 0) bad();
  return [i, value.slice(3)];
}

/** Go parseNanoseconds: `value[0]` is `.` or `,`, at most nine digits are used. */
function parseNanos(value: string, nbytes: number): number {
  if (value[0] !== '.' && value[0] !== ',') bad();
  if (nbytes > 10) nbytes = 10;
  const ns = atoi(value.slice(1, nbytes));
  if (ns < 0) bad();
  return ns * 10 ** (10 - nbytes);
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  /** Seconds east of UTC. */
  offset: number;
}

function parseZone(value: string, colon: boolean): [number, string] {
  let sign: string, hh: string, mm: string;
  if (colon) {
    if (value.length < 6 || value[3] !== ':') bad();
    [sign, hh, mm, value] = [value[0], value.slice(1, 3), value.slice(4, 6), value.slice(6)];
  } else {
    if (value.length < 5) bad();
    [sign, hh, mm, value] = [value[0], value.slice(1, 3), value.slice(3, 5), value.slice(5)];
  }
  const [hr] = getnum(hh, true);
  const [min] = getnum(mm, true);
  if (hr > 24 || min > 60) bad();
  const off = (hr * 60 + min) * 60;
  if (sign === '+') return [off, value];
  if (sign === '-') return [-off, value];
  return bad();
}

/** Go time.Parse of `value` with one layout; throws Bad when it does not match. */
function parseLayout(layout: Elem[], value: string): Fields {
  const f: Fields = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0, nanos: 0, offset: 0 };
  for (let i = 0; i < layout.length; i++) {
    const e = layout[i];
    if ('lit' in e) {
      value = skip(value, e.lit);
      continue;
    }
    switch (e.std) {
      case 'year':
        if (value.length < 4 || !isDigit(value, 0)) bad();
        f.year = atoi(value.slice(0, 4));
        value = value.slice(4);
        break;
      case 'month2':
        [f.month, value] = getnum(value, true);
        if (f.month <= 0 || f.month > 12) bad();
        break;
      case 'day2':
        [f.day, value] = getnum(value, true);
        if (f.day > 31) bad();
        break;
      case 'hour':
        [f.hour, value] = getnum(value, false);
        if (f.hour >= 24) bad();
        break;
      case 'minute2':
        [f.minute, value] = getnum(value, true);
        if (f.minute >= 60) bad();
        break;
      case 'second2': {
        [f.second, value] = getnum(value, true);
        if (f.second >= 60) bad();
        // A fraction the layout does not mention is still accepted after the seconds.
        if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigit(value, 1)) {
          const next = layout[i + 1];
          if (next && 'std' in next && (next.std === 'frac0' || next.std === 'frac9')) break;
          let n = 2;
          while (isDigit(value, n)) n++;
          f.nanos = parseNanos(value, n);
          value = value.slice(n);
        }
        break;
      }
      case 'frac0': {
        const n = 1 + e.digits!;
        if (value.length < n) bad();
        f.nanos = parseNanos(value, n);
        value = value.slice(n);
        break;
      }
      case 'frac9': {
        if (value.length < 2 || (value[0] !== '.' && value[0] !== ',') || !isDigit(value, 1)) break;
        let n = 1;
        while (isDigit(value, n)) n++;
        f.nanos = parseNanos(value, n);
        value = value.slice(n);
        break;
      }
      case 'isoColonTZ':
        if (value.length >= 1 && value[0] === 'Z') {
          value = value.slice(1);
          f.offset = 0;
          break;
        }
        [f.offset, value] = parseZone(value, true);
        break;
      case 'numTZ':
        [f.offset, value] = parseZone(value, false);
        break;
      case 'weekdayName':
        [, value] = lookup(DAY_NAMES, value);
        break;
      case 'monthName': {
        let m: number;
        [m, value] = lookup(MONTH_NAMES, value);
        f.month = m + 1;
        break;
      }
    }
  }
  if (value.length > 0) bad(); // extra text
  if (f.day < 1 || f.day > daysIn(f.month, f.year)) bad();
  return f;
}

function toParts(f: Fields): TimeParts {
  const d = new Date(0);
  d.setUTCFullYear(f.year, f.month - 1, f.day);
  d.setUTCHours(f.hour, f.minute, f.second, 0);
  return { seconds: d.getTime() / 1000 - f.offset, nanos: f.nanos };
}

/** Parses an absolute time in one of hubble's layouts; undefined when none matches. */
export function parseAbsoluteTime(input: string): TimeParts | undefined {
  for (const layout of LAYOUTS) {
    try {
      return toParts(parseLayout(layout, input));
    } catch (err) {
      if (!(err instanceof Bad)) throw err;
    }
  }
  return undefined;
}

/** Epoch nanoseconds → seconds and nanoseconds (floor division). */
export function partsFromNanos(ns: bigint): TimeParts {
  let s = ns / 1_000_000_000n;
  let n = ns % 1_000_000_000n;
  if (n < 0n) {
    n += 1_000_000_000n;
    s -= 1n;
  }
  return { seconds: Number(s), nanos: Number(n) };
}

/**
 * Parses a `--since`/`--until` value like hubble: a Go duration is "now minus duration"
 * (`-5m` is five minutes in the future), otherwise an absolute time. Throws an Error with
 * hubble's text `failed to convert <input> to time`.
 *
 * @example parseTimeArg('2024-05-01T11Z', Date.now()) // { seconds: 1714561200, nanos: 0 }
 */
export function parseTimeArg(input: string, nowMs: number): TimeParts {
  let dur: bigint | undefined;
  try {
    dur = parseGoDuration(input);
  } catch {
    dur = undefined;
  }
  if (dur !== undefined) return partsFromNanos(BigInt(Math.trunc(nowMs)) * 1_000_000n - dur);
  const t = parseAbsoluteTime(input);
  if (t === undefined) throw new Error(`failed to convert ${input} to time`);
  return t;
}

const MIN_SECONDS = -62135596800; // 0001-01-01T00:00:00Z
const MAX_SECONDS = 253402300800; // 10000-01-01T00:00:00Z

/**
 * protobuf Timestamp validity (hubble calls `CheckValid` on the request times). Returns the
 * protobuf error text, or undefined when the time is representable.
 */
export function timestampProblem(t: TimeParts): string | undefined {
  const text = t.nanos === 0 ? `seconds:${t.seconds}` : `seconds:${t.seconds} nanos:${t.nanos}`;
  if (t.seconds < MIN_SECONDS) return `proto: timestamp (${text}) before 0001-01-01`;
  if (t.seconds >= MAX_SECONDS) return `proto: timestamp (${text}) after 9999-12-31`;
  return undefined;
}

/** Compares two times: negative, zero or positive. */
export function compareParts(a: TimeParts, b: TimeParts): number {
  return a.seconds !== b.seconds ? a.seconds - b.seconds : a.nanos - b.nanos;
}
