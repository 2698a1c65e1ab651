/**
 * `--source simulator[:SCENARIO[,SCENARIO...]]`: plays scenarios against the wall clock (or
 * faster, with `speed`), all of them at once, each restarted when its duration is over when
 * `loop` is set (the demo). Events are batched every 50 ms or 2,000 events.
 */
import type { FlowEvent } from '../../flow/index.js';
import { listBuiltinScenarios, loadScenario, simulateLive, type Scenario } from '../../sim/index.js';
import { StatusTracker, type EmitFn, type FlowSource, type SourceStatus } from '../source.js';

/** Options of {@link SimulatorSource}. */
export interface SimulatorSourceOptions {
  /** Scenario names or paths; empty = every built-in scenario. */
  scenarios?: string[];
  /** Simulated seconds per wall-clock second (default 1). */
  speed?: number;
  /** Target flows per second per scenario. */
  rate?: number;
  /** Restart each scenario when its duration ends (default false: play each once). */
  loop?: boolean;
  /** Seed of the first round (incremented per loop round). */
  seed?: number;
  /** Most events per batch (default 2000) and longest batching delay (default 50 ms). */
  maxBatch?: number;
  maxDelayMs?: number;
}

/** The simulator as a source. */
export class SimulatorSource implements FlowSource {
  readonly kind = 'simulator';
  readonly name: string;
  private readonly st: StatusTracker;
  private readonly scenarios: { name: string; scenario: Scenario }[];
  /** Completed rounds per scenario. */
  readonly rounds = new Map<string, number>();

  constructor(private readonly opts: SimulatorSourceOptions = {}) {
    const names = opts.scenarios?.length ? opts.scenarios : listBuiltinScenarios().map((s) => s.name);
    if (names.length === 0)
      throw new Error('no simulator scenarios found (the built-in scenario folder is empty)');
    // Loading validates every scenario up front, so a typo fails at start, not later.
    this.scenarios = names.map((n) => ({ name: n, scenario: loadScenario(n) }));
    this.name = `simulator:${names.join(',')}`;
    this.st = new StatusTracker(this.name, this.kind);
  }

  /** The scenario names played. */
  get scenarioNames(): string[] {
    return this.scenarios.map((s) => s.name);
  }

  status(): SourceStatus {
    return this.st.snapshot();
  }

  async run(emit: EmitFn, signal: AbortSignal): Promise<void> {
    this.st.set('running', `playing ${this.scenarios.length} scenario(s) at ${this.opts.speed ?? 1}x`);
    await Promise.all(this.scenarios.map((s) => this.play(s.name, s.scenario, emit, signal)));
    this.st.set('ended', signal.aborted ? undefined : 'all scenarios finished');
  }

  private async play(name: string, scenario: Scenario, emit: EmitFn, signal: AbortSignal): Promise<void> {
    const maxBatch = this.opts.maxBatch ?? 2000;
    const maxDelay = this.opts.maxDelayMs ?? 50;
    let round = 0;
    do {
      let batch: FlowEvent[] = [];
      let batchStart = Date.now();
      const flush = async () => {
        if (batch.length === 0) return;
        const b = batch;
        batch = [];
        this.st.emitted(b);
        await emit(b);
      };
      try {
        const live = simulateLive(scenario, {
          speed: this.opts.speed ?? 1,
          rate: this.opts.rate,
          seed: (this.opts.seed ?? 1) + round,
          durationMs: this.opts.loop ? scenario.duration : undefined,
          signal,
          // Flush the pending batch before the simulator sleeps, so flows are not held back.
          sleep: async (ms, sig) => {
            await flush();
            batchStart = Date.now();
            await new Promise<void>((resolve) => {
              if (sig?.aborted) return resolve();
              const t = setTimeout(done, ms);
              function done() {
                clearTimeout(t);
                sig?.removeEventListener('abort', done);
                resolve();
              }
              sig?.addEventListener('abort', done, { once: true });
            });
          },
        });
        for await (const ev of live) {
          // Simulated events share frozen sub-objects: copy the top level so the pipeline can
          // stamp fields without touching the simulator's objects.
          batch.push({ ...ev });
          if (batch.length >= maxBatch || Date.now() - batchStart >= maxDelay) {
            await flush();
            batchStart = Date.now();
          }
        }
        await flush();
      } catch (err) {
        if (signal.aborted) return;
        this.st.set('error', `${name}: ${(err as Error).message}`);
        return;
      }
      round++;
      this.rounds.set(name, round);
    } while (this.opts.loop && !signal.aborted);
  }
}
