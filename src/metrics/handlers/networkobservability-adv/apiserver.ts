/**
 * Node ↔ API server latency from flows: a packet to `reserved:kube-apiserver` waits for the
 * first reply on the same connection; SYN → SYN-ACK is the TCP handshake. Requests left
 * without a reply for `timeoutMs` of flow time count as "no response". Bounded like the DNS
 * pairing (oldest evicted, counted as no response).
 */
import type { Flow } from '../../../flow/index.js';
import { timeMillis } from '../../../flow/index.js';
import { isForwardedOrRedirected } from '../../flow-fields.js';

const APISERVER = 'reserved:kube-apiserver';

interface Pending {
  ms: number;
  syn: boolean;
}

/** Callbacks for the three outcomes. */
export interface ApiserverSink {
  latency(ms: number, flow: Flow): void;
  handshake(ms: number, flow: Flow): void;
  noResponse(): void;
}

/** Tracks packets to and replies from the API server. */
export class ApiserverTracker {
  private readonly pending = new Map<string, Pending>();
  private latest = -Infinity;

  constructor(
    private readonly sink: ApiserverSink,
    private readonly timeoutMs = 5000,
    private readonly maxPending = 16384,
  ) {}

  /** Offers one flow. */
  observe(flow: Flow): void {
    const tcp = flow.l4?.TCP;
    if (tcp === undefined || !isForwardedOrRedirected(flow)) return;
    const toApi = flow.destination?.labels?.includes(APISERVER) === true && flow.is_reply !== true;
    const fromApi = !toApi && flow.source?.labels?.includes(APISERVER) === true && flow.is_reply === true;
    if (!toApi && !fromApi) return;
    const ms = timeMillis(flow.time);
    if (!Number.isFinite(ms)) return;
    if (ms > this.latest) this.latest = ms;
    const ip = flow.IP;
    if (toApi) {
      const key = `${ip?.source}|${tcp.source_port}|${ip?.destination}|${tcp.destination_port}`;
      if (this.pending.has(key)) return; // wait for the reply to the first unanswered packet
      if (this.pending.size >= this.maxPending) {
        const first = this.pending.keys().next().value as string;
        this.pending.delete(first);
        this.sink.noResponse();
      }
      this.pending.set(key, { ms, syn: tcp.flags?.SYN === true && tcp.flags.ACK !== true });
      return;
    }
    const key = `${ip?.destination}|${tcp.destination_port}|${ip?.source}|${tcp.source_port}`;
    const p = this.pending.get(key);
    if (p === undefined || ms < p.ms) return;
    this.pending.delete(key);
    this.sink.latency(ms - p.ms, flow);
    if (p.syn && tcp.flags?.SYN === true && tcp.flags.ACK === true) this.sink.handshake(ms - p.ms, flow);
  }

  /** Expires unanswered packets. */
  tick(): void {
    const limit = this.latest - this.timeoutMs;
    for (const [k, p] of this.pending) {
      if (p.ms >= limit) break;
      this.pending.delete(k);
      this.sink.noResponse();
    }
  }
}
