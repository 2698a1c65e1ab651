/**
 * Events per second over a sliding window of one-second buckets (default 60 s), as
 * ServerStatus.flows_rate reports it.
 */
export class RateMeter {
  private readonly buckets: Float64Array;
  private readonly stamps: Float64Array;
  private readonly start: number;

  constructor(
    private readonly windowSeconds = 60,
    private readonly now: () => number = Date.now,
  ) {
    this.buckets = new Float64Array(windowSeconds);
    this.stamps = new Float64Array(windowSeconds).fill(-1);
    this.start = now();
  }

  /** Counts n events now. */
  add(n: number): void {
    const sec = Math.floor(this.now() / 1000);
    const i = sec % this.windowSeconds;
    if (this.stamps[i] !== sec) {
      this.stamps[i] = sec;
      this.buckets[i] = 0;
    }
    this.buckets[i] += n;
  }

  /** Mean rate over the window (or since start when younger than the window). */
  perSecond(): number {
    const nowMs = this.now();
    const sec = Math.floor(nowMs / 1000);
    let total = 0;
    for (let i = 0; i < this.windowSeconds; i++) {
      if (this.stamps[i] > sec - this.windowSeconds) total += this.buckets[i];
    }
    const span = Math.min(this.windowSeconds, Math.max(1, (nowMs - this.start) / 1000));
    return total / span;
  }
}
