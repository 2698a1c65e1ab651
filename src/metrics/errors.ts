/** Errors of the metrics module. */

/** Stable codes of {@link MetricsError}. */
export type MetricsErrorCode =
  | 'METRICS_CONFIG' // bad option syntax, unknown handler/option/context, conflicting handlers
  | 'METRICS_DUPLICATE'; // two handlers or families with the same name

/** A configuration error, raised at start-up with the offending text in the message. */
export class MetricsError extends Error {
  constructor(
    readonly code: MetricsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MetricsError';
  }
}
