/**
 * The live table's bounded buffer: a ring of the newest flow events with honest counters of
 * what arrived, what the ring evicted and what the server reported lost. Pure (no DOM).
 */
import type { FlowEvent } from '../../flow/types';

export class FlowBuffer {
  readonly capacity: number;
  #ring: FlowEvent[];
  #seq: number[];
  #head = 0;
  #size = 0;
  /** Flow events received since the last clear. */
  received = 0;
  /** Events pushed out of the ring by newer ones. */
  evicted = 0;
  /** Events the server said were lost (LostEvent / `lost` stream events). */
  lost = 0;
  /** Bumped on every change; React re-renders when it moves. */
  version = 0;

  constructor(capacity = 50_000) {
    this.capacity = capacity;
    this.#ring = new Array<FlowEvent>(capacity);
    this.#seq = new Array<number>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Appends events (oldest first). */
  push(events: readonly FlowEvent[]): void {
    for (const ev of events) {
      const idx = (this.#head + this.#size) % this.capacity;
      if (this.#size === this.capacity) {
        this.#head = (this.#head + 1) % this.capacity;
        this.evicted++;
      } else this.#size++;
      this.#ring[idx] = ev;
      this.#seq[idx] = this.received++;
    }
    if (events.length) this.version++;
  }

  /** The i-th newest event (0 = newest) and its arrival number. */
  newest(i: number): { ev: FlowEvent; seq: number } | undefined {
    if (i < 0 || i >= this.#size) return undefined;
    const idx = (this.#head + this.#size - 1 - i) % this.capacity;
    return { ev: this.#ring[idx], seq: this.#seq[idx] };
  }

  /** All events, oldest first. */
  toArray(): FlowEvent[] {
    const out: FlowEvent[] = [];
    for (let i = 0; i < this.#size; i++) out.push(this.#ring[(this.#head + i) % this.capacity]);
    return out;
  }

  /** Adds server-reported losses. */
  addLost(n: number): void {
    this.lost += n;
    this.version++;
  }

  clear(): void {
    this.#head = 0;
    this.#size = 0;
    this.received = 0;
    this.evicted = 0;
    this.lost = 0;
    this.version++;
  }
}
