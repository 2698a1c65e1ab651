/**
 * From the command line to what `observe` will do, exactly as hubble v0.12.3 decides it:
 * pure (the clock and environment are inputs), so every flag combination is table-testable.
 *
 * Order of checks (first error wins): flag parsing including filter values and conflicts →
 * trailing `--not` → output format / table with follow / field mask → selector conflicts →
 * `--since` → `--until` → `--allowlist`/`--denylist` JSON → (`--print-raw-filters` stops here)
 * → input: the flow logs of `--input-file`, or else the server of `--server` (live mode).
 */
import type { TimeParts } from '../../flow/index.js';
import type { FlowFilter } from '../../filter/index.js';
import {
  builtinPrinters,
  parseTimeFormat,
  PrinterRegistry,
  type OutputFormat,
  type TimeFormat,
} from '../printers/index.js';
import { FlowlensCliError } from './errors.js';
import { FlagParseError, parseFlags } from './flag-parser.js';
import {
  createObserveFlags,
  defaultObserveFlagValues,
  type ObserveFlag,
  type ObserveFlagValues,
} from './flags.js';
import { liveTarget } from './live-client.js';
import { decodeRawFilters, renderRawFilters } from './raw-filters.js';
import { parseTimeArg, timestampProblem } from './time-arg.js';

/** hubble's `GetFlowsRequest` as the CLI builds it (field mask and extensions aside). */
export interface ObserveRequest {
  /** Allowlist (hubble: `whitelist`): flag-built filters, then `--allowlist` ones. */
  whitelist: FlowFilter[];
  /** Denylist (hubble: `blacklist`). */
  blacklist: FlowFilter[];
  /** How many flows: the last N, or the first N with `first`; 0 = all; 2^64-1 with `--all`. */
  number: bigint;
  first: boolean;
  follow: boolean;
  /** Inclusive lower bound on the response (wrapper) time. */
  since?: TimeParts;
  /** Inclusive upper bound (never set with `--follow`). */
  until?: TimeParts;
}

/** `--all`: hubble's alias for last = uint64 max. */
export const ALL_FLOWS = (1n << 64n) - 1n;
/** hubble's default number of flows (`defaults.FlowPrintCount`). */
export const DEFAULT_FLOW_COUNT = 20n;

/** What the command line asks for. */
export type ObserveInvocation =
  | { kind: 'help'; subcommand: ObserveSubcommand }
  | { kind: 'print-raw-filters'; text: string; request: ObserveRequest }
  | ({ kind: 'run' } & ObserveRun);

/** `observe` or its alias `observe flows`. */
export type ObserveSubcommand = 'observe' | 'flows';

/** A Hubble server to ask (live mode: no `--input-file`), with hubble's `--tls-*` flag values. */
export interface LiveTarget extends Pick<
  ObserveFlagValues,
  'tlsAllowInsecure' | 'tlsCaCertFiles' | 'tlsClientCertFile' | 'tlsClientKeyFile' | 'tlsServerName'
> {
  /** `--server` (or HUBBLE_SERVER), default `localhost:4245`; `tls://` and `unix://` forms too. */
  server: string;
  /** `--tls`, a `tls://` address, or a client certificate. */
  tls: boolean;
  /** `--timeout`: dialing timeout in milliseconds. */
  timeoutMs: number;
  /** `--experimental-field-mask` paths. */
  fieldMask: string[];
  /**
   * `--basic-auth-username`/`--basic-auth-password`, sent over TLS only, as hubble does
   * (`flowlens serve --auth-token T` takes T as the password).
   */
  basicAuth?: { username: string; password: string };
}

