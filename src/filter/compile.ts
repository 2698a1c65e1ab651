import type { FlowEvent } from '../flow/types.js';
import type { FlowFilter } from './types.js';

/** A compiled allow/deny filter set. */
export type FlowPredicate = (ev: FlowEvent) => boolean;

/** An invalid filter (bad CIDR, regex, port, ...); `message` is hubble's text. */
export class FilterError extends Error {
  readonly code = 'FILTER_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'FilterError';
  }
}

/**
 * Compiles an allowlist and a denylist. A flow passes when the allowlist is empty or one of
 * its filters matches, and no denylist filter matches. Throws FilterError on invalid filters.
 * PLACEHOLDER: replaced by the real engine.
 */
export function compileFilters(allow: FlowFilter[], deny: FlowFilter[]): FlowPredicate {
  void allow;
  void deny;
  throw new FilterError('filter engine not implemented yet');
}

/**
 * Derives a cheap test on the raw JSON line: returns false only when the line cannot match.
 * Undefined when no safe prefilter exists. PLACEHOLDER.
 */
export function compileLinePrefilter(allow: FlowFilter[], deny: FlowFilter[]): ((line: string) => boolean) | undefined {
  void allow;
  void deny;
  return undefined;
}
