import { describe, expect, it } from 'vitest';
import { requestUriPath } from './request-uri.js';

describe('requestUriPath (Go url.ParseRequestURI)', () => {
  const cases = [
    { name: 'absolute URL', input: 'http://example.com:8080/api/v1?x=1', want: '/api/v1' },
    { name: 'absolute path', input: '/healthz', want: '/healthz' },
    { name: 'percent-decoding', input: '/a%20b', want: '/a b' },
    { name: 'utf-8 escapes', input: '/caf%C3%A9', want: '/café' },
    { name: 'fragment is kept', input: 'http://h/p#frag', want: '/p#frag' },
    { name: 'no path', input: 'http://host', want: '' },
    { name: 'opaque URI has an empty path', input: 'mailto:someone', want: '' },
    { name: 'force query', input: '/p?', want: '/p' },
    { name: 'asterisk', input: '*', want: '*' },
    { name: 'userinfo', input: 'http://u:p@h/x', want: '/x' },
    { name: 'ipv6 host', input: 'http://[fd00::1]:80/x', want: '/x' },
    { name: 'double slash without scheme is a path', input: '//h/x', want: '//h/x' },
    { name: 'relative path fails', input: 'rel/path', want: undefined },
    { name: 'empty fails', input: '', want: undefined },
    { name: 'missing scheme fails', input: ':foo', want: undefined },
    { name: 'bad escape fails', input: '/a%zz', want: undefined },
    { name: 'truncated escape fails', input: '/a%2', want: undefined },
    { name: 'control character fails', input: '/a\tb', want: undefined },
    { name: 'bad port fails', input: 'http://h:8x/p', want: undefined },
    { name: 'space in host fails', input: 'http://a b/p', want: undefined },
    { name: 'bad userinfo fails', input: 'http://a^b@h/p', want: undefined },
    { name: 'escaped ASCII in host fails', input: 'http://a%41/p', want: undefined },
  ];
  it.each(cases)('$name', ({ input, want }) => expect(requestUriPath(input)).toBe(want));
});
