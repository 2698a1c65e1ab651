/**
 * Flow-selecting query parameters of the HTTP API (contract.ts): `filter` (the filter flags of
 * `flowlens observe`, translated by the CLI's own code so the UI and the CLI agree), `allow` /
 * `deny` (FlowFilter JSON), `since` / `until`, and the dashboard variables `node`,
 * `namespace`, `workload` with `side`.
 *
 * Only filter flags are accepted in `filter`: anything that would read a file, pick a server or
 * change output (`--input-file`, `--server`, `--config`, ...) is rejected, so no parameter can
 * make the server read files or reach addresses.
 */
import { decodeFilter, formatTime, type FlowEvent } from '../../flow/index.js';
import { compileFilters, FilterError, type FlowFilter, type FlowPredicate } from '../../filter/index.js';
import {
  buildObserveRequest,
  observeFlagTable,
  parseObserveFlags,
  parseTimeArg,
} from '../../cli/observe/index.js';
import type { FlowSelection } from './backend.js';
import { HttpError } from './http-error.js';

/** Flags allowed in `filter=` (the Filters and Raw-Filters groups of `observe`). */
const FILTER_FLAGS: ReadonlySet<string> = (() => {
  const names = new Set<string>();
  for (const f of observeFlagTable().flags) {
    if (f.group !== 'Filters' && f.group !== 'Raw-Filters') continue;
    names.add('--' + f.name);
    if (f.short) names.add('-' + f.short);
  }
  return names;
})();

/** Splits a command-line string like a POSIX shell would (quotes and backslashes; no expansion). */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < s.length && '"\\$`'.includes(s[i + 1])) cur += s[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur !== '') out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
    }
  }
  if (quote) throw new HttpError(400, 'bad_filter', `unterminated ${quote} quote in filter`);
  if (has || cur !== '') out.push(cur);
  return out;
}

/** Translates `filter=` into allow/deny lists with the CLI's flag translation. */
export function filterParam(text: string): { whitelist: FlowFilter[]; blacklist: FlowFilter[] } {
  const argv = splitArgs(text);
  for (const a of argv) {
    if (!a.startsWith('-') || a === '-') continue;
    const name = a.startsWith('--') ? a.split('=')[0] : a.slice(0, 2);
    if (!FILTER_FLAGS.has(name)) {
      throw new HttpError(
        400,
        'bad_filter',
        `filter accepts only the filter flags of flowlens observe, not ${name}`,
      );
    }
  }
  try {
    const { values } = parseObserveFlags(argv);
    if (values.filters.trailingNot)
      throw new HttpError(400, 'bad_filter', 'trailing --not found in the filter');
    const req = buildObserveRequest(values, { nowMs: Date.now(), env: {} });
    return { whitelist: req.whitelist, blacklist: req.blacklist };
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw new HttpError(400, 'bad_filter', (err as Error).message);
  }
}

function jsonFilters(name: string, text: string): FlowFilter[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, 'bad_filter', `${name}: not JSON: ${(err as Error).message}`);
  }
  const list = Array.isArray(v) ? v : [v];
  return list.map((f, i) => {
    try {
      return decodeFilter(f);
    } catch (err) {
      throw new HttpError(400, 'bad_filter', `${name}[${i}]: ${(err as Error).message}`);
    }
  });
}

/** Parses a time parameter: RFC 3339 (or another hubble layout) or a duration ago, e.g. `15m`. */
export function timeParam(name: string, text: string, nowMs = Date.now()): string {
  try {
    const t = parseTimeArg(text, nowMs);
    return formatTime({ seconds: Number(t.seconds), nanos: Number(t.nanos) });
  } catch (err) {
    throw new HttpError(400, 'bad_time', `${name}: ${(err as Error).message}`);
  }
}

function variables(q: URLSearchParams): FlowPredicate | undefined {
  const node = q.get('node') || undefined;
  const namespace = q.get('namespace') || undefined;
  const workload = q.get('workload') || undefined;
  const side = q.get('side') || 'either';
  if (side !== 'either' && side !== 'source' && side !== 'destination') {
    throw new HttpError(
      400,
      'bad_request',
      `side must be source, destination or either, got ${JSON.stringify(side)}`,
    );
  }
  if (!node && !namespace && !workload) return undefined;
  let wlNs: string | undefined;
  let wlName = workload;
  if (workload?.includes('/')) [wlNs, wlName] = workload.split('/', 2);
  const endpointOk = (ep: NonNullable<FlowEvent['flow']>['source']): boolean => {
    if (!ep) return false;
    if (namespace && ep.namespace !== namespace) return false;
    if (wlName) {
      if (wlNs && ep.namespace !== wlNs) return false;
      if (!ep.workloads?.some((w) => w.name === wlName)) return false;
    }
    return true;
  };
  const endpointFilter = !!(namespace || workload);
  return (ev) => {
    const f = ev.flow;
    if (!f) return false;
    if (node && (ev.node_name ?? f.node_name) !== node) return false;
    if (!endpointFilter) return true;
    if (side === 'source') return endpointOk(f.source);
    if (side === 'destination') return endpointOk(f.destination);
    return endpointOk(f.source) || endpointOk(f.destination);
  };
}

/** Reads and validates the selection parameters of a request. */
export function parseSelection(q: URLSearchParams, maxFilters: number, nowMs = Date.now()): FlowSelection {
  let whitelist: FlowFilter[] = [];
  let blacklist: FlowFilter[] = [];
  for (const f of q.getAll('filter')) {
    const r = filterParam(f);
    whitelist.push(...r.whitelist);
    blacklist.push(...r.blacklist);
  }
  for (const a of q.getAll('allow')) whitelist = [...whitelist, ...jsonFilters('allow', a)];
  for (const d of q.getAll('deny')) blacklist = [...blacklist, ...jsonFilters('deny', d)];
  if (whitelist.length + blacklist.length > maxFilters) {
    throw new HttpError(
      400,
      'too_many_filters',
      `too many filters: ${whitelist.length + blacklist.length} (limit ${maxFilters})`,
    );
  }
  let lists: FlowPredicate | undefined;
  try {
    lists = whitelist.length + blacklist.length > 0 ? compileFilters(whitelist, blacklist) : undefined;
  } catch (err) {
    if (err instanceof FilterError) throw new HttpError(400, 'bad_filter', err.message);
    throw err;
  }
  const extra = variables(q);
  const vars = extra
    ? {
        node: q.get('node') || undefined,
        namespace: q.get('namespace') || undefined,
        workload: q.get('workload') || undefined,
        side: (q.get('side') || 'either') as 'either' | 'source' | 'destination',
      }
    : undefined;
  const since = q.get('since') ? timeParam('since', q.get('since')!, nowMs) : undefined;
  const until = q.get('until') ? timeParam('until', q.get('until')!, nowMs) : undefined;
  const predicate: FlowPredicate | undefined =
    extra && lists ? (ev) => lists(ev) && extra(ev) : (extra ?? lists);
  return { whitelist, blacklist, extra, vars, predicate, since, until };
}

/** Reads an integer parameter within bounds. */
export function intParam(q: URLSearchParams, name: string, dflt: number, min: number, max: number): number {
  const v = q.get(name);
  if (v === null || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new HttpError(
      400,
      'bad_request',
      `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`,
    );
  }
  return n;
}

/** Reads a boolean parameter. */
export function boolParam(q: URLSearchParams, name: string, dflt = false): boolean {
  const v = q.get(name);
  if (v === null || v === '') return dflt;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new HttpError(400, 'bad_request', `${name} must be true or false, got ${JSON.stringify(v)}`);
}
