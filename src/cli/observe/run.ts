/**
 * The `flowlens observe` run loop, a thin I/O adapter around the pure parts: command line →
 * request (request.ts) → open inputs → compile filters → read batches → time window →
 * filters → selection (first / last ring / all) → printer → buffered stdout.
 *
 * Errors are one bare line on stderr and exit status 1, as hubble prints them. Skipped input
 * lines are warned about and counted but never fail the run (exit 0 when the input was read).
 */
import type { Readable } from 'node:stream';
import { formatTime, type FlowEvent } from '../../flow/index.js';
import { compileFilters, compileLinePrefilter, FilterError, type FlowPredicate } from '../../filter/index.js';
import { FlowLogError, readFlowLog, type FlowLogReader, type ReadStats } from '../../sources/jsonl/index.js';
import { createPrinter, defaultPrinterOptions, resolveColor, type Printer } from '../printers/index.js';
import { FlowlensCliError } from './errors.js';
import { liveAddress, liveClientOptions } from './live-client.js';
import { renderObserveHelp } from './help.js';
import { BufferedWriter, type TextSink } from './output.js';
import { observeFlagTable, parseObserveArgs, type LiveTarget, type ObserveRun } from './request.js';
import { RingBuffer, selectionMode, timeWindow } from './selection.js';
import { FlowStats } from './stats.js';

/** A writable stream as the command sees it. */
export type ObserveStream = TextSink & { isTTY?: boolean };

/** The process around the command (injected so tests can capture everything). */
export interface ObserveIO {
  stdout: ObserveStream;
  stderr: ObserveStream;
  /** Stream read for `--input-file -` (default process.stdin). */
  stdin?: Readable;
  env: Readonly<Record<string, string | undefined>>;
  /** Wall clock, epoch milliseconds. */
  now: () => number;
  /**
   * Live mode asks for this when it starts: a signal that ends a `--follow` stream (the process
   * wires it to SIGINT and SIGTERM). Without it, a stream ends only with the server.
   */
  interrupt?: () => AbortSignal;
}

/**
 * Runs `flowlens observe` with the arguments after `observe` and resolves to the exit status.
 *
 * @example
 * const code = await runObserve(['--input-file', 'flows.json', '--all'], {
 *   stdout: process.stdout, stderr: process.stderr, env: process.env, now: Date.now,
 * });
 */
export async function runObserve(argv: readonly string[], io: ObserveIO): Promise<number> {
  const out = new BufferedWriter(io.stdout, undefined, { bytes: true });
  const err = new BufferedWriter(io.stderr, 64 * 1024);
  try {
    const inv = parseObserveArgs(argv, { nowMs: io.now(), env: io.env });
    if (inv.kind === 'help') out.write(renderObserveHelp(observeFlagTable().flags, inv.subcommand));
    else if (inv.kind === 'print-raw-filters') out.write(inv.text);
    else if (inv.live) await runLive(inv, inv.live, io, out, err);
    else await runFlows(inv, io, out, err);
    return 0;
  } catch (e) {
    // Every failure is one bare line, as hubble prints it.
    const msg = e instanceof Error ? e.message : String(e);
    err.write(msg.split('\n')[0] + '\n');
    return 1;
  } finally {
    await out.finish();
    await err.finish();
  }
}

/** Compiles the filter lists; a FilterError is kept to be reported after the inputs open. */
function compile(run: ObserveRun): {
  predicate?: FlowPredicate;
  prefilter?: (line: string) => boolean;
  error?: FlowlensCliError;
} {
  const { whitelist, blacklist } = run.request;
  // No filters: everything passes, and no line is worth pre-testing.
  if (whitelist.length === 0 && blacklist.length === 0) return { predicate: () => true };
  try {
    return {
      predicate: compileFilters(whitelist, blacklist),
      prefilter: compileLinePrefilter(whitelist, blacklist),
    };
  } catch (e) {
    if (e instanceof FilterError) return { error: new FlowlensCliError('FILTER', e.message, { cause: e }) };
    throw e;
  }
}

function makePrinter(run: ObserveRun, io: ObserveIO): Printer {
  return createPrinter({
    ...defaultPrinterOptions,
    format: run.format,
    printNodeName: run.printNodeName,
    timeFormat: run.timeFormat,
    color: resolveColor(run.color, {
      isTTY: io.stdout.isTTY === true,
      noColor: io.env.NO_COLOR,
      term: io.env.TERM,
    }),
    ipTranslation: run.ipTranslation,
    legacyJson: run.legacyJson,
    debug: run.debug,
  });
}

async function openInputs(
  run: ObserveRun,
  io: ObserveIO,
  err: BufferedWriter,
  prefilter?: (line: string, plain: boolean) => boolean,
): Promise<FlowLogReader> {
  try {
    return await readFlowLog(run.inputFiles, {
      prefilter,
      // -o json can reuse canonical input lines verbatim instead of re-encoding them.
      keepRaw: run.format === 'json' || run.format === 'jsonpb',
      onWarning: (msg) => err.write(`warning: ${msg}\n`),
      progress: io.stderr.isTTY === true,
      stdin: io.stdin,
    });
  } catch (e) {
    if (e instanceof FlowLogError) throw new FlowlensCliError('INPUT', e.message, { cause: e });
    throw e;
  }
}

/** Prints one event (or counts it for --stats); node status records go to stderr. */
function eventWriter(
  run: ObserveRun,
  printer: Printer,
  out: BufferedWriter,
  err: BufferedWriter,
  stats: FlowStats | undefined,
): (ev: FlowEvent) => void {
  const asciiLine = printer.asciiLine?.bind(printer);
  return (ev) => {
    if (stats) return stats.add(ev);
    const line = asciiLine?.(ev);
    if (line !== undefined) out.writeAsciiLine(line);
    else {
      const text = printer.event(ev);
      if (text !== '') out.write(text);
    }
    if (!run.silentErrors && ev.node_status !== undefined) {
      const status = printer.status(ev);
      if (status !== '') err.write(status);
    }
  };
}

