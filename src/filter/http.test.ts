import { describe, expect, it } from 'vitest';
import type { Flow } from '../flow/types.js';
import { compileError, matches, type ErrorCase, type MatchCase } from './testing.js';

const http = (h: NonNullable<NonNullable<Flow['l7']>['http']>): Flow => ({
  l7: { type: 'RESPONSE', http: h },
  event_type: { type: 129 },
});
const ok = http({
  code: 200,
  method: 'GET',
  url: 'http://api.shop.svc:8080/api/v1/items%20x?limit=5',
  headers: [{ key: 'x-user', value: 'alice' }],
});
const err = http({ code: 503, method: 'post', url: '/checkout' });
const request = http({ method: 'GET', url: 'rel/path' });
const dns: Flow = { l7: { dns: { query: 'kube-dns.kube-system.svc.cluster.local.' } } };

const cases: MatchCase[] = [
  { name: 'status > exact', filter: { http_status_code: ['200'] }, flow: ok, want: true },
  { name: 'status > prefix N+', filter: { http_status_code: ['5+'] }, flow: err, want: true },
  { name: 'status > prefix NN+', filter: { http_status_code: ['50+'] }, flow: err, want: true },
  { name: 'status > prefix miss', filter: { http_status_code: ['4+', '201'] }, flow: ok, want: false },
  {
    name: 'status > code 0 never matches',
    filter: { http_status_code: ['1+', '2+', '3+', '4+', '5+'] },
    flow: request,
    want: false,
  },
  { name: 'status > non-HTTP never matches', filter: { http_status_code: ['200'] }, flow: dns, want: false },
  {
    name: 'status > with l7 event type',
    filter: { http_status_code: ['200'], event_type: [{ type: 1 }, { type: 129 }] },
    flow: ok,
    want: true,
  },
  { name: 'method > case-insensitive', filter: { http_method: ['get'] }, flow: ok, want: true },
  { name: 'method > flow case', filter: { http_method: ['POST'] }, flow: err, want: true },
  { name: 'method > other', filter: { http_method: ['PUT'] }, flow: ok, want: false },
  {
    name: 'method > mixed case',
    filter: { http_method: ['gEt'] },
    flow: http({ method: 'GeT' }),
    want: true,
  },
  {
    name: 'method > no multi-character folds',
    filter: { http_method: ['ß'] },
    flow: http({ method: 'SS' }),
    want: false,
  },
  {
    name: 'method > empty method never matches',
    filter: { http_method: [''] },
    flow: http({ code: 200 }),
    want: false,
  },
  {
    name: 'path > regex on the decoded path',
    filter: { http_path: ['^/api/v1/items x$'] },
    flow: ok,
    want: true,
  },
  { name: 'path > query is not part of the path', filter: { http_path: ['limit'] }, flow: ok, want: false },
  { name: 'path > absolute path URL', filter: { http_path: ['^/check'] }, flow: err, want: true },
  { name: 'path > unparsable URL never matches', filter: { http_path: ['.*'] }, flow: request, want: false },
  {
    name: 'path > empty URL never matches',
    filter: { http_path: ['.*'] },
    flow: http({ code: 200 }),
    want: false,
  },
  { name: 'path > RE2 syntax', filter: { http_path: ['(?i)^/API/V(?P<n>\\d+)/'] }, flow: ok, want: true },
  { name: 'url (v1.19) > full URL', filter: { http_url: ['limit=5$'] }, flow: ok, want: true },
  { name: 'url (v1.19) > raw, not decoded', filter: { http_url: ['items x'] }, flow: ok, want: false },
  {
    name: 'header (v1.19) > key and value',
    filter: { http_header: [{ key: 'x-user', value: 'alice' }] },
    flow: ok,
    want: true,
  },
  {
    name: 'header (v1.19) > value differs',
    filter: { http_header: [{ key: 'x-user', value: 'bob' }] },
    flow: ok,
    want: false,
  },
  {
    name: 'header (v1.19) > case-sensitive key',
    filter: { http_header: [{ key: 'X-User', value: 'alice' }] },
    flow: ok,
    want: false,
  },
  {
    name: 'dns_query > unanchored regex',
    filter: { dns_query: ['\\.svc\\.cluster\\.local\\.$'] },
    flow: dns,
    want: true,
  },
  { name: 'dns_query > miss', filter: { dns_query: ['^github'] }, flow: dns, want: false },
  { name: 'dns_query > non-DNS never matches', filter: { dns_query: [''] }, flow: ok, want: false },
];

describe('http and dns fields', () => {
  it.each(cases)('$name', (c) => expect(matches(c)).toBe(c.want));
});

const L7 = "the event type filter to only match 'l7' events";
const errors: ErrorCase[] = [
  {
    name: 'status > rejects 600',
    filter: { http_status_code: ['600'] },
    wantError: 'invalid http status code filter: invalid status code prefix: "600"',
  },
  {
    name: 'status > rejects 5++',
    filter: { http_status_code: ['5++'] },
    wantError: 'invalid http status code filter: invalid status code prefix: "5++"',
  },
  {
    name: 'status > rejects 500+',
    filter: { http_status_code: ['500+'] },
    wantError: 'invalid http status code filter: invalid status code prefix: "500+"',
  },
  {
    name: 'status > rejects 20',
    filter: { http_status_code: ['20'] },
    wantError: 'invalid http status code filter: invalid status code prefix: "20"',
  },
  {
    name: 'status > needs l7 event type',
    filter: { http_status_code: ['200'], event_type: [{ type: 1 }] },
    wantError: `filtering by http status code requires ${L7}`,
  },
  {
    name: 'status > event type check comes before value check',
    filter: { http_status_code: ['600'], event_type: [{ type: 1 }] },
    wantError: `filtering by http status code requires ${L7}`,
  },
  {
    name: 'method > needs l7 event type',
    filter: { http_method: ['GET'], event_type: [{ type: 4 }] },
    wantError: `filtering by http method requires ${L7}`,
  },
  {
    name: 'path > needs l7 event type',
    filter: { http_path: ['/'], event_type: [{ type: 0 }] },
    wantError: `filtering by http path requires ${L7}`,
  },
  {
    name: 'url > needs l7 event type',
    filter: { http_url: ['/'], event_type: [{ type: 1 }] },
    wantError: `filtering by http url requires ${L7}`,
  },
  {
    name: 'header > needs l7 event type',
    filter: { http_header: [{ key: 'a' }], event_type: [{ type: 1 }] },
    wantError: `filtering by http header requires ${L7}`,
  },
  {
    name: 'path > bad regex',
    filter: { http_path: ['('] },
    wantError: 'invalid http path filter: (: error parsing regexp: missing closing ): `(`',
  },
  {
    name: 'url > bad regex',
    filter: { http_url: ['a**'] },
    wantError: 'invalid http url filter: a**: error parsing regexp: invalid nested repetition operator: `**`',
  },
  {
    name: 'dns_query > bad regex',
    filter: { dns_query: ['[a'] },
    wantError: 'invalid DNS query filter: [a: error parsing regexp: missing closing ]: `[a`',
  },
  {
    name: 'status checked before method',
    filter: { http_method: ['GET'], http_status_code: ['7'] },
    wantError: 'invalid http status code filter: invalid status code prefix: "7"',
  },
];

describe('http and dns errors', () => {
  it.each(errors)('$name', (c) => expect(compileError(c.filter)).toBe(c.wantError));
});
