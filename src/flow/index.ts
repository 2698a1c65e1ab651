/** The Flow model: types, JSON codec, time helpers and enum tables. */
export * from './types.js';
export * from './time.js';
export {
  FlowDecodeError,
  decodeEvent,
  decodeFlow,
  decodeFilter,
  encodeEvent,
  encodeFlow,
  encodeFilter,
  encodeLostEvent,
  enumNumber,
  quoteJson,
  type DecodeContext,
  type JsonSchemaMode,
} from './json-codec.js';
export { setRawJson, rawJson, clearRawJson, isCanonicalJsonText } from './raw-json.js';
