/**
 * The error thrown when a FlowFilter cannot be compiled. Its `message` is exactly the text the
 * hubble CLI v0.12.3 prints for the same filter (hubble-observer-api.md §2.9/§3, hubble-cli-observe.md
 * §2.6), so callers can print it verbatim and exit 1.
 */
export class FilterError extends Error {
  /** Stable code for every invalid-filter condition. */
  readonly code = 'FILTER_INVALID';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FilterError';
  }
}
