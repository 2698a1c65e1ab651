/**
 * Kafka request and response headers, as far as they can be read from the first segment of a
 * message: api key and version, correlation id, client id, and the first topic of Produce
 * (v0–v8) and Fetch (v0–v11) requests. Responses carry only the correlation id (and, for
 * Produce v0–v8, the first partition's error code), so they are matched to requests by it.
 * Flexible versions (compact encodings) are recognised but their topics are not decoded.
 */

/** Kafka API key names as Cilium writes them in `l7.kafka.api_key`. */
export const KAFKA_API_KEYS: Record<number, string> = {
  0: 'produce', 1: 'fetch', 2: 'offsets', 3: 'metadata', 4: 'leaderandisr', 5: 'stopreplica', 6: 'updatemetadata',
  7: 'controlledshutdown', 8: 'offsetcommit', 9: 'offsetfetch', 10: 'findcoordinator', 11: 'joingroup', 12: 'heartbeat',
  13: 'leavegroup', 14: 'syncgroup', 15: 'describegroups', 16: 'listgroups', 17: 'saslhandshake', 18: 'apiversions',
  19: 'createtopics', 20: 'deletetopics', 21: 'deleterecords', 22: 'initproducerid', 23: 'offsetforleaderepoch',
  24: 'addpartitionstotxn', 25: 'addoffsetstotxn', 26: 'endtxn', 27: 'writetxnmarkers', 28: 'txnoffsetcommit',
  29: 'describeacls', 30: 'createacls', 31: 'deleteacls', 32: 'describeconfigs', 33: 'alterconfigs',
  34: 'alterreplicalogdirs', 35: 'describelogdirs', 36: 'saslauthenticate', 37: 'createpartitions',
  38: 'createdelegationtoken', 39: 'renewdelegationtoken', 40: 'expiredelegationtoken', 41: 'describedelegationtoken',
  42: 'deletegroups',
}; // prettier-ignore

/** A Kafka request header. */
export interface KafkaRequest {
  length: number;
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string;
  topic?: string;
}

/** A Kafka response header. */
export interface KafkaResponse {
  length: number;
  correlationId: number;
  errorCode: number;
}

/** Highest api key and version we accept, to tell Kafka from other binary protocols. */
const MAX_KEY = 74;
const MAX_VERSION = 20;

/** Parses a request header, or returns undefined when the bytes do not look like one. */
export function parseKafkaRequest(b: Buffer, off: number, len: number): KafkaRequest | undefined {
  if (len < 14) return undefined;
  const length = b.readInt32BE(off);
  const apiKey = b.readInt16BE(off + 4);
  const apiVersion = b.readInt16BE(off + 6);
  const correlationId = b.readInt32BE(off + 8);
  const clientLen = b.readInt16BE(off + 12);
  if (
    length < 10 ||
    length > 100 << 20 ||
    apiKey < 0 ||
    apiKey > MAX_KEY ||
    apiVersion < 0 ||
    apiVersion > MAX_VERSION
  )
    return undefined;
  if (clientLen < -1 || 14 + Math.max(0, clientLen) > len) return undefined;
  const clientId = clientLen > 0 ? b.toString('utf8', off + 14, off + 14 + clientLen) : '';
  if (!/^[\x20-\x7e]*$/.test(clientId)) return undefined;
  const req: KafkaRequest = { length, apiKey, apiVersion, correlationId, clientId };
  let p = off + 14 + Math.max(0, clientLen);
  const end = off + len;
  try {
    if (apiKey === 0 && apiVersion <= 8) {
      // Produce: [transactional_id (v3+)] acks int16, timeout int32, [topic_data: name string …]
      if (apiVersion >= 3) p += 2 + Math.max(0, b.readInt16BE(p));
      p += 2 + 4 + 4; // acks, timeout, array length
      req.topic = readString(b, p, end);
    } else if (apiKey === 1 && apiVersion <= 11) {
      // Fetch: replica_id, max_wait, min_bytes, [max_bytes v3+], [isolation v4+], [session v7+] then topics
      p += 4 + 4 + 4;
      if (apiVersion >= 3) p += 4;
      if (apiVersion >= 4) p += 1;
      if (apiVersion >= 7) p += 8;
      p += 4; // topics array length
      req.topic = readString(b, p, end);
    }
  } catch {
    // Topic beyond the captured bytes: keep the header.
  }
  return req;
}

/** Parses a response header (length + correlation id). */
export function parseKafkaResponse(
  b: Buffer,
  off: number,
  len: number,
  apiKey?: number,
  apiVersion?: number,
): KafkaResponse | undefined {
  if (len < 8) return undefined;
  const length = b.readInt32BE(off);
  if (length < 4 || length > 100 << 20) return undefined;
  const res: KafkaResponse = { length, correlationId: b.readInt32BE(off + 4), errorCode: 0 };
  if (apiKey === 0 && apiVersion !== undefined && apiVersion <= 8) {
    try {
      // Produce response: [responses: name string, [partitions: index int32, error_code int16 …]]
      let p = off + 8 + 4;
      const nameLen = b.readInt16BE(p);
      p += 2 + Math.max(0, nameLen) + 4 + 4;
      if (p + 2 <= off + len) res.errorCode = b.readInt16BE(p);
    } catch {
      // cut short
    }
  }
  return res;
}

function readString(b: Buffer, p: number, end: number): string | undefined {
  if (p + 2 > end) return undefined;
  const n = b.readInt16BE(p);
  if (n < 0 || p + 2 + n > end) return undefined;
  return b.toString('utf8', p + 2, p + 2 + n);
}
