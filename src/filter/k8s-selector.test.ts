import { describe, expect, it } from 'vitest';
import { parseK8sSelector } from './k8s-selector.js';

const NAME_PART =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const GT_INT = "for 'Gt', 'Lt' operators, the value must be an integer";

describe('parseK8sSelector > requirements', () => {
  const cases = [
    { name: 'exists', input: 'app', want: [{ key: 'app', operator: 'exists', values: [] }] },
    { name: 'does not exist', input: '!app', want: [{ key: 'app', operator: '!', values: [] }] },
    { name: 'equals', input: 'app=web', want: [{ key: 'app', operator: '=', values: ['web'] }] },
    {
      name: 'double equals with spaces',
      input: ' app == web ',
      want: [{ key: 'app', operator: '==', values: ['web'] }],
    },
    { name: 'not equals', input: 'app!=web', want: [{ key: 'app', operator: '!=', values: ['web'] }] },
    { name: 'empty value', input: 'app=', want: [{ key: 'app', operator: '=', values: [''] }] },
    {
      name: 'in, sorted and de-duplicated',
      input: 'app in (web, api,web)',
      want: [{ key: 'app', operator: 'in', values: ['api', 'web'] }],
    },
    { name: 'notin ()', input: 'app notin ()', want: [{ key: 'app', operator: 'notin', values: [''] }] },
    {
      name: 'in with empty members',
      input: 'x in (foo,,baz)',
      want: [{ key: 'x', operator: 'in', values: ['', 'baz', 'foo'] }],
    },
    {
      name: 'greater than is the > symbol',
      input: 'n>5',
      want: [{ key: 'n', operator: 'gt', values: ['5'] }],
    },
    {
      name: 'less than is the < symbol',
      input: 'n < 5',
      want: [{ key: 'n', operator: 'lt', values: ['5'] }],
    },
    {
      name: 'keywords are values in value context',
      input: 'in in (in,notin)',
      want: [{ key: 'in', operator: 'in', values: ['in', 'notin'] }],
    },
    {
      name: 'sorted by key',
      input: 'b,a=1',
      want: [
        { key: 'a', operator: '=', values: ['1'] },
        { key: 'b', operator: 'exists', values: [] },
      ],
    },
    {
      name: 'prefixed key',
      input: 'example.com/app=x',
      want: [{ key: 'example.com/app', operator: '=', values: ['x'] }],
    },
    { name: 'empty selector', input: '', want: [] },
  ];
  it.each(cases)('$name', ({ input, want }) => expect(parseK8sSelector(input)).toEqual(want));
});

describe('parseK8sSelector > errors', () => {
  const cases = [
    {
      name: 'space-separated words',
      input: 'a b',
      wantError: "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
    },
    {
      name: 'gt is not an operator word',
      input: 'a gt 1',
      wantError: "unable to parse requirement: found 'gt', expected: in, notin, =, ==, !=, gt, lt",
    },
    {
      name: 'leading comma',
      input: ',a',
      wantError: "found ',', expected: !, identifier, or 'end of string'",
    },
    { name: 'trailing comma', input: 'a,', wantError: "found '', expected: identifier after ','" },
    { name: 'two values', input: 'a=b c', wantError: "found 'c', expected: ',' or 'end of string'" },
    {
      name: 'in without parenthesis',
      input: 'a in b',
      wantError: "unable to parse requirement: found 'b' expected: '('",
    },
    {
      name: 'unterminated set',
      input: 'a in (b',
      wantError: "unable to parse requirement: found '', expected: ',' or ')'",
    },
    {
      name: 'operator in set',
      input: 'a in (=)',
      wantError: "unable to parse requirement: found '=', expected: ',', ')' or identifier",
    },
    {
      name: 'operator after comma in set',
      input: 'a in (b,=)',
      wantError: "unable to parse requirement: found '=', expected: ',', or identifier",
    },
    {
      name: 'operator as value',
      input: 'a=(',
      wantError: "unable to parse requirement: found '(', expected: identifier",
    },
    { name: 'lone !', input: '!', wantError: "unable to parse requirement: found '', expected: identifier" },
    { name: '!key takes no value', input: '!a=b', wantError: "found '=', expected: ',' or 'end of string'" },
    {
      name: 'invalid key character',
      input: 'a:b=c',
      wantError: `unable to parse requirement: <nil>: Invalid value: "a:b": ${NAME_PART}`,
    },
    {
      name: 'key ending in dash',
      input: 'a-=b',
      wantError: `unable to parse requirement: <nil>: Invalid value: "a-": ${NAME_PART}`,
    },
    {
      name: 'empty prefix',
      input: '/a',
      wantError: 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty',
    },
    {
      name: 'key too long',
      input: 'k'.repeat(64),
      wantError: `unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`,
    },
    {
      name: 'too many slashes',
      input: 'a/b/c',
      wantError:
        "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    },
    {
      name: 'bad prefix',
      input: 'A_B/x',
      wantError:
        "unable to parse requirement: <nil>: Invalid value: \"A_B/x\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    },
    {
      name: 'gt needs an integer',
      input: 'a > b',
      wantError: `unable to parse requirement: values[0]: Invalid value: "b": ${GT_INT}`,
    },
    {
      name: 'invalid label value',
      input: 'a=-1',
      wantError: `unable to parse requirement: values[0][a]: Invalid value: "-1": ${LABEL_VALUE}`,
    },
    {
      name: 'several problems are aggregated',
      input: 'a > -x',
      wantError: `unable to parse requirement: [values[0]: Invalid value: "-x": ${GT_INT}, values[0][a]: Invalid value: "-x": ${LABEL_VALUE}]`,
    },
    {
      name: 'value too long',
      input: `a=${'v'.repeat(64)}`,
      wantError: `unable to parse requirement: values[0][a]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`,
    },
  ];
  it.each(cases)('$name', ({ input, wantError }) => expect(() => parseK8sSelector(input)).toThrow(wantError));
  it('reports the exact message', () => {
    for (const { input, wantError } of cases) {
      let got = '';
      try {
        parseK8sSelector(input);
      } catch (e) {
        got = (e as Error).message;
      }
      expect(got, input).toBe(wantError);
    }
  });
});
