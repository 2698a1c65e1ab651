import { describe, expect, it } from 'vitest';
import type { Flow, FlowEvent, VerdictName } from '../../flow/index.js';
import { FlowStats } from './stats.js';

const flow = (
  verdict: VerdictName | undefined,
  type: number | undefined,
  src?: string,
  dst?: string,
): FlowEvent => {
  const f: Flow = {};
  if (verdict) f.verdict = verdict;
  if (type !== undefined) f.event_type = { type };
  if (src !== undefined) f.source = { namespace: src };
  if (dst !== undefined) f.destination = { namespace: dst };
  return { flow: f };
};

describe('FlowStats', () => {
  const events: FlowEvent[] = [
    flow('FORWARDED', 4, 'shop', 'shop'),
    flow('FORWARDED', 129, 'shop', 'kube-system'),
    flow('DROPPED', 1, 'payments', 'shop'),
    flow(undefined, undefined),
    flow('FORWARDED', 42, '', 'evil\u001b[2J'),
    { node_status: { state_change: 'NODE_ERROR' } },
  ];
  const s = new FlowStats();
  events.forEach((e) => s.add(e));

  it('counts by verdict, type name and namespace', () => {
    expect(s.flows).toBe(5);
    expect(s.other).toBe(1);
    expect(Object.fromEntries(s.verdict)).toEqual({ FORWARDED: 3, DROPPED: 1, VERDICT_UNKNOWN: 1 });
    expect(Object.fromEntries(s.type)).toEqual({ trace: 1, l7: 1, drop: 1, unknown: 1, '42': 1 });
    // A flow inside one namespace counts once for it.
    expect(Object.fromEntries(s.namespace)).toEqual({
      shop: 3,
      'kube-system': 1,
      payments: 1,
      '(none)': 1,
      'evil\u001b[2J': 1,
    });
  });

  it('renders text sorted by count, with control characters escaped', () => {
    expect(s.renderText()).toBe(
      [
        'flows: 5',
        'other responses: 1',
        '',
        'by verdict:',
        '  FORWARDED        3',
        '  DROPPED          1',
        '  VERDICT_UNKNOWN  1',
        '',
        'by type:',
        '  42       1',
        '  drop     1',
        '  l7       1',
        '  trace    1',
        '  unknown  1',
        '',
        'by namespace (source or destination):',
        '  shop         3',
        '  (none)       1',
        '  evil\\x1b[2J  1',
        '  kube-system  1',
        '  payments     1',
        '',
      ].join('\n'),
    );
  });

  it('renders JSON', () => {
    expect(JSON.parse(s.renderJson())).toEqual({
      flows: 5,
      other: 1,
      verdict: { FORWARDED: 3, DROPPED: 1, VERDICT_UNKNOWN: 1 },
      type: { '42': 1, drop: 1, l7: 1, trace: 1, unknown: 1 },
      namespace: { shop: 3, '(none)': 1, 'evil\u001b[2J': 1, 'kube-system': 1, payments: 1 },
    });
  });

  it('renders an empty section', () => {
    expect(new FlowStats().renderText()).toContain('by verdict:\n  (none)\n');
  });
});
