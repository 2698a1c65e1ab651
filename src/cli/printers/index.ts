/**
 * Output printers of `observe` (compact, dict, table, json, jsonpb), byte-compatible with the
 * hubble CLI v0.12.3. Printers return text; the caller writes it (stdout for `event`/`footer`,
 * stderr for `status`).
 *
 * @example
 * const registry = new PrinterRegistry(builtinPrinters);
 * const printer = registry.create({ ...defaultPrinterOptions, format: registry.resolve(flags.output) });
 * for await (const ev of events) writePrinted(printer, ev, sink);
 * sink.stdout(printer.footer());
 */
import type { FlowEvent } from '../../flow/index.js';
import { builtinPrinters } from './builtins.js';
import { PrinterRegistry } from './registry.js';
import type { Printer, PrinterOptions } from './types.js';

export {
  PrinterError,
  defaultPrinterOptions,
  type ColorMode,
  type OutputFormat,
  type Printer,
  type PrinterErrorCode,
  type PrinterOptions,
  type TimeFormat,
} from './types.js';
export { PrinterRegistry, type PrinterFactory } from './registry.js';
export { builtinPrinters } from './builtins.js';
export { CompactPrinter } from './compact.js';
export { DictPrinter } from './dict.js';
export { TablePrinter, alignColumns } from './table.js';
export { JsonPrinter } from './json.js';
export { resolveColor, type ColorEnvironment } from './color.js';
export {
  createTimestampFormatter,
  parseTimeFormat,
  timeFormats,
  type TimestampFormatter,
} from './time-format.js';
export { sanitize } from './sanitize.js';
export { eventTypeText, identityText, verdictText } from './event-type.js';
export { dropText } from './drop-reasons.js';

/** Builds a printer from the built-in formats (convenience over `new PrinterRegistry(...)`). */
export function createPrinter(opts: PrinterOptions): Printer {
  return new PrinterRegistry(builtinPrinters).create(opts);
}

/** Where printed text goes. */
export interface PrintSink {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Prints one response: flow text to stdout, node-status text to stderr (skipping empties). */
export function writePrinted(printer: Printer, ev: FlowEvent, sink: PrintSink): void {
  if (ev.flow !== undefined) {
    const s = printer.event(ev);
    if (s !== '') sink.stdout(s);
  } else if (ev.node_status !== undefined) {
    const s = printer.status(ev);
    if (s !== '') sink.stderr(s);
  }
}
