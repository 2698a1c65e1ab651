/**
 * `-o compact` (the default): one line per flow (hubble-cli-observe.md §4.1):
 * `<TIME>[ [<NODE>]]: <SRC> <SRC-ID> <ARROW> <DST> <DST-ID> <TYPE> <VERDICT> (<SUMMARY>)`.
 */
import type { FlowEvent } from '../../flow/index.js';
import { colorizer } from './color.js';
import { eventTypeText, identityText, verdictText } from './event-type.js';
import { renderHosts } from './hosts.js';
import { nodeStatusLine } from './node-status.js';
import { sanitizeOpt } from './sanitize.js';
import { summaryText } from './summary.js';
import { createTimestampFormatter } from './time-format.js';
import type { Printer, PrinterOptions } from './types.js';

/** Streaming compact printer; each `event` returns one complete line (or `''`). */
export class CompactPrinter implements Printer {
  readonly format = 'compact';
  readonly #opts: PrinterOptions;
  readonly #color;
  readonly #time;

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
    let src = hosts.src + ' ' + c.identity(identityText(f.source?.identity));
    let dst = hosts.dst + ' ' + c.identity(identityText(f.destination?.identity));
    let arrow = '<>';
    if (f.is_reply === false) {
      arrow = '->';
    } else if (f.is_reply === true) {
      // Replies are printed with the packet's destination (the original client) on the left.
      arrow = '<-';
      const t = src;
      src = dst;
      dst = t;
    }
    let line = this.#time(f.time);
    if (this.#opts.printNodeName) line += ' [' + sanitizeOpt(f.node_name) + ']';
    return (
      line +
      ': ' +
      src +
      ' ' +
      arrow +
      ' ' +
      dst +
      ' ' +
      eventTypeText(f) +
      ' ' +
      c.verdict(verdictText(f)) +
      ' (' +
      summaryText(f, c, true) +
      ')\n'
    );
  }

  status(ev: FlowEvent): string {
    return nodeStatusLine(ev, this.#time, this.#opts.debug);
  }

  footer(): string {
    return '';
  }
}
