/**
 * The gRPC wire layer: protobuf binary codec for proto-JSON-shaped objects, gRPC framing, and
 * GetFlowsResponse helpers. Used by the Observer server, the relay and the hubble-grpc source.
 *
 * (It would sit best in src/flow next to the JSON codec; it lives here because that folder is
 * owned elsewhere. It imports only src/flow and src/gen, so it can move as it is.)
 */
export { ProtoWriter } from './proto-writer.js';
export { ProtoReader, ProtoDecodeError } from './proto-reader.js';
export {
  encoderOf,
  decoderOf,
  encodeMessage,
  decodeMessage,
  type BinaryEncoder,
  type BinaryDecoder,
} from './message-codec.js';
export { frame, beginFrame, endFrame, FrameDecoder, FramingError } from './framing.js';
export {
  writeEventFrame,
  writeEvent,
  decodeEventBytes,
  peekResponse,
  type ResponseKind,
  type ResponsePeek,
} from './events.js';
export { timestampParts, timestampText } from './timestamp.js';
