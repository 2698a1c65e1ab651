/**
 * The simulator's public entry points: batch generation (`simulate`), JSON lines
 * (`simulateLines`), real-time or accelerated streaming (`simulateLive`) and the ground truth
 * (`truth`).
 */
import type { FlowEvent } from '../flow/index.js';
import { canonicalTime, timeMillis } from '../flow/index.js';
import { FlowGenerator, generate, type EngineParams } from './engine.js';
import { ScenarioError } from './errors.js';
import { ByteWriter } from './byte-writer.js';
import { TimeWriter } from './clock.js';
import { encodeSimEvent, writeGeneratedEvent, type StampSource } from './fast-encode.js';
import { STAMP } from './run-context.js';
import type { Scenario } from './schema.js';
import { buildTopology } from './topology.js';
import { truthOf, type TruthEntry } from './truth.js';

/** Options of simulate(), simulateLines() and truth(). */
export interface SimulateOptions {
  /** Seed of every random choice; the same seed gives the same flows. Default 1. */
  seed?: number | string;
  /** Start time: RFC 3339 text, epoch milliseconds or a Date. Default: the scenario's `start`. */
  start?: string | number | Date;
  /** Length of the run in ms; Infinity for an endless stream. Default: the scenario's `duration`. */
  durationMs?: number;
  /** Target average flows per second; every edge rate is scaled to reach it. Default: as written. */
  rate?: number;
}

/** Default simulation options (the scenario supplies start and duration). */
export const defaultSimulateOptions: Required<Pick<SimulateOptions, 'seed'>> = { seed: 1 };

const CALIBRATION_NS = 60e9;

function invalid(msg: string): ScenarioError {
  return new ScenarioError('SCENARIO_INVALID', msg);
}

/** Resolves a start option to integer epoch milliseconds. */
export function resolveStart(start: SimulateOptions['start'], fallback: string): number {
  if (start === undefined) return Math.floor(timeMillis(fallback));
  if (start instanceof Date) return Math.floor(start.getTime());
  if (typeof start === 'number') {
    if (!Number.isFinite(start)) throw invalid(`invalid start ${start}`);
    return Math.floor(start);
  }
  const c = canonicalTime(start);
  if (!c) throw invalid(`invalid start time "${start}": expected RFC 3339 such as 2025-06-02T09:00:00Z`);
  return Math.floor(timeMillis(c));
}

function params(scenario: Scenario, opts: SimulateOptions): EngineParams {
  const durationMs = opts.durationMs ?? scenario.duration;
  if (!(durationMs >= 0)) throw invalid(`invalid duration ${durationMs}`);
  if (opts.rate !== undefined && !(opts.rate > 0 && Number.isFinite(opts.rate)))
    throw invalid(`invalid rate ${opts.rate}: expected flows per second > 0`);
  return {
    seed: String(opts.seed ?? defaultSimulateOptions.seed),
    startMs: resolveStart(opts.start, scenario.start),
    durationNs: durationMs * 1e6,
    scale: 1,
  };
}

/** Measures the scenario's natural flow rate over its first minute and returns the scale for `rate`. */
function calibrate(scenario: Scenario, p: EngineParams, rate: number): number {
  const window = Math.min(p.durationNs > 0 ? p.durationNs : CALIBRATION_NS, CALIBRATION_NS);
  let n = 0;
  for (const _ of generate(buildTopology(scenario), { ...p, durationNs: window, scale: 1 })) n++;
  const natural = n / (window / 1e9);
  return natural > 0 ? rate / natural : 1;
}

/** The engine parameters of a run: `p` with the scale that gives `rate` (when set). */
function scaled(scenario: Scenario, p: EngineParams, rate: number | undefined): EngineParams {
  return { ...p, scale: rate !== undefined ? calibrate(scenario, p, rate) : 1 };
}

/**
 * Generates the flows of `scenario` in time order, as GetFlowsResponse-shaped events (the shape
 * `encodeEvent` writes as a `hubble observe -o json` line). Lazy and deterministic for a seed.
 * Events share frozen sub-objects: treat them as immutable.
 *
 * @example
 * for (const ev of simulate(loadScenario('dns'), { seed: 7, durationMs: 60_000 })) console.log(encodeEvent(ev));
 */
