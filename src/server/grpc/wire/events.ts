/**
 * GetFlowsResponse on the wire: FlowEvent <-> protobuf bytes, and a cheap peek at a response's
 * kind and time for the relay's merge (which forwards peers' bytes without decoding flows).
 */
import type { FlowEvent } from '../../../flow/index.js';
import { GetFlowsResponseSchema } from '../../../gen/observer/observer_pb.js';
import { beginFrame, endFrame } from './framing.js';
import { decoderOf, encoderOf } from './message-codec.js';
import { ProtoReader } from './proto-reader.js';
import type { ProtoWriter } from './proto-writer.js';

const encodeResponse = encoderOf(GetFlowsResponseSchema);
const decodeResponse = decoderOf(GetFlowsResponseSchema);

/** Appends one framed GetFlowsResponse for `ev` to the writer. */
export function writeEventFrame(w: ProtoWriter, ev: FlowEvent): void {
  const mark = beginFrame(w);
  encodeResponse(w, ev as Record<string, unknown>);
  endFrame(w, mark);
}

/** Appends the body (unframed) of a GetFlowsResponse. */
export function writeEvent(w: ProtoWriter, ev: FlowEvent): void {
  encodeResponse(w, ev as Record<string, unknown>);
}

/** Decodes a GetFlowsResponse into the in-memory FlowEvent shape. */
export function decodeEventBytes(bytes: Uint8Array): FlowEvent {
  return decodeResponse(new ProtoReader(bytes), bytes.length) as FlowEvent;
}

/** Which member of `response_types` a response carries. */
export type ResponseKind = 'flow' | 'node_status' | 'lost_events' | 'none';

/** The kind and wrapper time of a response, read without decoding its payload. */
export interface ResponsePeek {
  kind: ResponseKind;
  /** Wrapper time as seconds and nanos (0/0 when absent). */
  seconds: number;
  nanos: number;
  nodeName: string;
}

/** Reads a response's top-level fields only (payload bytes are skipped). */
export function peekResponse(bytes: Uint8Array): ResponsePeek {
  const r = new ProtoReader(bytes);
  const out: ResponsePeek = { kind: 'none', seconds: 0, nanos: 0, nodeName: '' };
  while (r.more()) {
    const t = r.uint32();
    switch (t) {
      case 10:
        out.kind = 'flow';
        r.skip(2);
        break;
      case 18:
        out.kind = 'node_status';
        r.skip(2);
        break;
      case 26:
        out.kind = 'lost_events';
        r.skip(2);
        break;
      case (1000 << 3) | 2:
        out.nodeName = r.string();
        break;
      case (1001 << 3) | 2: {
        const end = r.delimited();
        while (r.pos < end) {
          const t2 = r.uint32();
          if (t2 === 8) out.seconds = r.int64Number();
          else if (t2 === 16) out.nanos = r.int32();
          else r.skip(t2 & 7);
        }
        r.pos = end;
        break;
      }
      default:
        r.skip(t & 7);
    }
  }
  return out;
}