/** What follows the flows: the --stats tables, or the printer's footer (the table output). */
function closingText(run: ObserveRun, printer: Printer, stats: FlowStats | undefined): string {
  if (!stats) return printer.footer();
  return run.format === 'json' || run.format === 'jsonpb' ? stats.renderJson() : stats.renderText();
}

/** Reads, selects and prints; throws FlowlensCliError for input/filter errors. */
async function runFlows(
  run: ObserveRun,
  io: ObserveIO,
  out: BufferedWriter,
  err: BufferedWriter,
): Promise<void> {
  // hubble's order: open the input, compile allow then deny, check --last, read.
  const compiled = compile(run);
  const reader = await openInputs(run, io, err, compiled.prefilter);
  if (compiled.error) throw compiled.error;
  const predicate = compiled.predicate!;
  const mode = selectionMode(run.request);
  const inWindow = timeWindow(run.request);
  const printer = makePrinter(run, io);
  const stats = run.stats ? new FlowStats() : undefined;
  const ring = mode.kind === 'last' ? new RingBuffer<FlowEvent>(mode.n) : undefined;
  const limit = mode.kind === 'first' ? mode.n : Infinity;
  let matched = 0;
  let emitted = 0;
  const write = eventWriter(run, printer, out, err, stats);
  const emit = (ev: FlowEvent): void => {
    emitted++;
    write(ev);
  };

  let readError: unknown;
  try {
    read: for await (const batch of reader) {
      for (const ev of batch) {
        if (inWindow !== undefined && !inWindow(ev)) continue;
        if (!predicate(ev)) continue;
        matched++;
        if (ring) {
          ring.push(ev);
          continue;
        }
        emit(ev);
        if (emitted >= limit) break read;
      }
      await out.flush();
      await err.flush();
      if (out.closed) break;
    }
  } catch (e) {
    readError = e;
  }
  // hubble never flushes the --last ring when reading fails; the table is written regardless.
  if (ring && readError === undefined) {
    for (const ev of ring.toArray()) {
      emit(ev);
      if (out.due) await out.flush();
    }
  }
  out.write(closingText(run, printer, stats));
  if (readError !== undefined) {
    throw new FlowlensCliError('INPUT', readError instanceof Error ? readError.message : String(readError), {
      cause: readError,
    });
  }
  if (out.error)
    throw new FlowlensCliError('INPUT', `write error: ${out.error.message}`, { cause: out.error });
  if (!out.closed) {
    const summary = summaryLine(reader.stats, matched, emitted);
    if (summary.skipped || io.stderr.isTTY === true) err.write(summary.text);
  }
}

/**
 * Live mode: GetFlows on a Hubble server (a Hubble agent or Relay, or `flowlens serve`), which
 * applies the filters, the time window and the selection; every response is printed as it
 * arrives, with the same printers as flow logs. `--follow` runs until the server ends the
 * stream or the process is interrupted.
 */
async function runLive(
  run: ObserveRun,
  target: LiveTarget,
  io: ObserveIO,
  out: BufferedWriter,
  err: BufferedWriter,
): Promise<void> {
  const r = run.request;
  // Loaded here: a run over flow logs does not pay for the gRPC client's modules.
  const { GrpcError, ObserverClient } = await import('../../server/grpc/index.js');
  const client = new ObserverClient(liveAddress(target), await liveClientOptions(target));
  const printer = makePrinter(run, io);
  const stats = run.stats ? new FlowStats() : undefined;
  const write = eventWriter(run, printer, out, err, stats);
  const signal = r.follow ? io.interrupt?.() : undefined;
  try {
    const batches = client.getFlows(
      {
        number: r.number,
        first: r.first,
        follow: r.follow,
        whitelist: r.whitelist,
        blacklist: r.blacklist,
        since: r.since ? formatTime(r.since) : undefined,
        until: r.until ? formatTime(r.until) : undefined,
        experimentalFieldMask: target.fieldMask,
      },
      { signal },
    );
    for await (const batch of batches) {
      for (const ev of batch) write(ev);
      await out.flush();
      await err.flush();
      if (out.closed) break;
    }
  } catch (e) {
    if (!signal?.aborted) {
      const why = e instanceof GrpcError ? `${e.codeName}: ${e.message}` : (e as Error).message;
      throw new FlowlensCliError('INPUT', `failed to get flows from '${target.server}': ${why}`, {
        cause: e,
      });
    }
  } finally {
    client.close();
  }
  out.write(closingText(run, printer, stats));
  if (out.error)
    throw new FlowlensCliError('INPUT', `write error: ${out.error.message}`, { cause: out.error });
}

/** `flowlens: read 1000 lines, 998 flows, matched 12, skipped 2 invalid`. */
export function summaryLine(
  s: ReadStats,
  matched: number,
  printed: number,
): { text: string; skipped: boolean } {
  let text = `flowlens: read ${s.lines} lines, ${s.events} flows, matched ${matched}`;
  if (printed !== matched) text += `, selected ${printed}`;
  const skips: string[] = [];
  if (s.invalid > 0) skips.push(`${s.invalid} invalid`);
  if (s.tooLong > 0) skips.push(`${s.tooLong} too long`);
  if (s.blank > 0) skips.push(`${s.blank} blank`);
  if (skips.length > 0) text += ', skipped ' + skips.join(', ');
  return { text: text + '\n', skipped: skips.length > 0 };
}
