/**
 * The filter flags of `observe`. Their translation into FlowFilter lists (flag table, value
 * parsers, left/right builders, conflict rules, `--not`) lives in src/filter/flags.ts, shared
 * with the web UI's filter bar; flags.ts here binds it to the pflag-style flag table.
 */
export {
  CONFLICT_GROUPS,
  FILTER_ACTIONS,
  FilterFlags,
  filterFlagSpec,
  type FilterAction,
} from '../../filter/flags.js';
