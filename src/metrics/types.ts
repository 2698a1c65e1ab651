/**
 * The handler/plugin contract. A {@link MetricPlugin} is a named factory listed in
 * builtins.ts; the registry validates a configured {@link HandlerSpec} against it and asks it
 * for a {@link MetricHandler}, which owns its families and is offered every flow.
 */
import type { Flow } from '../flow/index.js';
import type { FlowFacts } from './facts.js';
import type { HandlerSpec } from './config/parse.js';
import type { ContextLabels } from './context/context.js';
import type { KeySpace } from './context/keys.js';
import type { HandlerOptions } from './options.js';
import type { Clock, Family, FamilySpec } from './store/family.js';

/** What a plugin gets to build a handler. */
export interface HandlerContext {
  /** The configuration as written. */
  spec: HandlerSpec;
  /** Handler-specific options (context options are already parsed into `context`). */
  options: HandlerOptions;
  /** The context labels (`source`, `destination`, labelsContext). */
  context: ContextLabels;
  /** Creates a family with this handler's budget, TTL and exemplar settings, and registers it. */
  family(spec: FamilySpec): Family;
  /** The pipeline clock (ms, advanced per batch). */
  clock: Clock;
  /**
   * Ids for series keys (see {@link Family.atKey}); shared by the pipeline. Ids are stable
   * during one flow; keep them longer only with an {@link KeySpace.onReset} listener.
   */
  keys: KeySpace;
}

/** A running handler. */
export interface MetricHandler {
  /**
   * Offered every flow (after the handler's include/exclude filters), with its facts
   * (`facts.flow === flow`). Flows are immutable. Must not throw on odd input.
   */
  observe(flow: Flow, facts: FlowFacts): void;
  /** Periodic maintenance with the pipeline clock (e.g. expiring unanswered DNS requests). */
  tick?(now: number): void;
}

/** A metric family type, as a registry entry. */
export interface MetricPlugin {
  /** Handler name used in `--metrics` (`dns`, `httpV2`, `networkobservability`, ...). */
  readonly name: string;
  /** One line: what it emits. */
  readonly help: string;
  /** Handler-specific option keys (lower case) and their help. */
  readonly options: Readonly<Record<string, string>>;
  /** Whether sourceContext & co. are accepted. */
  readonly contextOptions: boolean;
  /** Handlers that cannot be enabled together with this one. */
  readonly conflicts?: readonly string[];
  /** Default series budget per family (else the pipeline default). */
  readonly defaultBudget?: number;
  /** Builds the handler; throws MetricsError on invalid options. */
  create(ctx: HandlerContext): MetricHandler;
}
