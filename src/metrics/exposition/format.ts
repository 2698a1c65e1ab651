/**
 * Number and string formatting for the exposition formats, byte-compatible with the Go
 * client library that Hubble and Retina use (`expfmt`), so that our `/metrics` text diffs
 * cleanly against theirs.
 *
 * Go prints sample values with `strconv.FormatFloat(v, 'g', -1, 64)`: the shortest digits that
 * round-trip, in exponent form when the decimal exponent is < -4 or >= 21 for JS but >= 6 for Go
 * (1234567 → `1.234567e+06`). OpenMetrics additionally appends `.0` to integral floats.
 */

/** Formats like Go's `strconv.FormatFloat(v, 'g', -1, 64)`, with `+Inf`/`-Inf`/`NaN`. */
export function goFloat(v: number): string {
  if (Number.isInteger(v) && v < 1e6 && v > -1e6) return v === 0 ? '0' : String(v);
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const abs = Math.abs(v);
  if (abs >= 1e-4 && abs < 1e6) return String(v); // plain decimal in both languages
  // Exponent form: JS gives e.g. "1.2e+6" / "1e-7"; Go pads the exponent to two digits.
  const s = v.toExponential();
  const e = s.indexOf('e');
  const mant = s.slice(0, e);
  const sign = s[e + 1];
  const digits = s.slice(e + 2);
  return `${mant}e${sign}${digits.length < 2 ? '0' + digits : digits}`;
}

/** Formats a float sample for OpenMetrics (Go `writeOpenMetricsFloat`): integral values get `.0`. */
export function omFloat(v: number): string {
  const s = goFloat(v);
  if (v !== v || v === Infinity || v === -Infinity) return s;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */ || c === 101 /* e */) return s;
  }
  return s + '.0';
}

/** Formats an unsigned integer count (OpenMetrics histogram buckets and counts). */
export function uintString(v: number): string {
  return Number.isSafeInteger(v) ? String(v) : BigInt(Math.round(v)).toString();
}

const LABEL_ESCAPE = /[\\"\n]/;

/** Escapes a label value: backslash, double quote and line feed. */
export function escapeLabelValue(s: string): string {
  if (!LABEL_ESCAPE.test(s)) return s;
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Escapes HELP text: backslash and line feed (Prometheus text), plus `"` in OpenMetrics. */
export function escapeHelp(s: string, openMetrics: boolean): string {
  let out = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  if (openMetrics) out = out.replace(/"/g, '\\"');
  return out;
}
