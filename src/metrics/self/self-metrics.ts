/**
 * flowlens's own metrics: what the pipeline saw, lost and skipped per source, how far behind it
 * runs, how the exporter's budgets hold, and Hubble's always-on metrics
 * (`hubble_lost_events_total`, `hubble_metrics_http_handler_*`).
 *
 * | family | type | labels |
 * |---|---|---|
 * | flowlens_flows_seen_total | counter | source |
 * | flowlens_flows_lost_total | counter | source |
 * | flowlens_flows_skipped_total | counter | source, reason |
 * | flowlens_pipeline_lag_seconds | gauge | source |
 * | hubble_lost_events_total | counter | source (perf_event_ring_buffer, observer_events_queue, hubble_ring_buffer, ...) |
 * | hubble_metrics_http_handler_requests_total | counter | code |
 * | hubble_metrics_http_handler_request_duration_seconds | histogram | code |
 * | flowlens_metrics_series | gauge | metric |
 * | flowlens_metrics_series_budget | gauge | metric |
 * | flowlens_metrics_overflow_total | counter | metric, granularity (workload, namespace, overflow, dropped) |
 * | flowlens_metrics_series_expired_total | counter | metric |
 * | flowlens_metrics_handler_errors_total | counter | handler |
 */
import { DEFAULT_BUCKETS } from '../handlers/common.js';
import { Family, type Clock, type FamilySpec } from '../store/family.js';
import { LEVEL_NAMES } from '../store/levels.js';

/** Self-metric families and their update methods. */
export class SelfMetrics {
  readonly seen: Family;
  readonly lost: Family;
  readonly skipped: Family;
  readonly lag: Family;
  readonly hubbleLost: Family;
  readonly scrapes: Family;
  readonly scrapeDuration: Family;
  readonly series: Family;
  readonly budget: Family;
  readonly overflow: Family;
  readonly expired: Family;
  readonly errors: Family;
  readonly families: Family[];

  constructor(clock: Clock) {
    const mk = (spec: FamilySpec) => new Family(spec, { budget: 1000, ttlMs: 0, exemplars: false }, clock);
    const c = (name: string, help: string, labels: string[]) => mk({ name, help, type: 'counter', labels });
    const g = (name: string, help: string, labels: string[]) => mk({ name, help, type: 'gauge', labels });
    this.seen = c('flowlens_flows_seen_total', 'Flows offered to the metric handlers, per source', [
      'source',
    ]);
    this.lost = c('flowlens_flows_lost_total', 'Flows lost before reaching the metric handlers, per source', [
      'source',
    ]);
    this.skipped = c(
      'flowlens_flows_skipped_total',
      'Input records skipped (invalid, too long, ...), per source',
      ['source', 'reason'],
    );
    this.lag = g(
      'flowlens_pipeline_lag_seconds',
      'Wall-clock time minus the time of the newest flow observed, per source',
      ['source'],
    );
    this.hubbleLost = c('hubble_lost_events_total', 'Number of lost events', ['source']);
    this.scrapes = c(
      'hubble_metrics_http_handler_requests_total',
      'A counter for requests to the wrapped handler.',
      ['code'],
    );
    this.scrapeDuration = mk({
      name: 'hubble_metrics_http_handler_request_duration_seconds',
      help: 'A histogram of latencies for requests.',
      type: 'histogram',
      labels: ['code'],
      buckets: DEFAULT_BUCKETS,
    });
    this.series = g('flowlens_metrics_series', 'Series held per metric family', ['metric']);
    this.budget = g('flowlens_metrics_series_budget', 'Series budget per metric family', ['metric']);
    this.overflow = c(
      'flowlens_metrics_overflow_total',
      'Increments folded into a coarser series (workload, namespace, overflow) or dropped because a family reached its series budget',
      ['metric', 'granularity'],
    );
    this.expired = c(
      'flowlens_metrics_series_expired_total',
      'Series removed because they were idle or their pod was deleted',
      ['metric'],
    );
    this.errors = c('flowlens_metrics_handler_errors_total', 'Flows a metric handler failed on', ['handler']);
    this.families = [
      this.seen,
      this.lost,
      this.skipped,
      this.lag,
      this.hubbleLost,
      this.scrapes,
      this.scrapeDuration,
      this.series,
      this.budget,
      this.overflow,
      this.expired,
      this.errors,
    ];
  }

  /** Adds to a counter series. */
  add(f: Family, values: string[], n: number): void {
    const s = f.get(values);
    if (s !== undefined) s.value += n;
  }

  /** Sets a gauge series. */
  set(f: Family, values: string[], v: number): void {
    const s = f.get(values);
    if (s !== undefined) s.value = v;
  }

  /** Records one scrape of /metrics. */
  scrape(code: number, seconds: number): void {
    const c = String(code);
    this.add(this.scrapes, [c], 1);
    const s = this.scrapeDuration.get([c]);
    if (s !== undefined) this.scrapeDuration.observe(s, seconds);
  }

  /** Copies the state of the exporter's families (series, budgets, folds, expiries). */
  updateFamilies(families: readonly Family[]): void {
    for (const f of families) {
      this.set(this.series, [f.name], f.size);
      this.set(this.budget, [f.name], f.budget);
      for (let level = 1; level < LEVEL_NAMES.length; level++) {
        const n = f.folds[level]!;
        if (n > 0) this.set(this.overflow, [f.name, LEVEL_NAMES[level]!], n);
      }
      if (f.expired > 0) this.set(this.expired, [f.name], f.expired);
    }
  }
}
