import { describe, expect, it } from 'vitest';
import { parseFlags, type FlagSpec } from './flag-parser.js';
import { parseGoBool } from '../../filter/go-strconv.js';

/** A small flag set recording every `set` call in order. */
function setup(): { specs: FlagSpec[]; calls: string[] } {
  const calls: string[] = [];
  const rec = (name: string, check?: (v: string) => void) => (v: string) => {
    check?.(v);
    calls.push(`${name}=${v}`);
  };
  const specs: FlagSpec[] = [
    { name: 'namespace', short: 'n', set: rec('namespace') },
    { name: 'all', noOptDefVal: 'true', set: rec('all', (v) => void parseGoBool(v)) },
    { name: 'follow', short: 'f', noOptDefVal: 'true', set: rec('follow') },
    { name: 'ipv4', short: '4', noOptDefVal: 'v4', set: rec('ipv4') },
    { name: 'not', noOptDefVal: 'true', set: rec('not') },
    {
      name: 'verdict',
      set: rec('verdict', (v) => {
        if (v !== v.toUpperCase()) throw new Error(`invalid --verdict value: ${v}`);
      }),
    },
  ];
  return { specs, calls };
}

const cases: { name: string; argv: string[]; calls?: string[]; positional?: string[]; wantError?: string }[] =
  [
    { name: 'long flag with separate value', argv: ['--namespace', 'shop'], calls: ['namespace=shop'] },
    { name: 'long flag with =value', argv: ['--namespace=shop'], calls: ['namespace=shop'] },
    { name: 'long flag with empty =value', argv: ['--namespace='], calls: ['namespace='] },
    {
      name: 'the next argument is taken even when it starts with a dash',
      argv: ['--namespace', '--all'],
      calls: ['namespace=--all'],
    },
    { name: 'short flag with separate value', argv: ['-n', 'shop'], calls: ['namespace=shop'] },
    { name: 'short flag with attached value', argv: ['-nshop'], calls: ['namespace=shop'] },
    { name: 'short flag with =value', argv: ['-n=shop'], calls: ['namespace=shop'] },
    { name: 'bare boolean', argv: ['--all'], calls: ['all=true'] },
    {
      name: 'boolean takes a value only with =',
      argv: ['--all', 'false'],
      calls: ['all=true'],
      positional: ['false'],
    },
    { name: 'boolean =false', argv: ['--all=false'], calls: ['all=false'] },
    { name: 'optional-value flag uses its default', argv: ['-4'], calls: ['ipv4=v4'] },
    { name: 'clustered short booleans', argv: ['-f4'], calls: ['follow=true', 'ipv4=v4'] },
    { name: 'cluster ending with a value flag', argv: ['-fnshop'], calls: ['follow=true', 'namespace=shop'] },
    {
      name: 'flags apply in command-line order',
      argv: ['--not', '--verdict', 'DROPPED', '-n', 'a'],
      calls: ['not=true', 'verdict=DROPPED', 'namespace=a'],
    },
    {
      name: 'positional arguments anywhere',
      argv: ['flows', '--all', 'x', '-'],
      calls: ['all=true'],
      positional: ['flows', 'x', '-'],
    },
    {
      name: '-- ends the flags',
      argv: ['--all', '--', '--namespace', 'x'],
      calls: ['all=true'],
      positional: ['--namespace', 'x'],
    },
    { name: 'unknown long flag', argv: ['--snat-ip', '1.1.1.1'], wantError: 'unknown flag: --snat-ip' },
    { name: 'unknown long flag with value', argv: ['--cluster=x'], wantError: 'unknown flag: --cluster' },
    { name: 'unknown shorthand', argv: ['-A'], wantError: "unknown shorthand flag: 'A' in -A" },
    {
      name: 'unknown shorthand inside a cluster',
      argv: ['-fx4'],
      wantError: "unknown shorthand flag: 'x' in -x4",
    },
    { name: 'missing long value', argv: ['--namespace'], wantError: 'flag needs an argument: --namespace' },
    { name: 'missing short value', argv: ['-n'], wantError: "flag needs an argument: 'n' in -n" },
    { name: 'bad flag syntax', argv: ['---all'], wantError: 'bad flag syntax: ---all' },
    {
      name: 'bad boolean value',
      argv: ['--all=yes'],
      wantError: 'invalid argument "yes" for "--all" flag: strconv.ParseBool: parsing "yes": invalid syntax',
    },
    {
      name: 'value error names short and long',
      argv: ['-n', 'a', '--verdict', 'dropped'],
      wantError: 'invalid argument "dropped" for "--verdict" flag: invalid --verdict value: dropped',
    },
    {
      name: 'first error wins',
      argv: ['--verdict', 'x', '--bogus'],
      wantError: 'invalid argument "x" for "--verdict" flag: invalid --verdict value: x',
    },
    {
      name: 'value is Go-quoted in errors',
      argv: ['--verdict', 'a"b\t'],
      wantError: 'invalid argument "a\\"b\\t" for "--verdict" flag: invalid --verdict value: a"b\t',
    },
  ];

describe('parseFlags (pflag grammar)', () => {
  it.each(cases)('$name', ({ argv, calls, positional, wantError }) => {
    const s = setup();
    if (wantError !== undefined) {
      expect(() => parseFlags(argv, s.specs)).toThrow(wantError);
      return;
    }
    const pos = parseFlags(argv, s.specs);
    expect(s.calls).toEqual(calls);
    expect(pos).toEqual(positional ?? []);
  });
});
