/**
 * Zone offsets for the timestamp formatter. hubble v0.12.3 always prints UTC; `'local'` and
 * IANA zones are a flowlens option (callers cache per second, so these need not be fast).
 */
import { PrinterError } from './types.js';

/** Returns the offset east of UTC, in seconds, at an epoch second. */
export type ZoneOffsetFunction = (epochSeconds: number) => number;

const utc: ZoneOffsetFunction = () => 0;

const local: ZoneOffsetFunction = (s) => {
  // getTimezoneOffset is minutes *west* of UTC; `|| 0` turns -0 into 0.
  return -new Date(s * 1000).getTimezoneOffset() * 60 || 0;
};

function iana(timeZone: string): ZoneOffsetFunction {
  let dtf: Intl.DateTimeFormat;
  try {
    dtf = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch (cause) {
    throw new PrinterError('INVALID_TIME_ZONE', `invalid time zone: ${timeZone}`, { cause });
  }
  return (s) => {
    const f: Record<string, string> = {};
    for (const p of dtf.formatToParts(new Date(s * 1000))) f[p.type] = p.value;
    let year = +f.year;
    if (f.era === 'BC' || f.era === 'B') year = 1 - year;
    const d = new Date(0);
    d.setUTCFullYear(year, +f.month - 1, +f.day);
    d.setUTCHours(+f.hour, +f.minute, +f.second, 0);
    return d.getTime() / 1000 - s;
  };
}

/** Resolves `'UTC'` (any case), `'local'` or an IANA zone name to an offset function. */
export function zoneOffsetFunction(timeZone: string): ZoneOffsetFunction {
  if (timeZone.toUpperCase() === 'UTC') return utc;
  if (timeZone === 'local') return local;
  return iana(timeZone);
}
