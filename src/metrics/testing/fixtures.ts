/**
 * Test helpers: shared fixtures as events, a pipeline run over them, and a small parser of the
 * Prometheus text exposition so that tests can assert on samples.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeEvent, type Flow, type FlowEvent } from '../../flow/index.js';
import { createMetricsPipeline, type MetricsPipelineOptions } from '../pipeline.js';

/** Repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Fixture paths. */
export const FIXTURES = {
  golden: `${ROOT}test/golden-hubble/input.jsonl`,
  dns5: `${ROOT}test/fixtures/hubble/hubble-otel-basic-sample-5-dns-flows.jsonl`,
  http5: `${ROOT}test/fixtures/hubble/hubble-otel-basic-sample-5-http-flows.jsonl`,
  flows10: `${ROOT}test/fixtures/hubble/hubble-otel-basic-sample-10-flows.jsonl`,
  icmp: `${ROOT}test/fixtures/hubble/hubble-otel-basic-sample-400-icmpv4-flows.jsonl`,
  tcp400: `${ROOT}test/fixtures/hubble/hubble-otel-basic-sample-400-tcp-flows.jsonl`,
  udp400: `${ROOT}test/fixtures/hubble/hubble-otel-basic-sample-400-udp-flows.jsonl`,
  drops: `${ROOT}test/fixtures/hubble/cilium-docs-exporter-fieldmask-drops.jsonl`,
} as const;

/** Decoded events of a JSON-lines file. */
export function loadEvents(path: string): FlowEvent[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => decodeEvent(JSON.parse(l)));
}

/** A fixed clock for deterministic pipelines. */
export function fixedClock(start = Date.parse('2026-01-01T00:00:00Z')): {
  now: () => number;
  advance: (ms: number) => void;
} {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/** Runs handlers over fixture files (or events) and returns the pipeline. */
export function runPipeline(
  metrics: string | string[],
  inputs: (string | FlowEvent[])[],
  opts: MetricsPipelineOptions = {},
) {
  const clock = fixedClock();
  const p = createMetricsPipeline({ metrics, now: clock.now, defaults: { ttlMs: 0 }, ...opts });
  for (const i of inputs) p.observe(typeof i === 'string' ? loadEvents(i) : i, 'test');
  return p;
}

/** One parsed sample. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: # .*)?$/;
const PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses exposition text (either format) into samples; comments are skipped. */
export function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) throw new Error(`unparseable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const p of (m[2] ?? '').matchAll(PAIR))
      labels[p[1]!] = p[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    out.push({ name: m[1]!, labels, value: m[3] === '+Inf' ? Infinity : Number(m[3]) });
  }
  return out;
}

/** Samples of one metric name, as `{labels...} value` strings with sorted labels, sorted. */
export function seriesOf(text: string, name: string): string[] {
  return parseExposition(text)
    .filter((s) => s.name === name)
    .map(
      (s) =>
        `{${Object.keys(s.labels)
          .sort()
          .map((k) => `${k}="${s.labels[k]}"`)
          .join(',')}} ${s.value}`,
    )
    .sort();
}

/** Sum of the values of a metric, optionally filtered by labels. */
export function total(text: string, name: string, where: Record<string, string> = {}): number {
  return parseExposition(text)
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}

/** A flow event built from a partial flow. */
export function ev(flow: Flow): FlowEvent {
  return { flow };
}
