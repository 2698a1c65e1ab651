import { describe, expect, it } from 'vitest';
import { NextStepBuilder, shellQuote } from './next-steps.js';

describe('next steps', () => {
  it.each([
    ['plain', 'plain'],
    ['ns/pod-1', 'ns/pod-1'],
    ['', "''"],
    ['a b', "'a b'"],
    ['{"node_name":["n"]}', `'{"node_name":["n"]}'`],
    ["it's", `'it'\\''s'`],
    ['*.json', "'*.json'"],
  ])('shellQuote > %s', (arg, want) => {
    expect(shellQuote(arg)).toBe(want);
  });

  it('builds observe commands over the same source and a second-rounded range', () => {
    const b = new NextStepBuilder({ inputFiles: ['a.json', 'logs/*.gz'] }, ['--policies', 'my policies']);
    const s = b.observe('d', ['--verdict', 'DROPPED'], {
      fromMs: Date.parse('2025-06-02T09:00:00.700Z'),
      toMs: Date.parse('2025-06-02T09:01:00.100Z'),
    });
    expect(s.command).toBe(
      "flowlens observe --input-file a.json --input-file 'logs/*.gz' --since 2025-06-02T09:00:00Z --until 2025-06-02T09:01:01Z --verdict DROPPED",
    );
    expect(b.explain('d', 'u-1').command).toBe(
      "flowlens policy explain --uuid u-1 --input-file a.json --input-file 'logs/*.gz' --policies 'my policies'",
    );
    expect(new NextStepBuilder({ server: 'h:1' }).observe('d', []).command).toBe(
      'flowlens observe --server h:1',
    );
  });
});
