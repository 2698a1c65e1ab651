/**
 * DNS message parsing (RFC 1035 with name compression) for the agent: header flags, questions
 * and the answer section, with A/AAAA addresses, CNAME/PTR/NS targets and TTLs. Enough to fill
 * Hubble's `l7.dns` record; other sections (authority, additional) are skipped.
 */
import { ipv6Text } from './packet.js';

/** A question. */
export interface DnsQuestion {
  /** Name with a trailing dot, as Hubble writes it (`web.shop.svc.cluster.local.`). */
  name: string;
  type: number;
}

/** An answer record. */
export interface DnsAnswer {
  name: string;
  type: number;
  ttl: number;
  /** A/AAAA: the address; CNAME/PTR/NS/DNAME: the target name with a trailing dot; else ''. */
  data: string;
}

/** A parsed DNS message. */
export interface DnsMessage {
  id: number;
  response: boolean;
  opcode: number;
  rcode: number;
  truncated: boolean;
  questions: DnsQuestion[];
  answers: DnsAnswer[];
}

/** DNS parse failure (counted by the agent as a parse failure). */
export class DnsParseError extends Error {
  readonly code = 'DNS_PARSE';
  constructor(message: string) {
    super(message);
    this.name = 'DnsParseError';
  }
}

/** RR type names as Hubble (miekg/dns) writes them in `qtypes`/`rrtypes`. */
export const DNS_TYPES: Record<number, string> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 13: 'HINFO', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 35: 'NAPTR',
  39: 'DNAME', 41: 'OPT', 43: 'DS', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 50: 'NSEC3', 64: 'SVCB', 65: 'HTTPS', 99: 'SPF',
  252: 'AXFR', 255: 'ANY', 257: 'CAA',
}; // prettier-ignore

/** The name of an RR type (`TYPE<n>` when unnamed, as miekg/dns does). */
export function dnsTypeName(t: number): string {
  return DNS_TYPES[t] ?? `TYPE${t}`;
}

/** RCODE descriptions used in Hubble's DNS Summary (`DNS Answer RCode: Non-Existent Domain …`). */
export const RCODE_TEXT: Record<number, string> = {
  0: 'No Error', 1: 'Format Error', 2: 'Server Failure', 3: 'Non-Existent Domain', 4: 'Not Implemented', 5: 'Query Refused',
  6: 'Name Exists when it should not', 7: 'RR Set Exists when it should not', 8: 'RR Set that should exist does not',
  9: 'Server Not Authoritative for zone', 10: 'Name not contained in zone', 16: 'Bad OPT Version', 17: 'Key not recognized',
  18: 'Signature out of time window', 19: 'Bad TKEY Mode', 20: 'Duplicate key name', 21: 'Algorithm not supported',
  22: 'Bad Truncation', 23: 'Bad/missing Server Cookie',
}; // prettier-ignore

/** Short RCODE names (NOERROR, NXDOMAIN, …), as dig prints them. */
export const RCODE_NAMES: Record<number, string> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
};

const MAX_RECORDS = 256;

/**
 * Parses one DNS message from `buf[off .. off+len)`. Throws DnsParseError on malformed input.
 * A message cut short by the capture's snap length keeps what was complete (answers may be
 * missing) unless even the header or the first question is cut.
 */
export function parseDns(buf: Buffer, off: number, len: number): DnsMessage {
  const end = off + len;
  if (len < 12) throw new DnsParseError(`message of ${len} bytes is shorter than a DNS header`);
  const flags = buf.readUInt16BE(off + 2);
  const qd = buf.readUInt16BE(off + 4);
  const an = buf.readUInt16BE(off + 6);
  const msg: DnsMessage = {
    id: buf.readUInt16BE(off),
    response: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    rcode: flags & 0xf,
    truncated: (flags & 0x0200) !== 0,
    questions: [],
    answers: [],
  };
  if (qd > MAX_RECORDS || an > MAX_RECORDS)
    throw new DnsParseError(`implausible record counts (${qd} questions, ${an} answers)`);
  let p = off + 12;
  for (let i = 0; i < qd; i++) {
    const n = readName(buf, off, p, end);
    p = n.next;
    if (p + 4 > end) throw new DnsParseError('question cut short');
    msg.questions.push({ name: n.name, type: buf.readUInt16BE(p) });
    p += 4;
  }
  for (let i = 0; i < an; i++) {
    if (p >= end) break; // cut by the snap length: keep the complete ones
    let n: { name: string; next: number };
    try {
      n = readName(buf, off, p, end);
    } catch {
      break;
    }
    p = n.next;
    if (p + 10 > end) break;
    const type = buf.readUInt16BE(p);
    const ttl = buf.readUInt32BE(p + 4);
    const rdlen = buf.readUInt16BE(p + 8);
    p += 10;
    if (p + rdlen > end) break;
    let data = '';
    if (type === 1 && rdlen === 4) data = `${buf[p]}.${buf[p + 1]}.${buf[p + 2]}.${buf[p + 3]}`;
    else if (type === 28 && rdlen === 16) data = ipv6Text(buf.toString('hex', p, p + 16));
    else if (type === 5 || type === 12 || type === 2 || type === 39) data = readName(buf, off, p, end).name;
    msg.answers.push({ name: n.name, type, ttl, data });
    p += rdlen;
  }
  return msg;
}

