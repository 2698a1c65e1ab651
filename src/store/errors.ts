/** Errors of the store, with stable codes (expected conditions get their own). */

/** Stable error codes of the store. */
export type StoreErrorCode =
  /** An option is out of range; the message names it. */
  | 'STORE_BAD_CONFIG'
  /** A read request is contradictory (e.g. `first` with `follow`). */
  | 'STORE_BAD_REQUEST'
  /** The persistent store failed to open, write or query. */
  | 'STORE_IO'
  /** The store was used after close(). */
  | 'STORE_CLOSED';

/** A store error: `code` is stable, `cause` carries the underlying error. */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}
