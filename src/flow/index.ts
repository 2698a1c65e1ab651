/** The Flow model: types, JSON codec, time helpers and enum tables. */
export * from './types.js';
export * from './time.js';
export {
  FlowDecodeError,
  decodeEvent,
  decodeFlow,
  decodeFilter,
  isCanonicalEvent,
  isSharedEndpoint,
  encodeEvent,
  encodeFlow,
  encodeFilter,
  encodeLostEvent,
  enumNumber,
  quoteJson,
  type DecodeContext,
  type JsonSchemaMode,
} from './json-codec.js';
export {
  setRawJson,
  rawJson,
  rawAsciiJson,
  clearRawJson,
  isCanonicalJsonText,
  hasCanonicalChars,
  hasCanonicalEscapes,
  hasCanonicalSpacing,
  canonicalEscapeLength,
  GO_ESCAPED_CHARS,
} from './raw-json.js';
export { FlowLineParser, type LineParserOptions, type LineParserStats } from './line-parser.js';
