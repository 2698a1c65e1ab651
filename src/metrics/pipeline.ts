/**
 * The metrics pipeline: configured handlers, the node collector and self-metrics behind one
 * small API that `flowlens serve` and `flowlens metrics` mount (see index.ts for the contract).
 */
import type { FlowEvent } from '../flow/index.js';
import { timeMillis } from '../flow/index.js';
import { DEFAULT_METRICS, builtinPlugins } from './builtins.js';
import { KeySpace } from './context/keys.js';
import { FlowFacts } from './facts.js';
import {
  parseDynamicConfig,
  parseStaticMetrics,
  formatHandlerSpec,
  type HandlerSpec,
} from './config/parse.js';
import { MetricsError } from './errors.js';
import {
  CONTENT_TYPES,
  negotiateFormat,
  renderFamilies,
  type ExpositionFormat,
} from './exposition/render.js';
import { NodeCollector, defaultNodeCollectorOptions, type NodeCollectorOptions } from './node/collector.js';
import {
  MetricRegistry,
  defaultHandlerDefaults,
  type BuiltHandler,
  type HandlerDefaults,
} from './registry.js';
import { SelfMetrics } from './self/self-metrics.js';
import type { Clock, Family } from './store/family.js';
import type { FlowPredicate } from '../filter/index.js';
import type { Flow } from '../flow/index.js';
import type { MetricHandler, MetricPlugin } from './types.js';

/** Options of {@link createMetricsPipeline}. */
export interface MetricsPipelineOptions {
  /** Handlers in the static `--metrics` syntax (one string or several); default DEFAULT_METRICS. */
  metrics?: string | readonly string[];
  /** Dynamic YAML configuration text; exclusive with `metrics`. */
  config?: string;
  /** Budget and expiry defaults. */
  defaults?: Partial<HandlerDefaults>;
  /** Read node statistics from /proc (true, or options); default off. */
  nodeStats?: boolean | Partial<NodeCollectorOptions>;
  /** Offer OpenMetrics to scrapers that ask for it (needed for exemplars); default true. */
  openMetrics?: boolean;
  /** Plugins to build from; default builtinPlugins. */
  plugins?: readonly MetricPlugin[];
  /** Wall clock in ms; default Date.now. */
  now?: () => number;
}

/** Per-source accounting hooks, for sources and the ingest loop. */
export interface SourceHooks {
  /** Flows lost before the pipeline (buffer overflow, upstream lost-events records). */
  lost(source: string, n: number): void;
  /** Input records skipped (reason: `invalid`, `too_long`, `filtered`, ...). */
  skipped(source: string, n: number, reason: string): void;
  /** Sets the lag explicitly (observe() computes it from flow times otherwise). */
  lag(source: string, seconds: number): void;
}

/** The pipeline. */
export interface MetricsPipeline {
  /** The configured handlers, in the static syntax. */
  readonly handlers: readonly string[];
  /** Offers a batch of events; flows go to every handler, lost-events records are counted. */
  observe(events: readonly FlowEvent[], source?: string): void;
  /** Renders `/metrics`. */
  render(format?: ExpositionFormat): string;
  /** Content-Type for a format. */
  contentType(format: ExpositionFormat): string;
  /** Chooses the format from an Accept header. */
  negotiate(accept: string | undefined): ExpositionFormat;
  /** Records a scrape of `/metrics` (Hubble's hubble_metrics_http_handler_* metrics). */
  recordScrape(code: number, seconds: number): void;
  /** Per-source accounting. */
  readonly sources: SourceHooks;
  /** Drops the series of a deleted pod now. Returns the number removed. */
  forgetPod(namespace: string, pod: string): number;
  /** Expires idle series now. Returns the number removed. */
  sweep(): number;
  /** Total number of flow-metric series. */
  seriesCount(): number;
  /** The flow-metric families (tests and status output). */
  families(): readonly Family[];
}

const TICK_MS = 1000;
const SWEEP_MS = 10_000;

/** Offers one flow to every handler, in order. */
type Dispatch = (ev: FlowEvent, flow: Flow, facts: FlowFacts) => void;

/**
 * Compiles the handler loop into one function with a call site per handler: each site sees a
 * single handler, so the calls are monomorphic (and small handlers are inlined) instead of one
 * megamorphic call for all. A handler that throws is counted in `errors` and the others still
 * run; a handler's filter decides whether it is called.
 */
function compileDispatch(
  handlers: readonly MetricHandler[],
  predicates: readonly (FlowPredicate | undefined)[],
  errors: Float64Array,
): Dispatch {
  const params: string[] = ['E'];
  const args: unknown[] = [errors];
  let body = '';
  handlers.forEach((h, i) => {
    params.push(`H${i}`);
    args.push(h);
    const call = `try { H${i}.observe(flow, facts); } catch { E[${i}]++; }`;
    const p = predicates[i];
    if (p === undefined) body += call + '\n';
    else {
      params.push(`P${i}`);
      args.push(p);
      body += `if (P${i}(ev)) { ${call} }\n`;
    }
  });
  const factory = new Function(...params, `return function dispatch(ev, flow, facts) {\n${body}};`);
  return factory(...args) as Dispatch;
}

