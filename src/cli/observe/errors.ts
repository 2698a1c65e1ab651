/**
 * The error type of `flowlens observe`. Its message is exactly what hubble v0.12.3 prints
 * (one bare line on stderr, exit status 1), so callers print `err.message` and nothing else.
 */

/** Stable codes of FlowlensCliError. */
export type FlowlensCliErrorCode =
  /** A flag could not be parsed (unknown flag, bad value, filter conflict, ...). */
  | 'FLAG'
  /** A check after flag parsing failed (trailing --not, output format, selectors, ...). */
  | 'USAGE'
  /** --allowlist / --denylist JSON could not be decoded. */
  | 'RAW_FILTER'
  /** A filter value is invalid (reported when the filter lists are compiled). */
  | 'FILTER'
  /** The input could not be opened or read. */
  | 'INPUT'
  /** The requested mode is not available in flowlens (other subcommands). */
  | 'UNSUPPORTED';

/** An error of the observe command; `message` is the hubble-compatible text. */
export class FlowlensCliError extends Error {
  readonly code: FlowlensCliErrorCode;
  /** Process exit status for this error (always 1, as hubble). */
  readonly exitCode = 1;

  constructor(code: FlowlensCliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FlowlensCliError';
    this.code = code;
  }
}