/** Reads a possibly compressed name at `p`; `base` is the message start for pointers. */
function readName(buf: Buffer, base: number, p: number, msgEnd: number): { name: string; next: number } {
  let name = '';
  let next = -1;
  let jumps = 0;
  for (;;) {
    if (p >= msgEnd) throw new DnsParseError('name runs past the message');
    const l = buf[p];
    if (l === 0) {
      if (next < 0) next = p + 1;
      break;
    }
    if ((l & 0xc0) === 0xc0) {
      if (p + 1 >= msgEnd) throw new DnsParseError('compression pointer cut short');
      if (next < 0) next = p + 2;
      if (++jumps > 32) throw new DnsParseError('compression pointer loop');
      p = base + (((l & 0x3f) << 8) | buf[p + 1]);
      continue;
    }
    if ((l & 0xc0) !== 0) throw new DnsParseError(`bad label type 0x${l.toString(16)}`);
    if (p + 1 + l > msgEnd) throw new DnsParseError('label runs past the message');
    name += buf.toString('latin1', p + 1, p + 1 + l) + '.';
    if (name.length > 255) throw new DnsParseError('name longer than 255 bytes');
    p += 1 + l;
  }
  return { name: name === '' ? '.' : name, next };
}

/** Builds a DNS message (for tests and the bench): questions and A/AAAA/CNAME answers. */
export function buildDns(m: {
  id: number;
  response?: boolean;
  rcode?: number;
  questions: Array<{ name: string; type: number }>;
  answers?: Array<{ name: string; type: number; ttl: number; data: string }>;
}): Buffer {
  const parts: Buffer[] = [];
  const h = Buffer.alloc(12);
  h.writeUInt16BE(m.id, 0);
  h.writeUInt16BE((m.response ? 0x8180 : 0x0100) | (m.rcode ?? 0), 2);
  h.writeUInt16BE(m.questions.length, 4);
  h.writeUInt16BE(m.answers?.length ?? 0, 6);
  parts.push(h);
  const name = (n: string) => {
    const labels = n
      .replace(/\.$/, '')
      .split('.')
      .filter((x) => x !== '');
    return Buffer.concat([
      ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')])),
      Buffer.from([0]),
    ]);
  };
  for (const q of m.questions) {
    const t = Buffer.alloc(4);
    t.writeUInt16BE(q.type, 0);
    t.writeUInt16BE(1, 2);
    parts.push(name(q.name), t);
  }
  for (const a of m.answers ?? []) {
    let rdata: Buffer;
    if (a.type === 1) rdata = Buffer.from(a.data.split('.').map(Number));
    else if (a.type === 28) rdata = ipv6Bytes(a.data);
    else rdata = name(a.data);
    const t = Buffer.alloc(10);
    t.writeUInt16BE(a.type, 0);
    t.writeUInt16BE(1, 2);
    t.writeUInt32BE(a.ttl, 4);
    t.writeUInt16BE(rdata.length, 8);
    // The answer's owner name as a compression pointer to the first question when equal.
    const owner = m.questions[0] && a.name === m.questions[0].name ? Buffer.from([0xc0, 12]) : name(a.name);
    parts.push(owner, t, rdata);
  }
  return Buffer.concat(parts);
}

function ipv6Bytes(s: string): Buffer {
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}
