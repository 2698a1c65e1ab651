import { describe, expect, it } from 'vitest';
import type { Flow } from '../flow/types.js';
import { parseFqdnPattern } from './fqdn.js';
import { compileError, matches, type ErrorCase } from './testing.js';

// The verified example of spec §3.3.
const verified: Flow = { destination_names: ['github.com.', 'api.github.com'], source_names: ['GitHub.com'] };

describe('FQDN patterns (spec §3.3)', () => {
  const cases = [
    {
      name: 'github.com matches nothing (trailing dot, case kept)',
      filter: { source_fqdn: ['github.com'] },
      flow: verified,
      want: false,
    },
    {
      name: 'github.com on destination',
      filter: { destination_fqdn: ['github.com'] },
      flow: verified,
      want: false,
    },
    {
      name: 'GITHUB.COM is lower-cased but still matches nothing',
      filter: { destination_fqdn: ['GITHUB.COM'] },
      flow: verified,
      want: false,
    },
    {
      name: '*.github.com matches api.github.com',
      filter: { destination_fqdn: ['*.github.com'] },
      flow: verified,
      want: true,
    },
    {
      name: '*github.com matches api.github.com',
      filter: { destination_fqdn: ['*github.com'] },
      flow: verified,
      want: true,
    },
    {
      name: 'exact name without trailing dot',
      filter: { destination_fqdn: ['api.github.com'] },
      flow: verified,
      want: true,
    },
    {
      name: 'pattern trailing dot is removed',
      filter: { destination_fqdn: ['api.github.com.'] },
      flow: verified,
      want: true,
    },
    { name: 'whole-name match', filter: { destination_fqdn: ['github'] }, flow: verified, want: false },
    { name: 'star crosses dots', filter: { destination_fqdn: ['a*.com'] }, flow: verified, want: true },
    { name: 'star does not match upper case', filter: { source_fqdn: ['*'] }, flow: verified, want: false },
    {
      name: 'star does not match underscore',
      filter: { source_fqdn: ['*'] },
      flow: { source_names: ['a_b'] },
      want: false,
    },
    {
      name: 'underscore literal',
      filter: { source_fqdn: ['a_b'] },
      flow: { source_names: ['a_b'] },
      want: true,
    },
    {
      name: 'whitespace trimmed',
      filter: { destination_fqdn: ['  api.github.com \t'] },
      flow: verified,
      want: true,
    },
    { name: 'patterns ORed', filter: { destination_fqdn: ['x.com', 'api.*'] }, flow: verified, want: true },
    { name: 'no names never matches', filter: { destination_fqdn: ['*'] }, flow: {}, want: false },
    {
      name: 'dot is literal',
      filter: { destination_fqdn: ['api.github.co*'] },
      flow: { destination_names: ['apixgithub.com'] },
      want: false,
    },
  ];
  it.each(cases)('$name', ({ filter, flow, want }) => expect(matches({ filter, flow })).toBe(want));

  it('canonicalises', () => {
    expect(parseFqdnPattern(' *.Example.COM. ')).toEqual({
      canonical: '*.example.com',
      source: '[-.0-9a-z]*\\.example\\.com',
      literal: false,
    });
  });
});

describe('FQDN errors', () => {
  const cases: ErrorCase[] = [
    { name: 'empty', filter: { source_fqdn: [''] }, wantError: 'empty pattern' },
    { name: 'only a dot', filter: { destination_fqdn: ['.'] }, wantError: 'empty pattern' },
    { name: 'whitespace', filter: { destination_fqdn: ['  '] }, wantError: 'empty pattern' },
    {
      name: 'multiple trailing dots',
      filter: { source_fqdn: ['a..'] },
      wantError: 'multiple trailing dots in pattern',
    },
    { name: 'invalid rune', filter: { source_fqdn: ['a$b'] }, wantError: "'$': invalid rune in pattern" },
    {
      name: 'invalid rune quote',
      filter: { source_fqdn: ["a'b"] },
      wantError: "'\\'': invalid rune in pattern",
    },
    {
      name: 'invalid unicode rune',
      filter: { source_fqdn: ['é.com'] },
      wantError: "'é': invalid rune in pattern",
    },
    { name: 'inner space', filter: { source_fqdn: ['a b'] }, wantError: "' ': invalid rune in pattern" },
    {
      name: 'source checked before destination',
      filter: { source_fqdn: ['a$'], destination_fqdn: [''] },
      wantError: "'$': invalid rune in pattern",
    },
  ];
  it.each(cases)('$name', (c) => expect(compileError(c.filter)).toBe(c.wantError));
  it('accepts upper case (lower-cased first)', () =>
    expect(compileError({ source_fqdn: ['A.COM'] })).toBeUndefined());
});
