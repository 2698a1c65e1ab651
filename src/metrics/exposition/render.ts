/**
 * The exposition writer: Prometheus text format 0.0.4 and OpenMetrics 1.0.0, written the way
 * the Go client (`expfmt`) writes them: families sorted by name, empty families omitted,
 * label pairs sorted by name with `le` last, values via Go's float formatting.
 *
 * OpenMetrics specifics: counter families are announced without their `_total` suffix and
 * their samples carry it; exemplars (`# {traceID="…",flow_uuid="…"} value timestamp`) follow
 * counter samples and histogram buckets; the text ends with `# EOF`. A counter whose name does
 * not end in `_total` (Retina's `networkobservability_dns_request_count`) is announced as
 * `unknown` in OpenMetrics, so that its sample name, and every dashboard query on it, stays the
 * same in both formats.
 */
import { parseTime } from '../../flow/index.js';
import { flatten, type Exemplar, type Family, type Series } from '../store/family.js';
import { escapeHelp, escapeLabelValue, goFloat, omFloat, uintString } from './format.js';

/** The two exposition formats. */
export type ExpositionFormat = 'prometheus' | 'openmetrics';

/** Content-Type of each format. */
export const CONTENT_TYPES: Record<ExpositionFormat, string> = {
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

/**
 * Picks the format from an HTTP Accept header, as the Go client's negotiation does:
 * OpenMetrics when the scraper lists `application/openmetrics-text` (and it is enabled),
 * else the Prometheus text format.
 */
export function negotiateFormat(accept: string | undefined, openMetricsEnabled = true): ExpositionFormat {
  if (!openMetricsEnabled || !accept) return 'prometheus';
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().split(';');
    if (type?.trim().toLowerCase() !== 'application/openmetrics-text') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q && Number(q.slice(2)) === 0) continue;
    return 'openmetrics';
  }
  return 'prometheus';
}

/**
 * Renders families (any order; they are sorted by name here) in the given format.
 *
 * Speed: lines are pushed as pieces into one array joined once (joining many flat strings is a
 * single copy; concatenating into one growing string builds a deep rope that is slow to
 * flatten), each series keeps its `name{labels} ` prefix, and the text of a value is reused
 * while the value is unchanged.
 */
export function renderFamilies(families: readonly Family[], format: ExpositionFormat): string {
  const om = format === 'openmetrics';
  const sorted = [...families].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const parts: string[] = [];
  for (const f of sorted) {
    if (f.size === 0) continue;
    if (om) renderOpenMetrics(f, parts);
    else renderPrometheus(f, parts);
  }
  if (om) parts.push('# EOF\n');
  return parts.join('');
}

/** `name{labels} ` of a counter or gauge series, cached on the series. */
function prefixOf(name: string, s: Series): string {
  let p = s.prefix;
  if (p === undefined) p = s.prefix = flatten(s.labelText === '' ? `${name} ` : `${name}{${s.labelText}} `);
  return p;
}

function promValue(s: Series): string {
  if (s.promOf !== s.value) {
    s.promOf = s.value;
    s.promText = goFloat(s.value);
  }
  return s.promText;
}

function omValue(s: Series): string {
  if (s.omOf !== s.value) {
    s.omOf = s.value;
    s.omText = omFloat(s.value);
  }
  return s.omText;
}

function renderPrometheus(f: Family, parts: string[]): void {
  const name = f.name;
  parts.push(`# HELP ${name} ${escapeHelp(f.help, false)}\n# TYPE ${name} ${f.type}\n`);
  const series = f.series();
  if (f.type !== 'histogram') {
    for (let i = 0; i < series.length; i++) {
      const s = series[i]!;
      parts.push(prefixOf(name, s), promValue(s), '\n');
    }
    return;
  }
  const les = f.buckets!.map((b) => goFloat(b)).concat('+Inf');
  for (const s of series) {
    const pre = s.labelText === '' ? '' : s.labelText + ',';
    let cum = 0;
    for (let b = 0; b < les.length; b++) {
      cum += s.buckets![b]!;
      parts.push(`${name}_bucket{${pre}le="${les[b]}"} `, goFloat(cum), '\n');
    }
    const lt = s.labelText === '' ? '' : `{${s.labelText}}`;
    parts.push(`${name}_sum${lt} ${goFloat(s.sum)}\n${name}_count${lt} ${goFloat(s.value)}\n`);
  }
}

function renderOpenMetrics(f: Family, parts: string[]): void {
  let type: string = f.type;
  let family = f.name;
  const sample = f.name;
  if (f.type === 'counter') {
    if (f.name.endsWith('_total')) family = f.name.slice(0, -6);
    else type = 'unknown';
  }
  parts.push(`# HELP ${family} ${escapeHelp(f.help, true)}\n# TYPE ${family} ${type}\n`);
  const series = f.series();
  if (f.type !== 'histogram') {
    const withEx = f.exemplars && type === 'counter';
    for (const s of series) {
      parts.push(prefixOf(sample, s), omValue(s));
      parts.push(withEx && s.exemplar ? exemplarText(s.exemplar) + '\n' : '\n');
    }
    return;
  }
  const les = f.buckets!.map((b) => omFloat(b)).concat('+Inf');
  for (const s of series) {
    const pre = s.labelText === '' ? '' : s.labelText + ',';
    let cum = 0;
    for (let b = 0; b < les.length; b++) {
      cum += s.buckets![b]!;
      parts.push(`${sample}_bucket{${pre}le="${les[b]}"} `, uintString(cum));
      const ex = f.exemplars ? s.bucketExemplars?.[b] : undefined;
      parts.push(ex ? exemplarText(ex) + '\n' : '\n');
    }
    const lt = s.labelText === '' ? '' : `{${s.labelText}}`;
    parts.push(`${sample}_sum${lt} ${omFloat(s.sum)}\n${sample}_count${lt} ${uintString(s.value)}\n`);
  }
}

/** ` # {traceID="…",flow_uuid="…"} value timestamp`, or '' when the exemplar has no labels. */
export function exemplarText(ex: Exemplar): string {
  let labels = '';
  if (ex.traceId) labels = `traceID="${escapeLabelValue(ex.traceId)}"`;
  if (ex.uuid) labels += `${labels ? ',' : ''}flow_uuid="${escapeLabelValue(ex.uuid)}"`;
  if (!labels) return '';
  let out = ` # {${labels}} ${omFloat(ex.value)}`;
  const t = ex.time ? parseTime(ex.time) : undefined;
  if (t && t.seconds > 0) out += ' ' + omFloat(t.seconds + t.nanos / 1e9);
  return out;
}

/** Test helper: one series rendered as it would appear (without HELP/TYPE). */
export function seriesLine(f: Family, s: Series): string {
  return s.labelText === ''
    ? `${f.name} ${goFloat(s.value)}`
    : `${f.name}{${s.labelText}} ${goFloat(s.value)}`;
}
