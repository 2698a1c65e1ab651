/** Validation of NetworkPolicies embedded in scenario files. */
import { parseNetworkPolicy, PolicyParseError, type NetworkPolicy } from '../policy/index.js';
import type { Reader } from './reader.js';
import type { Located } from './schema.js';
import { errorAt } from './source.js';

/** Reads a NetworkPolicy, mapping the policy parser's field paths to file positions. */
export function readPolicy(r: Reader): NetworkPolicy & Located {
  try {
    return { ...parseNetworkPolicy(r.value), origin: r.origin };
  } catch (e) {
    if (!(e instanceof PolicyParseError)) throw e;
    const unknown = e.got?.startsWith('unknown field') ?? false;
    throw errorAt(r.origin, e.path, `expected ${e.expected}${e.got ? `, got ${e.got}` : ''}`, {
      key: unknown,
    });
  }
}
