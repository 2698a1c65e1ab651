/**
 * `flowlens agent` as a flow source: the agent's captures feed the same pipeline as every
 * other source, so `flowlens agent --serve` offers serve's gRPC, HTTP, UI and /metrics, and a
 * relay can fan in agents like Hubble peers. The source owns the agent's lifetime: run() starts
 * the captures and stops them when the signal aborts.
 *
 * @example
 * const source = new AgentSource({ nodeName: 'node-1', interfaces: ['cni0'], nflogGroups: [5] });
 * await startLocalServer(cfg, io, { sources: [source] });
 */
import { Agent, type AgentOptions } from '../../agent/index.js';
import type { FlowEvent } from '../../flow/index.js';
import { StatusTracker, type EmitFn, type FlowSource, type SourceStatus } from '../source.js';

/** A FlowSource running an Agent. */
export class AgentSource implements FlowSource {
  readonly kind = 'agent';
  readonly name: string;
  readonly agent: Agent;
  private readonly st: StatusTracker;

  /** `tap` sees every batch before the pipeline (e.g. to also write a flow log). */
  constructor(
    options: Partial<AgentOptions> | Agent,
    private readonly tap?: (batch: FlowEvent[]) => Promise<void>,
  ) {
    this.agent = options instanceof Agent ? options : new Agent(options);
    const s = this.agent.stats();
    this.name = `agent:${s.nodeName}`;
    this.st = new StatusTracker(this.name, this.kind);
  }

  status(): SourceStatus {
    const s = this.st.snapshot();
    const a = this.agent.stats();
    s.lost = a.losses.kernelCaptureDrops + a.losses.queueOverflow + a.losses.traceOverruns;
    s.node = { name: a.nodeName, address: 'local' };
    return s;
  }

  async run(emit: EmitFn, signal: AbortSignal): Promise<void> {
    this.st.set('running');
    try {
      await this.agent.run(async (batch) => {
        this.st.emitted(batch);
        if (this.tap) await this.tap(batch);
        await emit(batch);
      }, signal);
      this.st.set('ended', signal.aborted ? 'stopped' : 'end of input');
    } catch (err) {
      this.st.set('error', (err as Error).message);
    }
  }
}