/** Everything the run loop needs. */
export interface ObserveRun {
  subcommand: ObserveSubcommand;
  request: ObserveRequest;
  inputFiles: string[];
  /** Set when no input file is given: the flows come from this server's GetFlows. */
  live?: LiveTarget;
  format: OutputFormat;
  printNodeName: boolean;
  timeFormat: TimeFormat;
  /** The `--color` value, resolved against the terminal by the caller. */
  color: string;
  ipTranslation: boolean;
  legacyJson: boolean;
  debug: boolean;
  silentErrors: boolean;
  stats: boolean;
}

/** Inputs from outside the command line. */
export interface ObserveContext {
  /** Wall clock in epoch milliseconds (relative `--since`/`--until`). */
  nowMs: number;
  /** Environment (HUBBLE_ALLOWLIST, HUBBLE_DENYLIST, HUBBLE_COMPAT). */
  env: Readonly<Record<string, string | undefined>>;
}

const registry = new PrinterRegistry(builtinPrinters);

/** The flag table (with fresh values), for help rendering and parsing. */
export function observeFlagTable(): { values: ObserveFlagValues; flags: ObserveFlag[] } {
  const values = defaultObserveFlagValues();
  return { values, flags: createObserveFlags(values) };
}

/**
 * Parses the arguments after `observe`. Throws FlowlensCliError('FLAG') with pflag's message.
 * The first positional argument `flows` selects the `observe flows` alias.
 */
export function parseObserveFlags(argv: readonly string[]): {
  values: ObserveFlagValues;
  subcommand: ObserveSubcommand;
} {
  const { values, flags } = observeFlagTable();
  let positional: string[];
  try {
    positional = parseFlags(argv, flags);
  } catch (err) {
    if (err instanceof FlagParseError) throw new FlowlensCliError('FLAG', err.message, { cause: err });
    throw err;
  }
  const sub = positional[0];
  if (sub === 'agent-events' || sub === 'debug-events') {
    throw new FlowlensCliError(
      'UNSUPPORTED',
      `flowlens observe ${sub} is not supported: flow logs hold flows only`,
    );
  }
  // Like cobra, other positional arguments are ignored.
  return { values, subcommand: sub === 'flows' ? 'flows' : 'observe' };
}

function usage(message: string): FlowlensCliError {
  return new FlowlensCliError('USAGE', message);
}

function checkFormat(values: ObserveFlagValues): OutputFormat {
  let format: OutputFormat;
  try {
    format = registry.resolve(values.output);
  } catch {
    throw usage(`invalid output format: ${values.output}`);
  }
  if (format === 'table' && values.follow)
    throw usage('table output format is not compatible with follow mode');
  if (values.fieldMask.length > 0 && format !== 'json' && format !== 'jsonpb') {
    throw usage(`${values.output} output format is not compatible with custom field mask`);
  }
  return format;
}

function parseBound(which: 'since' | 'until', input: string, nowMs: number): TimeParts {
  let t: TimeParts;
  try {
    t = parseTimeArg(input, nowMs);
  } catch (err) {
    throw usage(`failed to parse the ${which} time: ${(err as Error).message}`);
  }
  const problem = timestampProblem(t);
  if (problem) throw usage(`failed to convert \`${which}\` timestamp to proto: ${problem}`);
  return t;
}

/** Selector flags → number/first/follow/since/until (spec §1 rules, in hubble's order). */
function buildSelectors(
  values: ObserveFlagValues,
  ctx: ObserveContext,
): Omit<ObserveRequest, 'whitelist' | 'blacklist'> {
  const first = values.first > 0n;
  const last = values.last > 0n;
  if (first && last) throw usage('cannot set both --first and --last');
  if (first && values.all) throw usage('cannot set both --first and --all');
  if (first && values.follow) throw usage('cannot set both --first and --follow');
  if (last && values.all) throw usage('cannot set both --last and --all');
  const since = values.since !== '' ? parseBound('since', values.since, ctx.nowMs) : undefined;
  const until =
    values.until !== '' && !values.follow ? parseBound('until', values.until, ctx.nowMs) : undefined;
  let number = values.last;
  if (since === undefined && until === undefined && !first) {
    // flowlens --stats counts the whole input unless a selector says otherwise.
    const statsAll = values.stats && !last && !values.follow && values.since === '' && values.until === '';
    if (values.all || statsAll) number = ALL_FLOWS;
    else if (!last && !values.follow) number = DEFAULT_FLOW_COUNT;
  }
  if (first) number = values.first;
  const req: Omit<ObserveRequest, 'whitelist' | 'blacklist'> = { number, first, follow: values.follow };
  if (since) req.since = since;
  if (until) req.until = until;
  return req;
}

