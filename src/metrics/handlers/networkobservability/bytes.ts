/** Packet size of a flow, when its producer recorded one. */
import type { Flow } from '../../../flow/index.js';

/**
 * Bytes of the packet a flow describes. Hubble flows carry no size; Retina's packetparser puts
 * it in the flow's extensions (`RetinaMetadata.bytes`), which proto-JSON writes as
 * `"extensions": {"@type": "...RetinaMetadata", "bytes": 1514, ...}`. Returns 0 when unknown.
 */
export function flowBytes(flow: Flow): number {
  const ext = flow.extensions;
  if (ext === undefined) return 0;
  const b = (ext as { bytes?: unknown }).bytes;
  const n = typeof b === 'number' ? b : typeof b === 'string' ? Number(b) : 0;
  return Number.isFinite(n) && n > 0 ? n : 0;
}
