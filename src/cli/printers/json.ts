/**
 * `-o jsonpb` and `-o json`/`JSON` (hubble-cli-observe.md §4.4): one GetFlowsResponse per
 * line, re-encoded by the flow codec (byte-identical to hubble for canonical input). Formatting
 * flags do not apply. With `legacyJson` (env `HUBBLE_COMPAT=legacy-json-output`) `-o json`
 * prints the bare Flow instead; `-o jsonpb` is unaffected. Node-status responses go to stderr
 * as JSON; lost events print nothing (v0.12.3).
 */
import { encodeEvent, encodeFlow, type FlowEvent, rawAsciiJson, rawJson } from '../../flow/index.js';
import { isShownNodeStatus } from './node-status.js';
import type { OutputFormat, Printer, PrinterOptions } from './types.js';

/** Streaming JSON printer for `json` and `jsonpb`. */
export class JsonPrinter implements Printer {
  readonly format: OutputFormat;
  readonly #bareFlow: boolean;
  readonly #debug: boolean;

  constructor(opts: PrinterOptions) {
    this.format = opts.format === 'json' ? 'json' : 'jsonpb';
    this.#bareFlow = opts.format === 'json' && opts.legacyJson;
    this.#debug = opts.debug;
  }

  event(ev: FlowEvent): string {
    const f = ev.flow;
    if (f === undefined) return '';
    if (this.#bareFlow) return encodeFlow(f) + '\n';
    // A line read verbatim from canonical input is what encodeEvent would produce: reuse it.
    return (rawJson(ev) ?? encodeEvent(ev)) + '\n';
  }

  asciiLine(ev: FlowEvent): string | undefined {
    return this.#bareFlow || ev.flow === undefined ? undefined : rawAsciiJson(ev);
  }

  status(ev: FlowEvent): string {
    const s = ev.node_status;
    if (s === undefined || ev.flow !== undefined || !isShownNodeStatus(s, this.#debug)) return '';
    return encodeEvent(ev) + '\n';
  }

  footer(): string {
    return '';
  }
}
