/**
 * Contracts of the `hubble observe` output printers: the `Printer` interface, its options and
 * the error type. Printers are pure: they turn events into text chunks and never touch
 * stdout/stderr themselves, so the caller decides buffering and where each chunk goes.
 */
import type { FlowEvent } from '../../flow/index.js';

/** Canonical output format names (aliases such as `tab`, `JSON` resolve to one of these). */
export type OutputFormat = 'compact' | 'dict' | 'table' | 'json' | 'jsonpb';

/** The `--time-format` layouts of hubble v0.12.3 (names as hubble spells them). */
export type TimeFormat =
  | 'StampMilli'
  | 'YearMonthDay'
  | 'YearMonthDayHour'
  | 'YearMonthDayHourMinute'
  | 'RFC3339'
  | 'RFC3339Milli'
  | 'RFC3339Micro'
  | 'RFC3339Nano'
  | 'RFC1123Z';

/** The `--color` flag value before it is resolved against the terminal. */
export type ColorMode = 'auto' | 'always' | 'never';

/** Options shared by every printer; build them with `{ ...defaultPrinterOptions, ...overrides }`. */
export interface PrinterOptions {
  /** Output format (canonical name; see `parseOutputFormat` for aliases). */
  format: OutputFormat;
  /** `--print-node-name`: add the flow's node name (compact/dict/table). */
  printNodeName: boolean;
  /** `--time-format` layout for compact/dict/table and node-status lines. */
  timeFormat: TimeFormat;
  /** ANSI colors, already resolved by the caller (see `resolveColor`); table ignores it. */
  color: boolean;
  /**
   * Zone used to render timestamps: `'UTC'`, `'local'` (the process zone) or an IANA name.
   * Default `'UTC'`, because hubble v0.12.3 converts every timestamp to UTC before formatting
   * (spec hubble-cli-observe.md §3: "the TZ environment variable has no effect").
   */
  timeZone: string;
  /** `--ip-translation` (true) vs `--numeric` (false): names instead of IPs for hosts. */
  ipTranslation: boolean;
  /** `HUBBLE_COMPAT=legacy-json-output`: `-o json` prints the bare Flow, not the response. */
  legacyJson: boolean;
  /** `--debug`: show every node-status event, not only NODE_ERROR / NODE_UNAVAILABLE. */
  debug: boolean;
}

/** Defaults matching `hubble observe` without formatting flags (colors off: resolve them). */
export const defaultPrinterOptions: Readonly<PrinterOptions> = Object.freeze({
  format: 'compact',
  printNodeName: false,
  timeFormat: 'StampMilli',
  color: false,
  timeZone: 'UTC',
  ipTranslation: true,
  legacyJson: false,
  debug: false,
});

/**
 * One output format. Call `event` for every response of the stream, in order, and `footer`
 * once at the end (also when the stream ends with an error: the table is only written then).
 *
 * @example
 * const p = createPrinter({ ...defaultPrinterOptions, format: 'table' });
 * for (const ev of events) { out.write(p.event(ev)); err.write(p.status(ev)); }
 * out.write(p.footer());
 */
export interface Printer {
  /** The canonical format this printer implements. */
  readonly format: OutputFormat;
  /** Text for stdout produced by one response; `''` for non-flow responses. */
  event(ev: FlowEvent): string;
  /**
   * Text for stderr produced by one response: node-status messages (hubble writes them to
   * stderr); `''` for flows, lost events and empty responses. `--silent-errors` = drop it.
   */
  status(ev: FlowEvent): string;
  /** Text for stdout once the stream has ended (buffered table); `''` for streaming formats. */
  footer(): string;
  /**
   * Optional fast path: when it returns a string, `event(ev)` would return exactly that string
   * plus `'\n'`, and the string is pure ASCII, so the caller may copy it out without UTF-8
   * encoding (`-o json` reprinting a canonical input line). `undefined`: call `event`.
   */
  asciiLine?(ev: FlowEvent): string | undefined;
}

/** Stable codes of `PrinterError`. */
export type PrinterErrorCode = 'INVALID_OUTPUT_FORMAT' | 'DUPLICATE_PRINTER' | 'INVALID_TIME_ZONE';

/** Error raised for invalid printer configuration; `message` is what hubble prints. */
export class PrinterError extends Error {
  readonly code: PrinterErrorCode;

  constructor(code: PrinterErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PrinterError';
    this.code = code;
  }
}
