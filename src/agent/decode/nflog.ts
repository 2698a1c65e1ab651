/**
 * LINKTYPE_NFLOG (239) records, as `tcpdump -i nflog:N` writes them: a 4-byte header (family,
 * version, group) then TLVs whose length and type are in the capturing host's byte order
 * (little-endian on x86 and arm64) while values are in network order. The prefix names the
 * policy that logged the packet; the payload is the IP packet itself.
 */

/** TLV types (enum nfulnl_attr_type). */
export const NflogAttr = {
  PACKET_HDR: 1,
  MARK: 2,
  TIMESTAMP: 3,
  IFINDEX_INDEV: 4,
  IFINDEX_OUTDEV: 5,
  PHYSINDEV: 6,
  PHYSOUTDEV: 7,
  HWADDR: 8,
  PAYLOAD: 9,
  PREFIX: 10,
  UID: 11,
  SEQ: 12,
  SEQ_GLOBAL: 13,
  GID: 14,
  HWTYPE: 15,
  HWHEADER: 16,
  HWLEN: 17,
} as const;

/** Netfilter hooks (NF_INET_*). */
export const NF_HOOKS = ['PRE_ROUTING', 'LOCAL_IN', 'FORWARD', 'LOCAL_OUT', 'POST_ROUTING'] as const;

/** One NFLOG record. */
export interface NflogRecord {
  family: number;
  group: number;
  hwProtocol?: number;
  hook?: number;
  prefix: string;
  indev?: number;
  outdev?: number;
  physindev?: number;
  physoutdev?: number;
  /** Seconds and microseconds, when the kernel stamped the packet. */
  tsSec?: number;
  tsUsec?: number;
  /** Offset and length of the IP packet in the buffer given to parseNflog. */
  payloadOff: number;
  payloadLen: number;
}

/** Parses one NFLOG record at `b[off .. off+len)`; undefined when malformed. */
export function parseNflog(
  b: Buffer,
  off: number,
  len: number,
  littleEndian = true,
): NflogRecord | undefined {
  if (len < 4) return undefined;
  const end = off + len;
  const rec: NflogRecord = {
    family: b[off],
    group: b.readUInt16BE(off + 2),
    prefix: '',
    payloadOff: 0,
    payloadLen: 0,
  };
  let p = off + 4;
  while (p + 4 <= end) {
    const tlen = littleEndian ? b.readUInt16LE(p) : b.readUInt16BE(p);
    const type = (littleEndian ? b.readUInt16LE(p + 2) : b.readUInt16BE(p + 2)) & 0x7fff;
    if (tlen < 4 || p + tlen > end) return undefined;
    const v = p + 4;
    const vlen = tlen - 4;
    switch (type) {
      case NflogAttr.PACKET_HDR:
        if (vlen >= 3) {
          rec.hwProtocol = b.readUInt16BE(v);
          rec.hook = b[v + 2];
        }
        break;
      case NflogAttr.PREFIX: {
        const z = b.indexOf(0, v);
        rec.prefix = b.toString('utf8', v, z >= v && z < v + vlen ? z : v + vlen);
        break;
      }
      case NflogAttr.IFINDEX_INDEV:
        if (vlen >= 4) rec.indev = b.readUInt32BE(v);
        break;
      case NflogAttr.IFINDEX_OUTDEV:
        if (vlen >= 4) rec.outdev = b.readUInt32BE(v);
        break;
      case NflogAttr.PHYSINDEV:
        if (vlen >= 4) rec.physindev = b.readUInt32BE(v);
        break;
      case NflogAttr.PHYSOUTDEV:
        if (vlen >= 4) rec.physoutdev = b.readUInt32BE(v);
        break;
      case NflogAttr.TIMESTAMP:
        if (vlen >= 16) {
          rec.tsSec = Number(b.readBigUInt64BE(v));
          rec.tsUsec = Number(b.readBigUInt64BE(v + 8));
        }
        break;
      case NflogAttr.PAYLOAD:
        rec.payloadOff = v;
        rec.payloadLen = vlen;
        break;
    }
    p += (tlen + 3) & ~3;
  }
  return rec;
}

/** A policy named by an NFLOG prefix. */
export interface PrefixPolicy {
  action: string;
  /** 'ingress', 'egress' or undefined when the prefix does not say. */
  direction?: 'ingress' | 'egress';
  policies: Array<{ namespace: string; name: string }>;
}

/**
 * Reads the policy out of a prefix. Accepted forms (the lab's translator writes the first):
 *   `deny:in:shop/backend-ingress`, `deny:eg:shop/a,shop/b`, `deny:shop/backend-ingress`,
 *   `deny:ingress:shop/x`. Anything else gives the whole prefix as the policy name.
 */
export function parsePolicyPrefix(prefix: string): PrefixPolicy {
  const parts = prefix.trim().split(':');
  const action = parts.length > 1 ? parts[0] : 'deny';
  let rest = parts.length > 1 ? parts.slice(1) : parts;
  let direction: PrefixPolicy['direction'];
  if (rest.length > 1) {
    const d = rest[0].toLowerCase();
    if (d === 'in' || d === 'ingress') direction = 'ingress';
    else if (d === 'eg' || d === 'egress' || d === 'out') direction = 'egress';
    rest = rest.slice(1);
  }
  const policies = rest
    .join(':')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const i = s.indexOf('/');
      return i > 0 ? { namespace: s.slice(0, i), name: s.slice(i + 1) } : { namespace: '', name: s };
    });
  return { action, direction, policies };
}

/** Builds an NFLOG record (little-endian TLV headers) around an IP packet; for tests and the bench. */
export function buildNflog(o: {
  group: number;
  prefix: string;
  payload: Buffer;
  hook?: number;
  physindev?: number;
  physoutdev?: number;
}): Buffer {
  const tlvs: Buffer[] = [];
  const tlv = (type: number, value: Buffer) => {
    const len = 4 + value.length;
    const b = Buffer.alloc((len + 3) & ~3);
    b.writeUInt16LE(len, 0);
    b.writeUInt16LE(type, 2);
    value.copy(b, 4);
    tlvs.push(b);
  };
  const hdr = Buffer.alloc(4);
  hdr.writeUInt16BE(0x0800, 0);
  hdr[2] = o.hook ?? 2;
  tlv(NflogAttr.PACKET_HDR, hdr);
  tlv(NflogAttr.PREFIX, Buffer.from(o.prefix + '\0'));
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  if (o.physindev !== undefined) tlv(NflogAttr.PHYSINDEV, u32(o.physindev));
  if (o.physoutdev !== undefined) tlv(NflogAttr.PHYSOUTDEV, u32(o.physoutdev));
  tlv(NflogAttr.PAYLOAD, o.payload);
  const head = Buffer.from([2, 0, 0, 0]);
  head.writeUInt16BE(o.group, 2);
  return Buffer.concat([head, ...tlvs]);
}
