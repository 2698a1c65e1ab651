/**
 * Freezes an object graph in place and returns it: objects shared between many flows (interned
 * fragments, shared endpoints, the simulator's topology) must not be changed by any one user.
 * An object that is already frozen is taken to be frozen all the way down.
 */
export function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}