/** Parses the handler configuration of the options. */
function specsOf(opts: MetricsPipelineOptions): HandlerSpec[] {
  if (opts.config !== undefined && opts.metrics !== undefined)
    throw new MetricsError(
      'METRICS_CONFIG',
      'static metrics (--metrics) and a metrics config file cannot be used together',
    );
  if (opts.config !== undefined) return parseDynamicConfig(opts.config);
  return parseStaticMetrics(opts.metrics ?? DEFAULT_METRICS);
}

/**
 * Builds a pipeline. Throws MetricsError (code METRICS_CONFIG / METRICS_DUPLICATE) on an
 * invalid configuration, with the offending name in the message.
 */
export function createMetricsPipeline(opts: MetricsPipelineOptions = {}): MetricsPipeline {
  const now = opts.now ?? Date.now;
  const clock: Clock = { now: now() };
  const specs = specsOf(opts);
  const registry = new MetricRegistry(opts.plugins ?? builtinPlugins);
  const defaults = { ...defaultHandlerDefaults, ...opts.defaults };
  const keys = new KeySpace();
  const built: BuiltHandler[] = registry.build(specs, clock, defaults, keys);
  const flowFamilies = built.flatMap((b) => b.families);
  const self = new SelfMetrics(clock);
  const node =
    opts.nodeStats === undefined || opts.nodeStats === false
      ? undefined
      : new NodeCollector(clock, {
          ...defaultNodeCollectorOptions,
          ...(opts.nodeStats === true ? {} : opts.nodeStats),
        });
  const openMetrics = opts.openMetrics ?? true;
  const handlers = built.map((b) => b.handler);
  const predicates = built.map((b) => b.predicate);
  const errorCounts = new Float64Array(built.length);
  const dispatch = compileDispatch(handlers, predicates, errorCounts);
  const facts = new FlowFacts();
  let lastTick = clock.now;
  let lastSweep = clock.now;

  const tick = () => {
    for (const h of handlers) h.tick?.(clock.now);
    lastTick = clock.now;
  };
  const sweep = () => {
    let n = 0;
    for (const f of flowFamilies) n += f.sweep(clock.now);
    lastSweep = clock.now;
    return n;
  };

  return {
    handlers: specs.map(formatHandlerSpec),
    observe(events, source = 'default') {
      clock.now = now();
      let flows = 0;
      for (let i = 0; i < events.length; i++) {
        const ev = events[i]!;
        const flow = ev.flow;
        if (flow === undefined) {
          const le = ev.lost_events;
          if (le !== undefined) {
            const count = Number(le.num_events_lost ?? 0);
            const src =
              typeof le.source === 'string'
                ? le.source.toLowerCase()
                : String(le.source ?? 'unknown_lost_event_source');
            self.add(self.hubbleLost, [src], count);
            self.add(self.lost, [source], count);
          }
          continue;
        }
        flows++;
        keys.maintain(); // a full KeySpace is reset between flows only
        facts.set(flow);
        dispatch(ev, flow, facts);
      }
      if (flows > 0) self.add(self.seen, [source], flows);
      // The lag is that of the last flow with a time (read once per batch, not per flow).
      let newest = '';
      for (let i = events.length - 1; i >= 0 && newest === ''; i--) newest = events[i]!.flow?.time ?? '';
      if (newest !== '') {
        const t = timeMillis(newest);
        if (Number.isFinite(t)) self.set(self.lag, [source], Math.max(0, (clock.now - t) / 1000));
      }
      if (clock.now - lastTick >= TICK_MS) tick();
    },
    render(format = 'prometheus') {
      clock.now = now();
      tick();
      const every = Math.min(SWEEP_MS, Math.max(1000, defaults.ttlMs / 10));
      if (clock.now - lastSweep >= every) sweep();
      node?.collect();
      self.updateFamilies(flowFamilies);
      built.forEach((b, i) => {
        if (errorCounts[i]! > 0) self.set(self.errors, [b.name], errorCounts[i]!);
      });
      return renderFamilies([...flowFamilies, ...(node?.families ?? []), ...self.families], format);
    },
    contentType: (format) => CONTENT_TYPES[format],
    negotiate: (accept) => negotiateFormat(accept, openMetrics),
    recordScrape(code, seconds) {
      self.scrape(code, seconds);
    },
    sources: {
      lost: (source, n) => self.add(self.lost, [source], n),
      skipped: (source, n, reason) => self.add(self.skipped, [source, reason], n),
      lag: (source, seconds) => self.set(self.lag, [source], seconds),
    },
    forgetPod(namespace, pod) {
      let n = 0;
      for (const f of flowFamilies) n += f.forgetPod(namespace, pod);
      return n;
    },
    sweep() {
      clock.now = now();
      return sweep();
    },
    seriesCount: () => flowFamilies.reduce((n, f) => n + f.size, 0),
    families: () => flowFamilies,
  };
}
