/**
 * The batching response writer of GetFlows: encodes events straight into one buffer as framed
 * GetFlowsResponse messages and hands the HTTP/2 stream chunks of about 64 KiB. A slow client
 * makes flush() wait (HTTP/2 flow control); it never makes the pipeline wait, because readers
 * pull from the ring at their own pace and see lost events when they fall behind.
 */
import type { FlowEvent } from '../../flow/index.js';
import type { ServerCall } from './grpc-server.js';
import type { FlowSink } from './observer-backend.js';
import type { EventMask } from './field-mask.js';
import { beginFrame, endFrame, ProtoWriter, writeEventFrame } from './wire/index.js';

/** Chunk size handed to the stream. */
const CHUNK = 64 * 1024;

/** A FlowSink writing to one gRPC call. */
export class GrpcFlowSink implements FlowSink {
  private readonly w = new ProtoWriter(CHUNK * 2);
  private blocked = false;
  sent = 0;

  constructor(
    private readonly call: ServerCall,
    private readonly mask?: EventMask,
  ) {}

  event(ev: FlowEvent): void {
    writeEventFrame(this.w, this.mask && ev.flow ? this.mask(ev) : ev);
    this.sent++;
    if (this.w.pos >= CHUNK) this.push();
  }

  raw(bytes: Uint8Array): void {
    const mark = beginFrame(this.w);
    this.w.raw(bytes);
    endFrame(this.w, mark);
    this.sent++;
    if (this.w.pos >= CHUNK) this.push();
  }

  get needsFlush(): boolean {
    return this.blocked || this.w.pos >= CHUNK;
  }

  async flush(): Promise<void> {
    if (this.w.pos > 0) this.push();
    if (this.blocked) {
      await this.call.ready();
      this.blocked = false;
    }
    if (this.call.signal.aborted) throw this.call.signal.reason;
  }

  private push(): void {
    const chunk = Buffer.from(this.w.buf.subarray(0, this.w.pos));
    this.w.reset();
    if (!this.call.write(chunk)) this.blocked = true;
  }
}
