/**
 * The scenario simulator: a described cluster (topology, traffic, NetworkPolicies, faults)
 * generating Hubble flows exactly as `hubble observe -o json` prints them.
 *
 * - `loadScenario(nameOrPath)` loads a built-in (`listBuiltinScenarios()`) or a YAML file.
 * - `simulate(scenario, {seed, start, durationMs, rate})` yields time-ordered FlowEvents;
 *   `simulateLines` yields the JSON lines, `simulateChunks` the same as newline-terminated bytes
 *   (the fast way to write them out); `simulateLive` paces them against the wall clock.
 * - `truth(scenario, opts)` lists the injected faults and policy denials of a run.
 */
export {
  loadScenario,
  scenarioFromText,
  parseScenarioFile,
  listBuiltinScenarios,
  builtinScenarioText,
  BUILTIN_SCENARIO_DIR,
  type BuiltinScenarioInfo,
} from './load.js';
export {
  simulate,
  simulateLines,
  simulateChunks,
  simulateLive,
  truth,
  resolveStart,
  defaultSimulateOptions,
  type SimulateOptions,
  type LiveOptions,
  type LineChunk,
} from './simulate.js';
export { encodeSimEvent, writeSimEvent } from './fast-encode.js';
export { ByteWriter } from './byte-writer.js';
export { ScenarioError, type ScenarioErrorCode, type SourcePos } from './errors.js';
export { buildTopology, type Topology, type SimPod, type SimNode, type SimService } from './topology.js';
export { FAULT_KINDS, NODE_DROP_REASONS } from './validate-faults.js';
export { parseDuration, parseRate, formatDuration } from './duration.js';
export type { TruthEntry } from './truth.js';
export type * from './schema.js';