export function simulate(scenario: Scenario, opts: SimulateOptions = {}): Iterable<FlowEvent> {
  const p = params(scenario, opts);
  return {
    [Symbol.iterator]: () => generate(buildTopology(scenario), scaled(scenario, p, opts.rate)),
  };
}

/** Like simulate(), but yields `hubble observe -o json` lines (without newline), encoded fast. */
export function* simulateLines(
  scenario: Scenario,
  opts: SimulateOptions = {},
): Generator<string, void, undefined> {
  for (const ev of simulate(scenario, opts)) yield encodeSimEvent(ev);
}

/** A run of whole `hubble observe -o json` lines, each ending in a newline. */
export interface LineChunk {
  bytes: Buffer;
  lines: number;
}

/**
 * Like simulateLines(), but yields the lines as bytes, newline-terminated, in chunks of about
 * `chunkBytes` (a line never spans two chunks). The fastest way to write flows out: the lines
 * are written as bytes, mostly from templates of earlier lines (fast-encode.ts), never built as
 * strings. Each chunk is the caller's to keep.
 */
export function* simulateChunks(
  scenario: Scenario,
  opts: SimulateOptions = {},
  chunkBytes = 1 << 20,
): Generator<LineChunk, void, undefined> {
  const p = scaled(scenario, params(scenario, opts), opts.rate);
  // The flows are the writer's alone: they come with stamps instead of time and uuid strings.
  const g = new FlowGenerator(buildTopology(scenario), p, true);
  const src: StampSource = { time: new TimeWriter(g.clock), stamps: undefined, at: 0 };
  const w = new ByteWriter(chunkBytes + (chunkBytes >> 2));
  let lines = 0;
  for (let ev = g.next(); ev !== undefined; ev = g.next()) {
    src.stamps = g.run!.stamps;
    src.at = g.index * STAMP;
    writeGeneratedEvent(ev, w, src);
    w.byte(10);
    lines++;
    if (w.pos >= chunkBytes) {
      yield { bytes: w.take(), lines };
      lines = 0;
    }
  }
  if (lines > 0) yield { bytes: w.take(), lines };
}

/** Options of simulateLive(). */
export interface LiveOptions extends Omit<SimulateOptions, 'durationMs'> {
  /** Simulated seconds per wall-clock second (1 = real time, 60 = a minute per second). Default 1. */
  speed?: number;
  /** Stops the stream. */
  signal?: AbortSignal;
  /** Length of the run in ms; default endless. */
  durationMs?: number;
  /** Injected clock and sleep for tests. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Streams the scenario paced against the wall clock: events are released when their simulated
 * time is due (`speed` times faster than real time). The run starts now unless `start` is given.
 * Ends when `signal` aborts or the duration is over.
 *
 * @example
 * for await (const ev of simulateLive(loadScenario('healthy'), { speed: 10, signal })) store.add(ev);
 */
export async function* simulateLive(
  scenario: Scenario,
  opts: LiveOptions = {},
): AsyncGenerator<FlowEvent, void, undefined> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  const speed = opts.speed ?? 1;
  if (!(speed > 0)) throw invalid(`invalid speed ${speed}: expected a number > 0`);
  const wall0 = now();
  const startMs = opts.start === undefined ? Math.floor(wall0) : resolveStart(opts.start, scenario.start);
  const it = simulate(scenario, { ...opts, start: startMs, durationMs: opts.durationMs ?? Infinity })[
    Symbol.iterator
  ]();
  for (;;) {
    if (opts.signal?.aborted) return;
    const r = it.next();
    if (r.done) return;
    const ev = r.value;
    const due = wall0 + (timeMillis(ev.time) - startMs) / speed;
    const wait = due - now();
    if (wait > 1) {
      await sleep(wait, opts.signal);
      if (opts.signal?.aborted) return;
    }
    yield ev;
  }
}

/**
 * The ground truth of `simulate(scenario, opts)`: injected faults with kind, window, namespace,
 * workload and pods, and policy-denied connections. Independent of the seed.
 */
export function truth(scenario: Scenario, opts: SimulateOptions = {}): TruthEntry[] {
  const p = params(scenario, opts);
  return truthOf(buildTopology(scenario), p.startMs, p.durationNs);
}
