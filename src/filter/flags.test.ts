import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFilter } from '../flow/index.js';
import { CONFLICT_GROUPS, FILTER_ACTIONS, FILTER_SHORTHANDS, FilterFlags, filterFlagSpec } from './flags.js';

// The flag → FlowFilter behaviour itself is table-tested through the CLI
// (cli/observe/filter-flags.test.ts, filter-values.test.ts) and against the web filter bar
// (web/model/filter-parity.test.ts); these tests cover what only this module promises.

describe('filter flag spellings', () => {
  it('short forms are -n, -l, -t, -4, -6', () => {
    expect(Object.fromEntries(FILTER_SHORTHANDS)).toEqual({
      n: 'namespace',
      l: 'label',
      t: 'type',
      '4': 'ipv4',
      '6': 'ipv6',
    });
  });
  it('--not, --ipv4 and --ipv6 take no separate value', () => {
    expect(filterFlagSpec('not')).toEqual({ noOptDefVal: 'true' });
    expect(filterFlagSpec('ipv4')?.noOptDefVal).toBe('v4');
    expect(filterFlagSpec('ipv6')?.noOptDefVal).toBe('v6');
    expect(filterFlagSpec('verdict')?.noOptDefVal).toBeUndefined();
    expect(filterFlagSpec('output')).toBeUndefined();
  });
  it('conflict groups name only known flags', () => {
    for (const g of CONFLICT_GROUPS) for (const f of g) expect(FILTER_ACTIONS.has(f), f).toBe(true);
  });
});

describe('isomorphic', () => {
  // The web bundle imports flags.ts: it and everything it imports must stay browser-safe.
  it('imports only browser-safe modules', () => {
    const allowed = new Set([
      './flag-values.js',
      './go-strconv.js',
      './go-text.js',
      './types.js',
      '../flow/types.js',
    ]);
    for (const file of [
      'flags.ts',
      'flag-values.ts',
      'go-strconv.ts',
      'go-text.ts',
      'types.ts',
      '../flow/types.ts',
    ]) {
      const src = readFileSync(new URL(file, import.meta.url), 'utf8');
      for (const [, spec] of src.matchAll(/\bfrom\s+'([^']+)'/g))
        expect(allowed, `${file}: ${spec}`).toContain(spec);
      expect(src, file).not.toMatch(/\b(require|import|process|Buffer)\s*[.(]/);
    }
  });
});

describe('left/right merge', () => {
  // A sample valid value per flag.
  const VALUES: Record<string, string> = {
    'ip-version': 'v4',
    verdict: 'DROPPED',
    type: 'trace:to-endpoint',
    'tcp-flags': 'syn,ack',
    'traffic-direction': 'ingress',
    identity: 'world',
    'from-identity': '7',
    'to-identity': '0x10',
    workload: 'Deployment/web',
    'from-workload': 'web',
    'to-workload': 'Kind/',
  };
  const step = fc.record({
    not: fc.boolean(),
    name: fc.constantFrom(...FILTER_ACTIONS.keys()),
    value: fc.constantFrom('a', 'b'),
  });

  // Sides are merged when structurally equal; hubble merges them when proto-equal. Equal
  // structure implies equal encoding, so the only possible mismatch is two proto-equal sides.
  it('keeps two sides only when their proto encodings differ', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 8 }), (steps) => {
        const f = new FilterFlags();
        for (const s of steps) {
          try {
            if (s.not) f.set('not', 'true');
            f.set(s.name, VALUES[s.name] ?? s.value);
          } catch {
            return; // conflicts and consecutive --not are covered elsewhere
          }
        }
        for (const list of [f.allowlist(), f.denylist()]) {
          if (list.length === 2) expect(encodeFilter(list[0])).not.toBe(encodeFilter(list[1]));
        }
      }),
      { numRuns: 500 },
    );
  });
});
