/** Errors of the simulator: bad scenario files name the file, line, column and what was expected. */

/** Stable error codes of ScenarioError. */
export type ScenarioErrorCode =
  'SCENARIO_SYNTAX' | 'SCENARIO_INVALID' | 'SCENARIO_NOT_FOUND' | 'SCENARIO_REFERENCE';

/** A position in a scenario file (1-based line and column). */
export interface SourcePos {
  file: string;
  line: number;
  column: number;
}

/**
 * A scenario that cannot be loaded. The message reads
 * `file:line:column: field.path: expected X, got Y`, like a compiler error.
 */
export class ScenarioError extends Error {
  constructor(
    readonly code: ScenarioErrorCode,
    readonly detail: string,
    readonly pos?: SourcePos,
    readonly fieldPath?: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${pos ? `${pos.file}:${pos.line}:${pos.column}: ` : ''}${fieldPath ? `${fieldPath}: ` : ''}${detail}`,
      options,
    );
    this.name = 'ScenarioError';
  }
}
