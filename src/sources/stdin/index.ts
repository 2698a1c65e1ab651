/** The stdin source. */
export { StdinSource, type StdinSourceOptions } from './stdin-source.js';
