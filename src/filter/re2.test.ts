import { describe, expect, it } from 'vitest';
import { compileRe2 } from './re2.js';

describe('compileRe2 > matching', () => {
  const cases = [
    { name: 'unanchored search', pattern: 'api', input: '/v1/api/x', want: true },
    { name: 'anchors are text anchors', pattern: '^/api$', input: '/api\n', want: false },
    { name: 'dot excludes only newline', pattern: '^a.b$', input: 'a\rb', want: true },
    { name: 'dot excludes newline', pattern: 'a.b', input: 'a\nb', want: false },
    { name: '(?s) dot matches newline', pattern: '(?s)a.b', input: 'a\nb', want: true },
    { name: '(?m) line anchors', pattern: '(?m)^b$', input: 'a\nb\nc', want: true },
    { name: '(?m) does not treat \\r as a line end', pattern: '(?m)^a$', input: 'a\r\nb', want: false },
    { name: '(?i) case folding', pattern: '(?i)GET', input: 'get', want: true },
    { name: '(?i) folds k to the Kelvin sign', pattern: '(?i)k', input: '\u212a', want: true },
    { name: 'scoped (?i:…)', pattern: '(?i:a)B', input: 'Ab', want: false },
    { name: 'scoped (?i:…) matches', pattern: '(?i:a)B', input: 'AB', want: true },
    { name: 'flags end with their group', pattern: '((?i)a)b', input: 'AB', want: false },
    { name: 'flags carry across alternatives', pattern: 'x|(?i)a|b', input: 'B', want: true },
    { name: 'named group', pattern: '(?P<v>v[0-9]+)/', input: '/v12/', want: true },
    { name: '\\d is ASCII', pattern: '^\\d$', input: '٣', want: false },
    { name: '\\s is ASCII', pattern: '\\s', input: '\u00a0', want: false },
    { name: '\\w is ASCII', pattern: '^\\w+$', input: 'héllo', want: false },
    { name: '\\pL is Unicode', pattern: '^\\pL+$', input: 'héllo', want: true },
    { name: '\\p{Greek}', pattern: '^\\p{Greek}+$', input: 'αβγ', want: true },
    { name: '\\PL negation', pattern: '^\\PL$', input: '1', want: true },
    { name: 'POSIX class', pattern: '^[[:alpha:]]+$', input: 'abcXYZ', want: true },
    { name: 'negated POSIX class', pattern: '^[[:^digit:]]+$', input: 'ab1', want: false },
    { name: '\\Q…\\E literal', pattern: '\\Q.*\\E', input: 'a.*b', want: true },
    { name: '\\Q…\\E literal no wildcard', pattern: '^\\Q.*\\E$', input: 'ab', want: false },
    { name: 'hex escape', pattern: '\\x{41}\\x42', input: 'AB', want: true },
    { name: 'octal escape', pattern: '\\101', input: 'A', want: true },
    { name: 'literal brace', pattern: 'a{,3}', input: 'a{,3}', want: true },
    { name: 'repeat', pattern: '^a{2,3}$', input: 'aaa', want: true },
    { name: 'repeat upper bound', pattern: '^a{2,3}$', input: 'aaaa', want: false },
    { name: '\\A and \\z', pattern: '\\Aab\\z', input: 'ab', want: true },
    { name: 'word boundary', pattern: '\\bcom\\b', input: 'x.com', want: true },
    { name: 'quantified assertion', pattern: '^*a', input: 'a', want: true },
    { name: 'non-greedy', pattern: 'a+?', input: 'aaa', want: true },
    { name: '(?U) swaps greediness', pattern: '(?U)^a+b$', input: 'aaab', want: true },
    { name: 'leading ] in class', pattern: '^[]a]+$', input: ']a]', want: true },
    { name: 'negated class matches newline', pattern: '[^a]', input: '\n', want: true },
    { name: 'escaped punctuation', pattern: '\\.\\-\\/', input: '.-/', want: true },
    {
      name: 'svc suffix (spec example)',
      pattern: '\\.svc\\.cluster\\.local\\.$',
      input: 'kube-dns.kube-system.svc.cluster.local.',
      want: true,
    },
  ];
  it.each(cases)('$name', ({ pattern, input, want }) => expect(compileRe2(pattern).test(input)).toBe(want));
});

