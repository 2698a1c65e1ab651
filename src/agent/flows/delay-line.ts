/**
 * A short, time-ordered holding area for flows before they are emitted.
 *
 * Why: a bridge capture sees a packet when it enters the bridge, before netfilter's FORWARD
 * chain drops it. Without a delay, every packet dropped by a policy would first appear as a
 * FORWARDED trace and then as a DROPPED flow. The NFLOG record of the drop arrives within
 * milliseconds, so holding traces for a short window lets the drop replace its trace. The
 * holding also merges flows from several captures (bridge, NFLOG, kernel drops) in time order.
 */
import type { FlowEvent } from '../../flow/index.js';

interface Entry {
  ms: number;
  /** Direction-specific 5-tuple key of a trace that a drop may replace ('' for others). */
  key: string;
  ev: FlowEvent;
  suppressed: boolean;
}

/** The delay line. */
export class DelayLine {
  private entries: Entry[] = [];
  private head = 0;
  /** Recent drops by key, so a trace arriving after its drop is suppressed too. */
  private readonly drops = new Map<string, number>();
  /** Traces replaced by drops. */
  suppressed = 0;

  constructor(
    readonly windowMs: number,
    private readonly out: (ev: FlowEvent) => void,
  ) {}

  /** Adds an event stamped `ms` (epoch ms); `key` marks a trace a drop may replace. */
  add(ms: number, ev: FlowEvent, key = ''): void {
    const e: Entry = { ms, key, ev, suppressed: false };
    if (key !== '' && this.drops.size > 0) {
      // The drop may have been reported first: the two captures are separate pipes.
      const d = this.drops.get(key);
      if (d !== undefined && Math.abs(d - ms) <= this.windowMs) {
        e.suppressed = true;
        this.suppressed++;
      }
    }
    const a = this.entries;
    let i = a.length;
    // Nearly always appended; walk back over the few later entries otherwise.
    while (i > this.head && a[i - 1].ms > ms) i--;
    if (i === a.length) a.push(e);
    else a.splice(i, 0, e);
  }

  /** Suppresses held traces with `key` stamped within the window around `ms`; returns how many. */
  suppress(key: string, ms: number): number {
    this.drops.set(key, ms);
    let n = 0;
    const a = this.entries;
    for (let i = a.length - 1; i >= this.head; i--) {
      const e = a[i];
      if (e.ms < ms - this.windowMs) break;
      if (!e.suppressed && e.key === key && e.ms <= ms + this.windowMs) {
        e.suppressed = true;
        n++;
      }
    }
    this.suppressed += n;
    return n;
  }

  /** Emits everything stamped before `nowMs - windowMs` (everything when `all`). */
  flush(nowMs: number, all = false): void {
    const limit = nowMs - this.windowMs;
    const a = this.entries;
    while (this.head < a.length && (all || a[this.head].ms <= limit)) {
      const e = a[this.head++];
      if (!e.suppressed) this.out(e.ev);
    }
    if (this.drops.size > 0)
      for (const [k, ms] of this.drops) if (ms < limit - this.windowMs) this.drops.delete(k);
    if (this.head > 4096 && this.head * 2 > a.length) {
      this.entries = a.slice(this.head);
      this.head = 0;
    }
  }

  /** Events held. */
  get size(): number {
    return this.entries.length - this.head;
  }
}
