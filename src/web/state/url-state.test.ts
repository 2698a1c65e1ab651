import { describe, expect, it } from 'vitest';
import { varsFromParams, withVars } from './url-state';

describe('URL template variables', () => {
  it('reads var-* parameters', () => {
    expect(varsFromParams(new URLSearchParams('var-namespace=shop&var-workload=web&range=1h'))).toEqual({
      namespace: 'shop',
      workload: 'web',
    });
  });
  it('changing the namespace clears the workload; other parameters stay', () => {
    const p = withVars(new URLSearchParams('var-namespace=shop&var-workload=web&range=1h'), {
      namespace: 'pets',
    });
    expect(p.toString()).toBe('var-namespace=pets&range=1h');
  });
  it('sets both at once and removes emptied ones', () => {
    const p = withVars(new URLSearchParams('var-node=n1'), {
      namespace: 'kube-system',
      workload: 'coredns',
      node: undefined,
    });
    expect(varsFromParams(p)).toEqual({ namespace: 'kube-system', workload: 'coredns' });
  });
});
