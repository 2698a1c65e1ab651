/** The simulator source. */
export { SimulatorSource, type SimulatorSourceOptions } from './simulator-source.js';
