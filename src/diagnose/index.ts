/**
 * The diagnosis engine: pure rules over flow aggregates → ranked findings with evidence,
 * explanations, next steps and chains. No I/O; the clock is injected. Browser-safe.
 *
 * - `diagnose(eventsOrAccumulator, options)` → DiagnosisReport (schema in docs/diagnose.md).
 * - `DiagnosisAccumulator`: the streaming, mergeable aggregate; `serve` and the store can keep
 *   one per time slice and merge them for any window.
 * - `formatReport(report, 'text' | 'json' | 'markdown')` renders it.
 * - `RuleRegistry` / `builtinRules` / `defaultRuleRegistry()` list the rules.
 *
 * @example
 * import { diagnose, formatReport } from '../diagnose/index.js';
 * const report = diagnose(events, { since: '2025-06-02T09:00:00Z', clock: () => Date.now() });
 * process.stdout.write(formatReport(report, 'text'));
 */
export * from './types.js';
export { DiagnosisAccumulator, defaultAccumulatorOptions, type AccumulatorOptions } from './accumulator.js';
export { diagnose, type DiagnoseOptions } from './engine.js';
export { RuleRegistry, RuleRegistryError, builtinRules, defaultRuleRegistry } from './registry.js';
export {
  defaultThresholds,
  type DiagnosisRule,
  type DropAttribution,
  type DropAttributor,
  type FindingDraft,
  type RuleContext,
  type Thresholds,
} from './rule.js';
export { NextStepBuilder, shellQuote, type ObserveSource } from './next-steps.js';
export { formatReport, REPORT_FORMATS, type ReportFormat } from './format/index.js';
export { CAUSES } from './chains.js';
