/**
 * Offline selection, as hubble's `--input-file` reader does it (spec §6): per response, the
 * wrapper time must lie within `--since`/`--until` (both inclusive; no time = 1970), then the
 * filters must pass; `--first N` emits the first N and stops, `--last N` keeps the last N in
 * a ring and emits them at the end, everything else streams.
 */
import { parseTime, type FlowEvent, type TimeParts } from '../../flow/index.js';
import { FlowlensCliError } from './errors.js';
import { ALL_FLOWS, type ObserveRequest } from './request.js';
import { compareParts } from './time-arg.js';

/** hubble's cap on the `--last` ring when reading a file. */
export const MAX_LAST = 1_000_000n;

/** How matching responses are selected. */
export type SelectionMode = { kind: 'all' } | { kind: 'first'; n: number } | { kind: 'last'; n: number };

/**
 * The selection for a request. Throws FlowlensCliError for `--last` above 1,000,000
 * (`--last must be <= 1_000_000, got N`).
 */
export function selectionMode(req: ObserveRequest): SelectionMode {
  const n = req.number;
  if (n === 0n || n === ALL_FLOWS) return { kind: 'all' };
  if (req.first) return { kind: 'first', n: Number(n) };
  if (n > MAX_LAST) throw new FlowlensCliError('USAGE', `--last must be <= 1_000_000, got ${n}`);
  return { kind: 'last', n: Number(n) };
}

const EPOCH: TimeParts = { seconds: 0, nanos: 0 };

/** The wrapper time of a response (1970-01-01 when absent or unparsable, as in hubble). */
export function responseTime(ev: FlowEvent): TimeParts {
  return (ev.time !== undefined ? parseTime(ev.time) : undefined) ?? EPOCH;
}

/** A test for the `--since`/`--until` window, or undefined when there is none. */
export function timeWindow(
  req: Pick<ObserveRequest, 'since' | 'until'>,
): ((ev: FlowEvent) => boolean) | undefined {
  const { since, until } = req;
  if (since === undefined && until === undefined) return undefined;
  return (ev) => {
    const t = responseTime(ev);
    if (since !== undefined && compareParts(t, since) < 0) return false;
    if (until !== undefined && compareParts(t, until) > 0) return false;
    return true;
  };
}

/** A fixed-capacity FIFO keeping the most recent items (memory bounded by the capacity). */
export class RingBuffer<T> {
  readonly #items: T[] = [];
  #next = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`invalid ring capacity ${capacity}`);
  }

  /** Number of items held. */
  get size(): number {
    return this.#items.length;
  }

  /** Adds an item, evicting the oldest when full. */
  push(item: T): void {
    if (this.#items.length < this.capacity) {
      this.#items.push(item);
      return;
    }
    this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.capacity;
  }

  /** The items, oldest first. */
  toArray(): T[] {
    return [...this.#items.slice(this.#next), ...this.#items.slice(0, this.#next)];
  }
}
