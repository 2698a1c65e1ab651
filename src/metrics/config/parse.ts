/**
 * The `--metrics` option syntax, as Cilium's `hubble-metrics` setting writes it, and the
 * dynamic YAML form.
 *
 * Static: a whitespace-separated list of `name[:options]`; options are `;`-separated, each
 * `key` or `key=value`; a value containing `|` is split on `|`, otherwise on `,`. Keys are
 * case-insensitive. Examples:
 *
 *     dns:query;ignoreAAAA
 *     flow:sourceContext=workload-name|reserved-identity;destinationContext=workload-name|reserved-identity
 *     httpV2:exemplars=true;labelsContext=source_ip,source_namespace,traffic_direction
 *
 * Dynamic (YAML, `--metrics-config FILE`):
 *
 *     metrics:
 *     - name: flow
 *       contextOptions:
 *       - name: sourceContext
 *         values: [namespace, ip]
 *       includeFilters: [{ source_pod: ["shop/"] }]
 *       excludeFilters: []
 */
import { parse as parseYaml } from 'yaml';
import { decodeFilter } from '../../flow/index.js';
import type { FlowFilter } from '../../filter/index.js';
import { MetricsError } from '../errors.js';

/** One option as written: key (original case), values after splitting; `[]` for a flag. */
export interface OptionEntry {
  key: string;
  values: string[];
  /** The raw value text ('' for a flag). */
  raw: string;
}

/** One configured handler. */
export interface HandlerSpec {
  /** Handler name as written (`flow`, `httpV2`, ...). */
  name: string;
  /** Options in the order written. */
  options: OptionEntry[];
  /** Only flows matching one of these are counted (empty: all). */
  includeFilters: FlowFilter[];
  /** Flows matching any of these are not counted. */
  excludeFilters: FlowFilter[];
}

/** Splits an option value: on `|` when it contains one, else on `,`. */
export function splitOptionValue(value: string): string[] {
  return value.includes('|') ? value.split('|') : value.split(',');
}

/** Parses one `name[:opt;opt=value]` item. */
export function parseHandlerItem(item: string): HandlerSpec {
  const colon = item.indexOf(':');
  const name = colon < 0 ? item : item.slice(0, colon);
  if (name === '') throw new MetricsError('METRICS_CONFIG', `invalid metric '${item}': empty name`);
  const options: OptionEntry[] = [];
  if (colon >= 0) {
    for (const part of item.slice(colon + 1).split(';')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      const key = eq < 0 ? part : part.slice(0, eq);
      if (key === '')
        throw new MetricsError('METRICS_CONFIG', `invalid option '${part}' in metric '${item}'`);
      const raw = eq < 0 ? '' : part.slice(eq + 1);
      options.push({ key, raw, values: eq < 0 ? [] : splitOptionValue(raw) });
    }
  }
  return { name, options, includeFilters: [], excludeFilters: [] };
}

/**
 * Parses the static syntax: whitespace-separated items, from one string or several (each
 * `--metrics` flag adds items). Duplicate handler names are an error.
 */
export function parseStaticMetrics(text: string | readonly string[]): HandlerSpec[] {
  const items = (typeof text === 'string' ? [text] : text)
    .flatMap((t) => t.split(/\s+/))
    .filter((s) => s !== '');
  const specs = items.map(parseHandlerItem);
  assertUnique(specs);
  return specs;
}

interface DynamicEntry {
  name?: unknown;
  contextOptions?: unknown;
  includeFilters?: unknown;
  excludeFilters?: unknown;
}

/** Parses the dynamic YAML (or JSON) configuration. */
export function parseDynamicConfig(text: string): HandlerSpec[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new MetricsError('METRICS_CONFIG', `invalid metrics config: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const list = (doc as { metrics?: unknown } | null)?.metrics;
  if (!Array.isArray(list))
    throw new MetricsError('METRICS_CONFIG', 'invalid metrics config: expected a top-level "metrics" list');
  const specs = list.map((raw: DynamicEntry, i) => {
    if (typeof raw?.name !== 'string' || raw.name === '')
      throw new MetricsError('METRICS_CONFIG', `invalid metrics config: metrics[${i}] has no name`);
    const options: OptionEntry[] = [];
    const ctx = raw.contextOptions ?? [];
    if (!Array.isArray(ctx))
      throw new MetricsError(
        'METRICS_CONFIG',
        `invalid metrics config: ${raw.name}.contextOptions must be a list`,
      );
    for (const o of ctx as { name?: unknown; values?: unknown }[]) {
      if (typeof o?.name !== 'string')
        throw new MetricsError(
          'METRICS_CONFIG',
          `invalid metrics config: ${raw.name} has an option without name`,
        );
      const values = Array.isArray(o.values)
        ? o.values.map(String)
        : o.values === undefined
          ? []
          : [String(o.values)];
      // Context identifier alternatives are written with `|`, label lists with `,`.
      const raw2 = /context$/i.test(o.name) && !/^labels/i.test(o.name) ? values.join('|') : values.join(',');
      options.push({ key: o.name, values, raw: raw2 });
    }
    return {
      name: raw.name,
      options,
      includeFilters: filterList(raw.includeFilters, `${raw.name}.includeFilters`),
      excludeFilters: filterList(raw.excludeFilters, `${raw.name}.excludeFilters`),
    };
  });
  assertUnique(specs);
  return specs;
}

function filterList(v: unknown, where: string): FlowFilter[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v))
    throw new MetricsError('METRICS_CONFIG', `invalid metrics config: ${where} must be a list`);
  return v.map((f, i) => {
    try {
      return decodeFilter(f);
    } catch (err) {
      throw new MetricsError(
        'METRICS_CONFIG',
        `invalid metrics config: ${where}[${i}]: ${(err as Error).message}`,
        { cause: err },
      );
    }
  });
}

function assertUnique(specs: HandlerSpec[]): void {
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.name))
      throw new MetricsError('METRICS_DUPLICATE', `metric '${s.name}' is configured twice`);
    seen.add(s.name);
  }
}

/** Writes a spec back in the static syntax (for help and status output). */
export function formatHandlerSpec(s: HandlerSpec): string {
  if (s.options.length === 0) return s.name;
  return `${s.name}:${s.options.map((o) => (o.raw === '' && o.values.length === 0 ? o.key : `${o.key}=${o.raw}`)).join(';')}`;
}
