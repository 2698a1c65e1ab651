import { describe, expect, it } from 'vitest';
import { buildDns, DnsParseError, dnsTypeName, parseDns } from './dns.js';

describe('parseDns', () => {
  it('parses a query: id, flags, question name with a trailing dot and qtype', () => {
    const m = parseDns(
      buildDns({ id: 0x1234, questions: [{ name: 'web.shop.svc.cluster.local', type: 1 }] }),
      0,
      44,
    );
    expect(m).toMatchObject({
      id: 0x1234,
      response: false,
      opcode: 0,
      rcode: 0,
      questions: [{ name: 'web.shop.svc.cluster.local.', type: 1 }],
      answers: [],
    });
  });

  it('parses an answer with a CNAME chain, A and AAAA records and TTLs (compressed owner names)', () => {
    const b = buildDns({
      id: 7,
      response: true,
      questions: [{ name: 'www.partner.test', type: 1 }],
      answers: [
        { name: 'www.partner.test', type: 5, ttl: 300, data: 'api.partner.test' },
        { name: 'api.partner.test', type: 1, ttl: 60, data: '10.244.1.20' },
        { name: 'api.partner.test', type: 28, ttl: 60, data: '2001:db8::20' },
      ],
    });
    const m = parseDns(b, 0, b.length);
    expect(m.response).toBe(true);
    expect(m.answers).toEqual([
      { name: 'www.partner.test.', type: 5, ttl: 300, data: 'api.partner.test.' },
      { name: 'api.partner.test.', type: 1, ttl: 60, data: '10.244.1.20' },
      { name: 'api.partner.test.', type: 28, ttl: 60, data: '2001:db8::20' },
    ]);
  });

  it.each([
    [3, 'NXDOMAIN'],
    [5, 'REFUSED'],
    [2, 'SERVFAIL'],
  ])('reads rcode %i (%s)', (rcode) => {
    const b = buildDns({ id: 1, response: true, rcode, questions: [{ name: 'example.com', type: 28 }] });
    expect(parseDns(b, 0, b.length).rcode).toBe(rcode);
  });

  it('parses a message at an offset inside a larger buffer', () => {
    const b = buildDns({ id: 9, questions: [{ name: 'a.b', type: 16 }] });
    const big = Buffer.concat([Buffer.alloc(30, 0xee), b, Buffer.alloc(10, 0xee)]);
    expect(parseDns(big, 30, b.length).questions).toEqual([{ name: 'a.b.', type: 16 }]);
  });

  it('keeps the complete answers of a message cut by the snap length', () => {
    const b = buildDns({
      id: 1,
      response: true,
      questions: [{ name: 'x.y', type: 1 }],
      answers: [
        { name: 'x.y', type: 1, ttl: 5, data: '1.2.3.4' },
        { name: 'x.y', type: 1, ttl: 5, data: '1.2.3.5' },
      ],
    });
    const m = parseDns(b, 0, b.length - 3);
    expect(m.answers.map((a) => a.data)).toEqual(['1.2.3.4']);
  });

  it.each([
    ['a short header', Buffer.alloc(5)],
    ['a question cut short', buildDns({ id: 1, questions: [{ name: 'abc.def', type: 1 }] }).subarray(0, 16)],
    [
      'a pointer loop',
      Buffer.from('0001010000010000000000000c000001 0001'.replace(/ /g, '').replace('0c00', 'c00c'), 'hex'),
    ],
  ])('rejects %s', (_n, b) => {
    expect(() => parseDns(b, 0, b.length)).toThrow(DnsParseError);
  });

  it('names RR types like miekg/dns', () => {
    expect([dnsTypeName(1), dnsTypeName(28), dnsTypeName(33), dnsTypeName(65), dnsTypeName(999)]).toEqual([
      'A',
      'AAAA',
      'SRV',
      'HTTPS',
      'TYPE999',
    ]);
  });
});
