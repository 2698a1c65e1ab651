import { describe, expect, it } from 'vitest';
import { HttpStreamParser, type HttpRequestHead, type HttpResponseHead } from './http.js';

function parsers() {
  const reqs: HttpRequestHead[] = [];
  const ress: HttpResponseHead[] = [];
  const errors: string[] = [];
  const req = new HttpStreamParser('request', {
    onRequest: (h) => reqs.push(h),
    onError: (e) => errors.push(e),
  });
  const res = new HttpStreamParser('response', {
    onResponse: (h) => ress.push(h),
    onError: (e) => errors.push(e),
  });
  return { req, res, reqs, ress, errors };
}

const feed = (p: HttpStreamParser, seq: number, s: string, wire = Buffer.byteLength(s, 'latin1')) => {
  const b = Buffer.from(s, 'latin1');
  p.push(seq, b, 0, b.length, wire);
  return seq + wire;
};

describe('HttpStreamParser', () => {
  it('parses keep-alive requests with bodies and responses in order', () => {
    const { req, res, reqs, ress } = parsers();
    const s = feed(req, 1000, 'POST /api/items?x=1 HTTP/1.1\r\nHost: web\r\nContent-Length: 5\r\n\r\nhello');
    feed(req, s, 'GET /ok HTTP/1.1\r\nHost: web\r\n\r\n');
    res.pendingMethods.push('POST', 'GET');
    feed(
      res,
      1,
      'HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nyes',
    );
    expect(reqs.map((r) => [r.method, r.target, r.protocol])).toEqual([
      ['POST', '/api/items?x=1', 'HTTP/1.1'],
      ['GET', '/ok', 'HTTP/1.1'],
    ]);
    expect(reqs[0].headers).toContainEqual({ key: 'Host', value: 'web' });
    expect(ress.map((r) => r.code)).toEqual([201, 200]);
  });

  it('follows a head split across segments', () => {
    const { req, reqs } = parsers();
    let s = feed(req, 0, 'GET /split HTTP/1.1\r\nHo');
    s = feed(req, s, 'st: a\r\n\r');
    feed(req, s, '\n');
    expect(reqs.map((r) => r.target)).toEqual(['/split']);
  });

  it('skips chunked bodies, including the last chunk and trailers', () => {
    const { res, ress } = parsers();
    res.pendingMethods.push('GET', 'GET');
    const s = feed(
      res,
      0,
      'HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nboom\r\n0\r\n\r\n',
    );
    feed(res, s, 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    expect(ress.map((r) => r.code)).toEqual([500, 404]);
  });

  it('counts body bytes with the wire length when the capture was cut by the snap length', () => {
    const { res, ress } = parsers();
    res.pendingMethods.push('GET', 'GET');
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n\r\n';
    const b = Buffer.from(head + 'x'.repeat(100), 'latin1');
    res.push(0, b, 0, b.length, head.length + 3000); // 3000-byte body, only 100 bytes captured
    feed(res, head.length + 3000, 'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
    expect(ress.map((r) => r.code)).toEqual([200, 503]);
  });

  it('ignores retransmissions and resynchronises after a gap', () => {
    const { req, reqs } = parsers();
    const s = feed(req, 100, 'GET /a HTTP/1.1\r\n\r\n');
    feed(req, 100, 'GET /a HTTP/1.1\r\n\r\n'); // retransmission
    feed(req, s + 500, 'ody bytes of something we missed');
    feed(req, s + 533, 'GET /b HTTP/1.1\r\n\r\n');
    expect(reqs.map((r) => r.target)).toEqual(['/a', '/b']);
  });

  it('knows a response to HEAD and a 204 have no body', () => {
    const { res, ress } = parsers();
    res.pendingMethods.push('HEAD', 'GET', 'GET');
    feed(
      res,
      0,
      'HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\nHTTP/1.1 204 No Content\r\n\r\nHTTP/1.0 302 Found\r\nContent-Length: 0\r\n\r\n',
    );
    expect(ress.map((r) => [r.code, r.protocol])).toEqual([
      [200, 'HTTP/1.1'],
      [204, 'HTTP/1.1'],
      [302, 'HTTP/1.0'],
    ]);
  });

  it('reports a stream that is not HTTP', () => {
    const { req, reqs, errors } = parsers();
    feed(req, 0, 'SSH-2.0-OpenSSH_9.2\r\n');
    expect(reqs).toEqual([]);
    expect(errors).toHaveLength(1);
  });
});
