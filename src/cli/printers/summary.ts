/** The SUMMARY column: the flow's stored `Summary` (hubble never computes it) plus Auth. */
import type { Flow } from '../../flow/index.js';
import type { Colorizer } from './color.js';
import { enumText } from './event-type.js';
import { sanitize } from './sanitize.js';

/**
 * The flow's `Summary`, sanitized; with `withAuth` (compact and table, not dict) followed by
 * `; Auth: <AuthType>` when `auth_type` is set and not DISABLED.
 *
 * @example summaryText({ Summary: 'x', auth_type: 'SPIRE' }, plainColorizer, true) === 'x; Auth: SPIRE'
 */
export function summaryText(f: Flow, c: Colorizer, withAuth: boolean): string {
  const summary = f.Summary === undefined ? '' : sanitize(f.Summary);
  if (!withAuth) return summary;
  const auth = f.auth_type;
  if (auth === undefined || auth === 'DISABLED' || auth === 0) return summary;
  return summary + '; Auth: ' + c.authType(enumText(auth, 'DISABLED'));
}
