import { describe, expect, it } from 'vitest';
import { diagnosisView, linkFromCommand } from './diagnosis';

const report = {
  window: { since: '2026-11-20T08:00:00Z', until: '2026-11-20T09:00:00Z' },
  coverage: { flows: 1200, lost: 0, nodes: [] },
  findings: [
    {
      kind: 'dns',
      severity: 'info',
      title: 'DNS latency',
      subject: { namespace: 'kube-system', workload: 'coredns', pods: [] },
    },
    {
      kind: 'policy-drop',
      severity: 'critical',
      title: 'frontend cannot reach backend',
      subject: { namespace: 'shop', workload: 'backend', pods: ['backend-1'] },
      peer: { namespace: 'shop', workload: 'frontend' },
      since: '2026-11-20T08:10:00Z',
      evidence: {
        figures: [
          { name: 'drop_ratio', label: 'share of flows dropped', value: 0.42, unit: 'ratio', baseline: 0 },
          { name: 'dropped', label: 'flows dropped', value: 420, unit: 'count' },
        ],
        flows: ['u1', 'u2'],
        test: { name: 'two-proportion z', statistic: 12.345, pValue: 0.0000123 },
        details: { sourcePods: ['frontend-1'] },
      },
      explanation: 'No ingress rule admits frontend on 8080.',
      next: [
        {
          description: 'the dropped flows',
          command:
            'flowlens observe --since 2026-11-20T08:10:00Z --verdict DROPPED --to-namespace shop --to-workload backend',
        },
      ],
      policies: [
        {
          kind: 'NetworkPolicy',
          namespace: 'shop',
          name: 'backend-ingress',
          direction: 'ingress',
          role: 'denies',
          reasons: ['no rule admits port 8080'],
        },
      ],
      causes: [],
      effects: ['l7-errors:shop/frontend'],
    },
  ],
};

describe('diagnosisView', () => {
  const v = diagnosisView(report);
  it('sorts findings by severity and reads the subject', () => {
    expect(v.findings.map((f) => f.kind)).toEqual(['policy-drop', 'dns']);
    const f = v.findings[0];
    expect([f.namespace, f.workload, f.pods, f.peer]).toEqual([
      'shop',
      'backend',
      ['backend-1'],
      'shop/frontend',
    ]);
    expect(f.policies).toEqual([
      'shop/backend-ingress (NetworkPolicy, ingress, denies) — no rule admits port 8080',
    ]);
    expect(f.figures).toEqual([
      ['share of flows dropped', '42.0% (baseline 0.00%)'],
      ['flows dropped', '420'],
    ]);
    expect(f.samples).toEqual(['u1', 'u2']);
    expect(f.evidence).toEqual([
      ['test', 'two-proportion z: 12.35, p = 0.000012'],
      ['details', '{"sourcePods":["frontend-1"]}'],
    ]);
    expect(f.next[0].description).toBe('the dropped flows');
    expect(f.effects).toEqual(['l7-errors:shop/frontend']);
  });
  it('links the dashboard, the map and the flows', () => {
    const f = v.findings[0];
    expect(f.links.dashboard).toBe('/dashboards/drops-workload?var-namespace=shop&var-workload=backend');
    expect(f.links.map).toBe('/service-map?ns=shop&only=problems');
    const u = new URL(f.links.flows!, 'http://x');
    expect(u.searchParams.get('filter')).toBe('--verdict DROPPED --to-namespace shop --to-workload backend');
    expect(u.searchParams.get('from')).toBe('2026-11-20T08:10:00.000Z');
  });
  it('builds a flows link from the subject when no command parses', () => {
    const u = new URL(v.findings[1].links.flows!, 'http://x');
    expect(u.searchParams.get('filter')).toBe('--namespace kube-system --workload coredns');
  });
  it('summarises window and coverage', () => {
    expect(v.window).toBe('2026-11-20T08:00:00Z → 2026-11-20T09:00:00Z');
    expect(v.coverage).toBe('flows 1200 · lost 0');
  });
  it('tolerates junk', () => {
    expect(diagnosisView(null).findings).toEqual([]);
    expect(diagnosisView({ findings: [1, 'x', {}] }).findings).toHaveLength(1);
  });
  it('parses observe commands with quoted values', () => {
    expect(linkFromCommand(`flowlens observe --to-pod 'shop/a b'`)?.filter).toBe(`--to-pod 'shop/a b'`);
    expect(linkFromCommand('kubectl get pods')).toBeUndefined();
  });
});
