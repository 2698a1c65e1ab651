/**
 * The filter engine: FlowFilter lists compiled once into a predicate, shared by the CLI,
 * server, store and UI. (Contract; the implementation lives in the files of this folder.)
 */
export type { FlowFilter, EventTypeFilter } from './types.js';
export { compileFilters, compileLinePrefilter, FilterError, type FlowPredicate } from './compile.js';
