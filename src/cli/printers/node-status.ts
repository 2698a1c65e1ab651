/**
 * Node-status responses of a GetFlows stream (relay), which hubble writes to **stderr**
 * (hubble-cli-observe.md §4.5). Without `--debug` only NODE_ERROR and NODE_UNAVAILABLE show.
 * Lost events print nothing in v0.12.3.
 */
import type { FlowEvent, NodeStatusEvent } from '../../flow/index.js';
import { enumText } from './event-type.js';
import { goQuote } from '../../filter/go-text.js';
import { sanitize, sanitizeOpt } from './sanitize.js';
import type { TimestampFormatter } from './time-format.js';

/** Node names are listed while the running total of (byte length + 2) stays within this. */
const NODE_NAMES_CUTOFF = 50;

function byteLength(s: string): number {
  // ASCII fast path; Go's len() counts UTF-8 bytes.
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s, 'utf8');
  return s.length;
}

/**
 * Joins node names with `, `, cut after the names whose cumulative (length + 2) fits in 50
 * bytes (the first name is always kept), followed by ` (and K more)`.
 *
 * @example joinNodeNames(['a', 'b']) === 'a, b'
 */
export function joinNodeNames(names: readonly string[]): string {
  let total = 0;
  let out = '';
  let n = 0;
  for (const name of names) {
    total += byteLength(name) + 2;
    if (n > 0 && total > NODE_NAMES_CUTOFF) break;
    out += (n > 0 ? ', ' : '') + sanitize(name);
    n++;
  }
  return n < names.length ? out + ' (and ' + (names.length - n) + ' more)' : out;
}

/** Whether a node-status event is shown (errors/unavailability always, the rest in debug). */
export function isShownNodeStatus(s: NodeStatusEvent, debug: boolean): boolean {
  const state = enumText(s.state_change, 'UNKNOWN_NODE_STATE');
  return debug || state === 'NODE_ERROR' || state === 'NODE_UNAVAILABLE';
}

function message(s: NodeStatusEvent): string | undefined {
  const names = s.node_names ?? [];
  const list = names.length + ' nodes';
  const joined = joinNodeNames(names);
  switch (enumText(s.state_change, 'UNKNOWN_NODE_STATE')) {
    case 'NODE_CONNECTED':
      return 'Receiving flows from ' + list + ': ' + joined;
    case 'NODE_UNAVAILABLE':
      return list + ' are unavailable: ' + joined;
    case 'NODE_GONE':
      return list + ' removed from cluster: ' + joined;
    case 'NODE_ERROR':
      return 'Error ' + goQuote(s.message ?? '') + ' on ' + list + ': ' + joined;
    default:
      return undefined;
  }
}

/**
 * compact/table form: `<TIME> [<wrapper node_name>]: <message>\n` (the wrapper `time`, not a
 * flow time); `''` when the event is not a shown node status.
 */
export function nodeStatusLine(ev: FlowEvent, time: TimestampFormatter, debug: boolean): string {
  const s = ev.node_status;
  if (s === undefined || ev.flow !== undefined || !isShownNodeStatus(s, debug)) return '';
  const msg = message(s);
  if (msg === undefined) return '';
  return time(ev.time) + ' [' + sanitizeOpt(ev.node_name) + ']: ' + msg + '\n';
}

/** dict form: a TIMESTAMP/STATE/NODES/MESSAGE block (message Go-quoted, `N/A` when empty). */
export function nodeStatusBlock(ev: FlowEvent, time: TimestampFormatter, debug: boolean): string {
  const s = ev.node_status;
  if (s === undefined || ev.flow !== undefined || !isShownNodeStatus(s, debug)) return '';
  const msg = s.message ? goQuote(s.message) : 'N/A';
  return (
    '  TIMESTAMP: ' +
    time(ev.time) +
    '\n      STATE: ' +
    enumText(s.state_change, 'UNKNOWN_NODE_STATE') +
    '\n      NODES: ' +
    joinNodeNames(s.node_names ?? []) +
    '\n    MESSAGE: ' +
    msg +
    '\n'
  );
}
