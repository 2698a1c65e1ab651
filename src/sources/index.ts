/**
 * Ingest sources, each a cancellable producer of event batches, created by name from a
 * `--source` spec through the registry in builtins.ts.
 */
export {
  StatusTracker,
  sleep,
  type FlowSource,
  type SourceStatus,
  type SourceState,
  type EmitFn,
} from './source.js';
export { createSource, sourceSchemes, SourceSpecError, type SourceContext } from './builtins.js';
