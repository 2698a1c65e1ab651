import { describe, expect, it } from 'vitest';
import { parseKafkaRequest, parseKafkaResponse } from './kafka.js';

function str(s: string): Buffer {
  const b = Buffer.alloc(2 + s.length);
  b.writeInt16BE(s.length);
  b.write(s, 2);
  return b;
}
function i32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
function i16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}
function frame(body: Buffer): Buffer {
  return Buffer.concat([i32(body.length), body]);
}

describe('Kafka headers', () => {
  it('reads a Produce v2 request header and its first topic', () => {
    const body = Buffer.concat([
      i16(0),
      i16(2),
      i32(42),
      str('orders-svc'),
      i16(1),
      i32(1000),
      i32(1),
      str('orders'),
    ]);
    expect(parseKafkaRequest(frame(body), 0, body.length + 4)).toEqual({
      length: body.length,
      apiKey: 0,
      apiVersion: 2,
      correlationId: 42,
      clientId: 'orders-svc',
      topic: 'orders',
    });
  });

  it('reads a Fetch v4 request topic', () => {
    const body = Buffer.concat([
      i16(1),
      i16(4),
      i32(7),
      str('c'),
      i32(-1),
      i32(500),
      i32(1),
      i32(1 << 20),
      Buffer.from([0]),
      i32(1),
      str('payments'),
    ]);
    expect(parseKafkaRequest(frame(body), 0, body.length + 4)?.topic).toBe('payments');
  });

  it('rejects bytes that are not a Kafka request (HTTP, an unknown api key)', () => {
    const http = Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(parseKafkaRequest(http, 0, http.length)).toBeUndefined();
    const body = Buffer.concat([i16(900), i16(0), i32(1), str('x')]);
    expect(parseKafkaRequest(frame(body), 0, body.length + 4)).toBeUndefined();
  });

  it('reads a Produce response error code', () => {
    const body = Buffer.concat([i32(42), i32(1), str('orders'), i32(1), i32(0), i16(6)]);
    expect(parseKafkaResponse(frame(body), 0, body.length + 4, 0, 2)).toEqual({
      length: body.length,
      correlationId: 42,
      errorCode: 6,
    });
  });
});
