/** Kubernetes label selector matching (metav1.LabelSelector semantics). */
import type { LabelSelector } from './types.js';

/**
 * Whether `labels` match `selector`. `matchLabels` and every `matchExpressions` entry are ANDed;
 * an empty selector `{}` matches everything. `NotIn` and `DoesNotExist` match when the key is
 * absent, as in Kubernetes.
 *
 * @example matchesSelector({ matchLabels: { app: 'web' } }, { app: 'web', tier: 'fe' }) // true
 */
export function matchesSelector(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const ml = selector.matchLabels;
  if (ml) {
    for (const k in ml) {
      if (labels[k] !== ml[k]) return false;
    }
  }
  const me = selector.matchExpressions;
  if (me) {
    for (const req of me) {
      const has = Object.prototype.hasOwnProperty.call(labels, req.key);
      const v = has ? labels[req.key] : undefined;
      switch (req.operator) {
        case 'In':
          if (!has || !(req.values ?? []).includes(v!)) return false;
          break;
        case 'NotIn':
          if (has && (req.values ?? []).includes(v!)) return false;
          break;
        case 'Exists':
          if (!has) return false;
          break;
        case 'DoesNotExist':
          if (has) return false;
          break;
      }
    }
  }
  return true;
}

/** Whether a selector is the empty selector `{}` (selects everything). */
export function isEmptySelector(selector: LabelSelector): boolean {
  return (
    (!selector.matchLabels || Object.keys(selector.matchLabels).length === 0) &&
    (!selector.matchExpressions || selector.matchExpressions.length === 0)
  );
}
