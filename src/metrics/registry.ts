/**
 * The explicit handler registry: built from a plugin list (builtins.ts) at the composition
 * root, it validates configured handlers (unknown names, unknown options, conflicts,
 * duplicate family names all fail at start-up) and builds them.
 */
import { compileFilters, type FlowPredicate } from '../filter/index.js';
import type { HandlerSpec } from './config/parse.js';
import { CONTEXT_OPTION_KEYS, ContextLabels, parseContextOptions } from './context/context.js';
import { KeySpace } from './context/keys.js';
import { MetricsError } from './errors.js';
import { COMMON_OPTIONS, HandlerOptions } from './options.js';
import { Family, type Clock, type FamilySpec } from './store/family.js';
import type { MetricHandler, MetricPlugin } from './types.js';

/** Defaults applied to every handler unless its options override them. */
export interface HandlerDefaults {
  /** Series budget per counter/gauge family. */
  budget: number;
  /** Series budget per histogram family. */
  histogramBudget: number;
  /** Idle-series expiry in ms (0 = never). */
  ttlMs: number;
}

/** Default budgets and expiry. */
export const defaultHandlerDefaults: HandlerDefaults = {
  budget: 10_000,
  histogramBudget: 2_000,
  ttlMs: 10 * 60_000,
};

/** A built handler with its filter and families. */
export interface BuiltHandler {
  name: string;
  handler: MetricHandler;
  /** Include/exclude filter; undefined when the handler takes every flow. */
  predicate: FlowPredicate | undefined;
  families: Family[];
}

/** A named set of plugins. */
export class MetricRegistry {
  private readonly plugins = new Map<string, MetricPlugin>();

  constructor(plugins: readonly MetricPlugin[]) {
    for (const p of plugins) {
      if (this.plugins.has(p.name))
        throw new MetricsError('METRICS_DUPLICATE', `metric plugin '${p.name}' registered twice`);
      this.plugins.set(p.name, p);
    }
  }

  /** Plugin names in registration order. */
  names(): string[] {
    return [...this.plugins.keys()];
  }

  /** A plugin by name. */
  get(name: string): MetricPlugin | undefined {
    return this.plugins.get(name);
  }

  /** Help text listing each handler, what it emits and its options. */
  help(): string {
    const lines: string[] = [];
    for (const p of this.plugins.values()) {
      lines.push(`  ${p.name.padEnd(30)} ${p.help}`);
      const opts = Object.keys(p.options);
      if (opts.length > 0) lines.push(`  ${''.padEnd(30)}   options: ${opts.join(', ')}`);
    }
    lines.push(
      `  every handler also takes ${Object.keys(COMMON_OPTIONS).join(', ')}; Hubble handlers take the context options`,
    );
    lines.push(`  (${CONTEXT_OPTION_KEYS.join(', ')}; keys are case-insensitive).`);
    return lines.join('\n');
  }

  /** Validates and builds handlers. Families get unique names across all handlers. */
  build(
    specs: readonly HandlerSpec[],
    clock: Clock,
    defaults: HandlerDefaults = defaultHandlerDefaults,
    keys: KeySpace = new KeySpace(),
  ): BuiltHandler[] {
    const names = new Set(specs.map((s) => s.name));
    for (const s of specs) {
      const p = this.plugins.get(s.name);
      if (!p)
        throw new MetricsError(
          'METRICS_CONFIG',
          `unknown metric '${s.name}' (known: ${this.names().join(', ')})`,
        );
      for (const c of p.conflicts ?? [])
        if (names.has(c))
          throw new MetricsError(
            'METRICS_CONFIG',
            `metrics '${s.name}' and '${c}' cannot be enabled together`,
          );
    }
    const familyNames = new Set<string>();
    // Handlers with the same context options share one ContextLabels, whose per-flow memo then
    // computes their key once per flow for all of them; all share one KeySpace.
    const contexts = new Map<string, ContextLabels>();
    return specs.map((spec) => {
      const plugin = this.plugins.get(spec.name)!;
      for (const o of spec.options) {
        const k = o.key.toLowerCase();
        const ok =
          k in plugin.options ||
          k in COMMON_OPTIONS ||
          (plugin.contextOptions && (CONTEXT_OPTION_KEYS as readonly string[]).includes(k));
        if (!ok) {
          const accepted = [...Object.keys(plugin.options), ...Object.keys(COMMON_OPTIONS)];
          if (plugin.contextOptions) accepted.push('sourceContext & co.');
          throw new MetricsError(
            'METRICS_CONFIG',
            `unknown option '${o.key}' for metric '${spec.name}' (accepted: ${accepted.join(', ')})`,
          );
        }
      }
      const options = new HandlerOptions(spec.name, spec.options);
      const ctxConfig = plugin.contextOptions ? parseContextOptions(spec.options) : {};
      const ctxKey = JSON.stringify(ctxConfig);
      let context = contexts.get(ctxKey);
      if (context === undefined) contexts.set(ctxKey, (context = new ContextLabels(ctxConfig, keys)));
      const budget = options.int('budget', plugin.defaultBudget ?? 0);
      const ttlMs = options.duration('ttl', defaults.ttlMs);
      const exemplars = options.bool('exemplars');
      const families: Family[] = [];
      const family = (fs: FamilySpec): Family => {
        if (familyNames.has(fs.name))
          throw new MetricsError('METRICS_DUPLICATE', `metric family ${fs.name} is produced twice`);
        familyNames.add(fs.name);
        const b = budget || (fs.type === 'histogram' ? defaults.histogramBudget : defaults.budget);
        const f = new Family(fs, { budget: b, ttlMs, exemplars }, clock, keys);
        families.push(f);
        return f;
      };
      const handler = plugin.create({ spec, options, context, family, clock, keys });
      const hasFilters = spec.includeFilters.length > 0 || spec.excludeFilters.length > 0;
      const predicate = hasFilters ? compileFilters(spec.includeFilters, spec.excludeFilters) : undefined;
      return { name: spec.name, handler, predicate, families };
    });
  }
}
