/** JSON-lines flow logs: files, globs, gzip and stdin. */
export {
  readFlowLog,
  resolveInputs,
  FlowLogError,
  type FlowLogReader,
  type ReadFlowLogOptions,
  type ReadStats,
} from './reader.js';
export { splitLines, DEFAULT_MAX_LINE_BYTES, type LineItem } from './line-splitter.js';