describe('compileRe2 > errors (Go messages)', () => {
  const cases = [
    { name: 'missing )', pattern: '(', wantError: 'error parsing regexp: missing closing ): `(`' },
    {
      name: 'missing ) reports the whole regexp',
      pattern: 'a(b',
      wantError: 'error parsing regexp: missing closing ): `a(b`',
    },
    { name: 'unexpected )', pattern: 'a)', wantError: 'error parsing regexp: unexpected ): `a)`' },
    { name: 'missing ]', pattern: 'x[a-', wantError: 'error parsing regexp: missing closing ]: `[a-`' },
    {
      name: 'missing repeat argument',
      pattern: '*a',
      wantError: 'error parsing regexp: missing argument to repetition operator: `*`',
    },
    {
      name: 'missing argument after (',
      pattern: '(+)',
      wantError: 'error parsing regexp: missing argument to repetition operator: `+`',
    },
    {
      name: 'nested repetition',
      pattern: 'a**',
      wantError: 'error parsing regexp: invalid nested repetition operator: `**`',
    },
    {
      name: 'possessive is nested repetition',
      pattern: 'a++',
      wantError: 'error parsing regexp: invalid nested repetition operator: `++`',
    },
    {
      name: 'nested brace repetition',
      pattern: 'a{2}{3}',
      wantError: 'error parsing regexp: invalid nested repetition operator: `{2}{3}`',
    },
    {
      name: 'repeat count > 1000',
      pattern: 'a{1001}',
      wantError: 'error parsing regexp: invalid repeat count: `{1001}`',
    },
    {
      name: 'repeat min > max',
      pattern: 'a{3,2}',
      wantError: 'error parsing regexp: invalid repeat count: `{3,2}`',
    },
    {
      name: 'nested repeat total > 1000',
      pattern: '(a{100}){11}',
      wantError: 'error parsing regexp: invalid repeat count: `{11}`',
    },
    {
      name: 'lookahead unsupported',
      pattern: 'a(?=b)',
      wantError: 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`',
    },
    {
      name: 'lookbehind unsupported',
      pattern: '(?<!a)b',
      wantError: 'error parsing regexp: invalid or unsupported Perl syntax: `(?<`',
    },
    {
      name: 'backreference unsupported',
      pattern: '(a)\\1',
      wantError: 'error parsing regexp: invalid escape sequence: `\\1`',
    },
    {
      name: 'unknown escape',
      pattern: '\\q',
      wantError: 'error parsing regexp: invalid escape sequence: `\\q`',
    },
    {
      name: '\\C unsupported',
      pattern: '\\C',
      wantError: 'error parsing regexp: invalid escape sequence: `\\C`',
    },
    {
      name: '\\Z unsupported',
      pattern: 'a\\Z',
      wantError: 'error parsing regexp: invalid escape sequence: `\\Z`',
    },
    {
      name: 'bad hex escape (both digits consumed)',
      pattern: '\\xZZ',
      wantError: 'error parsing regexp: invalid escape sequence: `\\xZZ`',
    },
    {
      name: 'empty braced hex',
      pattern: '\\x{}',
      wantError: 'error parsing regexp: invalid escape sequence: `\\x{}`',
    },
    {
      name: 'trailing backslash',
      pattern: 'a\\',
      wantError: 'error parsing regexp: trailing backslash at end of expression: ``',
    },
    {
      name: 'bad range',
      pattern: '[z-a]',
      wantError: 'error parsing regexp: invalid character class range: `z-a`',
    },
    {
      name: 'unknown POSIX class',
      pattern: '[[:word2:]]',
      wantError: 'error parsing regexp: invalid character class range: `[:word2:]`',
    },
    {
      name: 'unknown Unicode class',
      pattern: '\\p{Klingon}',
      wantError: 'error parsing regexp: invalid character class range: `\\p{Klingon}`',
    },
    {
      name: 'bad named capture',
      pattern: '(?P<a-b>x)',
      wantError: 'error parsing regexp: invalid named capture: `(?P<a-b>`',
    },
    {
      name: 'unterminated flags',
      pattern: '(?i',
      wantError: 'error parsing regexp: invalid or unsupported Perl syntax: `(?i`',
    },
    {
      name: 'empty negation',
      pattern: '(?i-)',
      wantError: 'error parsing regexp: invalid or unsupported Perl syntax: `(?i-)`',
    },
    {
      name: 'unknown flag',
      pattern: '(?x)a',
      wantError: 'error parsing regexp: invalid or unsupported Perl syntax: `(?x`',
    },
  ];
  it.each(cases)('$name', ({ pattern, wantError }) => {
    let got = '';
    try {
      compileRe2(pattern);
    } catch (e) {
      got = (e as Error).message;
    }
    expect(got).toBe(wantError);
  });
  it('accepts the largest nested repeat', () => expect(() => compileRe2('(a{100}){10}')).not.toThrow());
});
