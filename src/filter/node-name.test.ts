import { describe, expect, it } from 'vitest';
import { compileNodeNamePatterns } from './node-name.js';
import { compileError, matches, type ErrorCase } from './testing.js';

const NODES = ['kind-worker', 'c1/kind-worker2', 'kind-worker.example.com'];

describe('node-name patterns (spec §3.5 verified table)', () => {
  const cases = [
    { name: 'plain name matches only itself', pattern: 'kind-worker', want: ['kind-worker'] },
    { name: 'star suffix', pattern: 'kind-worker*', want: NODES },
    { name: 'cluster with empty node side', pattern: 'c1/', want: ['c1/kind-worker2'] },
    { name: 'any cluster, exact node', pattern: '*/kind-worker2', want: ['c1/kind-worker2'] },
    { name: 'default cluster', pattern: 'default/*', want: ['kind-worker', 'kind-worker.example.com'] },
    { name: 'star alone', pattern: '*', want: NODES },
    {
      name: 'empty cluster side means any non-empty cluster',
      pattern: '/kind-worker',
      want: ['kind-worker'],
    },
    { name: 'patterns are canonicalised', pattern: 'KIND-WORKER.', want: ['kind-worker'] },
  ];
  it.each(cases)('$name', ({ pattern, want }) => {
    const test = compileNodeNamePatterns([pattern]);
    expect(NODES.filter((n) => test(n))).toEqual(want);
  });

  it('flows without a node name never match', () => {
    expect(matches({ filter: { node_name: ['*'] }, flow: {} })).toBe(false);
    expect(matches({ filter: { node_name: ['*'] }, flow: { node_name: 'kind-worker' } })).toBe(true);
  });
  it('ORs patterns', () => {
    expect(matches({ filter: { node_name: ['x', 'c1/*'] }, flow: { node_name: 'c1/kind-worker2' } })).toBe(
      true,
    );
  });
  it('the empty side does not match an empty name', () => {
    expect(compileNodeNamePatterns(['c1/'])('c1/')).toBe(false);
  });
});

describe('node-name errors', () => {
  const cases: ErrorCase[] = [
    { name: 'too many slashes', filter: { node_name: ['a/b/c'] }, wantError: 'too many slashes in pattern' },
    { name: 'empty', filter: { node_name: [''] }, wantError: 'empty pattern' },
    { name: 'invalid rune', filter: { node_name: ['c1/a$'] }, wantError: "'$': invalid rune in pattern" },
    { name: 'whitespace side', filter: { node_name: ['c1/ '] }, wantError: 'empty pattern' },
  ];
  it.each(cases)('$name', (c) => expect(compileError(c.filter)).toBe(c.wantError));
});
