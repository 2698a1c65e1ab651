/**
 * `-o table` / `-o tab` (hubble-cli-observe.md §4.3): a header and one row per flow, aligned
 * the way Go's text/tabwriter (min width 2, padding 3, space padding) aligns them.
 *
 * The tabwriter only knows the column widths once it has seen every row, and hubble flushes
 * it when the stream ends, so this printer buffers all rows and writes the whole table from
 * `footer()`. That is why hubble forbids `table` with `--follow`. Never colored.
 */
import type { FlowEvent } from '../../flow/index.js';
import { plainColorizer } from './color.js';
import { eventTypeText, verdictText } from './event-type.js';
import { renderHosts } from './hosts.js';
import { nodeStatusLine } from './node-status.js';
import { sanitizeOpt } from './sanitize.js';
import { tabwrite } from './tabwriter.js';
import { summaryText } from './summary.js';
import { createTimestampFormatter } from './time-format.js';
import type { Printer, PrinterOptions } from './types.js';

/**
 * Aligns rows like tabwriter: every cell but the last is padded with spaces to the width of
 * its column (widest cell + 3); the last cell is written as is. All rows have the same number
 * of cells, so each column is one tabwriter block.
 *
 * @example alignColumns([['A', 'B'], ['xyz', 'w']]) === 'A     B\nxyz   w\n'
 */
export function alignColumns(rows: readonly (readonly string[])[]): string {
  return tabwrite(rows);
}

/** Buffering table printer: `event` returns `''`, `footer` returns the whole table. */
export class TablePrinter implements Printer {
  readonly format = 'table';
  readonly #opts: PrinterOptions;
  readonly #time;
  readonly #rows: string[][] = [];

  constructor(opts: PrinterOptions) {
    this.#opts = opts;
    this.#time = createTimestampFormatter(opts.timeFormat, opts.timeZone);
  }

  #header(): string[] {
    const h = ['TIMESTAMP', 'SOURCE', 'DESTINATION', 'TYPE', 'VERDICT', 'SUMMARY'];
    if (this.#opts.printNodeName) h.splice(1, 0, 'NODE');
    return h;
  }

  event(ev: FlowEvent): string {
    const f = ev.flow;
    if (f === undefined) return '';
    // As in hubble, the header comes with the first flow: no flows, no output at all.
    if (this.#rows.length === 0) this.#rows.push(this.#header());
    const hosts = renderHosts(f, plainColorizer, this.#opts.ipTranslation);
    const row = [this.#time(f.time)];
    if (this.#opts.printNodeName) row.push(sanitizeOpt(f.node_name));
    row.push(hosts.src, hosts.dst, eventTypeText(f), verdictText(f), summaryText(f, plainColorizer, true));
    this.#rows.push(row);
    return '';
  }

  status(ev: FlowEvent): string {
    return nodeStatusLine(ev, this.#time, this.#opts.debug);
  }

  /** Writes the buffered table once and clears the buffer. */
  footer(): string {
    const out = alignColumns(this.#rows);
    this.#rows.length = 0;
    return out;
  }
}