/** viper reads a string-slice setting from the environment split at white space. */
function envList(env: ObserveContext['env'], name: string): string[] {
  const v = env[name];
  return v === undefined ? [] : v.split(/\s+/).filter((s) => s !== '');
}

function hasCompat(env: ObserveContext['env'], option: string): boolean {
  return (env.HUBBLE_COMPAT ?? '').split(',').some((s) => s.trim().toLowerCase() === option);
}

/**
 * Builds the request from parsed flag values (everything after flag parsing up to and
 * including the raw filters). Throws FlowlensCliError with hubble's message.
 */
export function buildObserveRequest(values: ObserveFlagValues, ctx: ObserveContext): ObserveRequest {
  const selectors = buildSelectors(values, ctx);
  // flowlens honours --allowlist/--denylist on `observe` too (hubble v0.12.3 only on `observe flows`).
  const allow = decodeRaw(values.allowlist ?? envList(ctx.env, 'HUBBLE_ALLOWLIST'), 'allowlist');
  const deny = decodeRaw(values.denylist ?? envList(ctx.env, 'HUBBLE_DENYLIST'), 'denylist');
  return {
    whitelist: [...values.filters.allowlist(), ...allow],
    blacklist: [...values.filters.denylist(), ...deny],
    ...selectors,
  };
}

function decodeRaw(list: string[], flag: 'allowlist' | 'denylist'): FlowFilter[] {
  try {
    return decodeRawFilters(list, flag);
  } catch (err) {
    throw new FlowlensCliError('RAW_FILTER', (err as Error).message, { cause: err });
  }
}

/**
 * The whole command line of `flowlens observe` → what to do, or a FlowlensCliError whose
 * message is hubble's.
 *
 * @example
 * parseObserveArgs(['--input-file', 'f.jsonl', '-n', 'shop'], { nowMs: Date.now(), env: {} })
 * // { kind: 'run', request: { whitelist: [{source_pod:['shop/']}, {destination_pod:['shop/']}], number: 20n, ... }, ... }
 */
export function parseObserveArgs(argv: readonly string[], ctx: ObserveContext): ObserveInvocation {
  const { values, subcommand } = parseObserveFlags(argv);
  if (values.help) return { kind: 'help', subcommand };
  if (values.filters.trailingNot) throw usage('trailing --not found in the arguments');
  const format = checkFormat(values);
  const request = buildObserveRequest(values, ctx);
  if (values.printRawFilters) {
    return {
      kind: 'print-raw-filters',
      text: renderRawFilters(request.whitelist, request.blacklist),
      request,
    };
  }
  const live =
    values.inputFiles.length === 0
      ? liveTarget(
          { ...values, server: values.serverSet ? values.server : undefined, timeoutNs: values.timeout },
          ctx.env,
          values.fieldMask,
        )
      : undefined;
  return {
    kind: 'run',
    subcommand,
    request,
    inputFiles: values.inputFiles,
    ...(live ? { live } : {}),
    format,
    printNodeName: values.printNodeName,
    timeFormat: parseTimeFormat(values.timeFormat),
    color: values.color,
    ipTranslation: values.ipTranslation && !values.numeric,
    legacyJson: hasCompat(ctx.env, 'legacy-json-output'),
    debug: values.debug,
    silentErrors: values.silentErrors,
    stats: values.stats,
  };
}
