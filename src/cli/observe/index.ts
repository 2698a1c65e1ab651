/**
 * `flowlens observe`: hubble v0.12.3's flag → request translation (pure, table-tested) and the
 * offline run loop over flow logs.
 */
export { FlowlensCliError, type FlowlensCliErrorCode } from './errors.js';
export {
  ALL_FLOWS,
  DEFAULT_FLOW_COUNT,
  buildObserveRequest,
  observeFlagTable,
  parseObserveArgs,
  parseObserveFlags,
  type ObserveContext,
  type ObserveInvocation,
  type ObserveRequest,
  type ObserveRun,
  type ObserveSubcommand,
} from './request.js';
export { FilterFlags, CONFLICT_GROUPS, FILTER_ACTIONS } from './filter-flags.js';
export { decodeRawFilters, renderRawFilters } from './raw-filters.js';
export { parseTimeArg, parseAbsoluteTime } from './time-arg.js';
export { parseGoDuration } from './go-duration.js';
export { renderObserveHelp, OBSERVE_DESCRIPTION } from './help.js';
export { runObserve, summaryLine, type ObserveIO, type ObserveStream } from './run.js';
export { RingBuffer, selectionMode, timeWindow, MAX_LAST } from './selection.js';
export { FlowStats } from './stats.js';
