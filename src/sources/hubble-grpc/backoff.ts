/**
 * Exponential back-off with full jitter, for reconnecting to peers: 1 s, 2 s, 4 s ... capped
 * (default 30 s, hubble-relay's retry timeout), reset after a connection proved healthy.
 */

/** Options of {@link Backoff}. */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  /** Random source in [0, 1) (injectable for tests). */
  random?: () => number;
}

/** Computes successive delays. */
export class Backoff {
  private attempt = 0;
  private readonly initial: number;
  private readonly max: number;
  private readonly random: () => number;

  constructor(o: BackoffOptions = {}) {
    this.initial = o.initialMs ?? 1000;
    this.max = o.maxMs ?? 30_000;
    this.random = o.random ?? Math.random;
  }

  /** The next delay: a random value in [cap/2, cap] where cap doubles per attempt. */
  next(): number {
    const cap = Math.min(this.max, this.initial * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.round(cap / 2 + (this.random() * cap) / 2);
  }

  /** Starts over (after a healthy connection). */
  reset(): void {
    this.attempt = 0;
  }

  /** Failed attempts since the last reset. */
  get failures(): number {
    return this.attempt;
  }
}
