/**
 * `-o dict`: one `KEY: value` block per flow, keys right-aligned to 11 characters, blocks
 * separated by a line of 12 dashes printed before every block but the first
 * (hubble-cli-observe.md §4.2). No identities, no arrow, no reply swapping, no Auth suffix.
 */
import type { FlowEvent } from '../../flow/index.js';
import { colorizer } from './color.js';
import { eventTypeText, verdictText } from './event-type.js';
import { renderHosts } from './hosts.js';
import { nodeStatusBlock } from './node-status.js';
import { sanitizeOpt } from './sanitize.js';
import { summaryText } from './summary.js';
import { createTimestampFormatter } from './time-format.js';
import type { Printer, PrinterOptions } from './types.js';

const SEPARATOR = '------------\n';

/** Streaming dict printer. */
export class DictPrinter implements Printer {
  readonly format = 'dict';
  readonly #opts: PrinterOptions;
  readonly #color;
  readonly #time;
  #flows = 0;

  constructor(opts: PrinterOptions) {
    this.#opts = opts;
    this.#color = colorizer(opts.color);
    this.#time = createTimestampFormatter(opts.timeFormat, opts.timeZone);
  }

  event(ev: FlowEvent): string {
    const f = ev.flow;
    if (f === undefined) return '';
    const c = this.#color;
    const hosts = renderHosts(f, c, this.#opts.ipTranslation);
    let out = this.#flows++ > 0 ? SEPARATOR : '';
    out += '  TIMESTAMP: ' + this.#time(f.time) + '\n';
    if (this.#opts.printNodeName) out += '       NODE: ' + sanitizeOpt(f.node_name) + '\n';
    return (
      out +
      '     SOURCE: ' +
      hosts.src +
      '\nDESTINATION: ' +
      hosts.dst +
      '\n       TYPE: ' +
      eventTypeText(f) +
      '\n    VERDICT: ' +
      c.verdict(verdictText(f)) +
      '\n    SUMMARY: ' +
      summaryText(f, c, false) +
      '\n'
    );
  }

  status(ev: FlowEvent): string {
    return nodeStatusBlock(ev, this.#time, this.#opts.debug);
  }

  footer(): string {
    return '';
  }
}
