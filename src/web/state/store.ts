/**
 * A minimal external store for React's useSyncExternalStore: get, set (shallow merge), subscribe.
 */
import { useSyncExternalStore } from 'react';

export interface Store<T> {
  get(): T;
  set(patch: Partial<T> | ((s: T) => Partial<T>)): void;
  subscribe(fn: () => void): () => void;
}

/** Creates a store holding `initial`. */
export function createStore<T extends object>(initial: T): Store<T> {
  let state = initial;
  const subs = new Set<() => void>();
  return {
    get: () => state,
    set(patch) {
      const p = typeof patch === 'function' ? patch(state) : patch;
      state = { ...state, ...p };
      for (const fn of subs) fn();
    },
    subscribe(fn) {
      subs.add(fn);
      return () => subs.delete(fn);
    },
  };
}

/** Reads a store (or a slice of it) in a component. */
export function useStore<T extends object, S = T>(store: Store<T>, select?: (s: T) => S): S {
  return useSyncExternalStore(store.subscribe, () =>
    select ? select(store.get()) : (store.get() as unknown as S),
  );
}
