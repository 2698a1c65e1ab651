/**
 * Number formatting for panels: short SI-style values ("1.2k") with the panel unit.
 */

/** "0", "0.042", "3.14", "12.3", "25", "1.2k", "3.4M" (no trailing zeros). */
export function shortNumber(v: number): string {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  const trim = (s: string): string => String(parseFloat(s));
  if (a >= 1e9) return `${trim((v / 1e9).toFixed(1))}G`;
  if (a >= 1e6) return `${trim((v / 1e6).toFixed(1))}M`;
  if (a >= 1e4) return `${trim((v / 1e3).toFixed(1))}k`;
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return trim(v.toFixed(1));
  if (a >= 1) return trim(v.toFixed(2));
  if (a === 0) return '0';
  return trim(v.toPrecision(2));
}

/** A value with its unit: "12.3 flows/s", "25%", "4 pods". */
export function formatValue(v: number | undefined, unit?: string): string {
  if (v === undefined) return 'No data';
  if (unit === 'percent') return `${shortNumber(v)}%`;
  if (unit === 'ms') return `${shortNumber(v)} ms`;
  return unit ? `${shortNumber(v)} ${unit}` : shortNumber(v);
}

/** "HH:MM" (or "MM-DD HH:MM" for spans over a day) in UTC, for axis labels. */
export function axisTime(ms: number, spanMs: number): string {
  const iso = new Date(ms).toISOString();
  return spanMs > 86_400_000 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
}
