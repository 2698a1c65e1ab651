/**
 * TCP handshake arithmetic of the Pod Flows TCP rows: SYNs a pod sends minus the SYN-ACKs it
 * receives ("missing SYN-ACKs"), per pod and bucket, never below zero.
 */
import type { AggregateGroup } from '../../server/http/contract';
import { onAxis } from './series';

/** Splits a tcp_flag group key ("SYN", "SYN,ACK", "SYN-ACK", "SYN|ACK") into flag names. */
export function flagSet(key: string): Set<string> {
  return new Set(
    key
      .toUpperCase()
      .split(/[^A-Z]+/)
      .filter(Boolean),
  );
}

/** A bare SYN (connection attempt). */
export function isSynOnly(key: string): boolean {
  const f = flagSet(key);
  return f.has('SYN') && !f.has('ACK');
}

/** A SYN-ACK (handshake answer). */
export function isSynAck(key: string): boolean {
  const f = flagSet(key);
  return f.has('SYN') && f.has('ACK');
}

/**
 * Missing SYN-ACK rate per pod: `sent` is grouped by [source_namespace, source_pod, tcp_flag],
 * `received` by [destination_namespace, destination_pod, tcp_flag]; both as counts per bucket.
 * Keys of the result are JSON [namespace, pod]; only pods with some positive value.
 */
export function missingSynAcks(
  sent: readonly AggregateGroup[],
  received: readonly AggregateGroup[],
  axis: readonly number[],
  step: number,
): Map<string, [number, number][]> {
  const acc = new Map<string, number[]>();
  const add = (pod: string, pts: [number, number][], sign: 1 | -1): void => {
    const a = acc.get(pod) ?? new Array<number>(axis.length).fill(0);
    pts.forEach(([, v], i) => (a[i] += sign * v));
    acc.set(pod, a);
  };
  const id = (k: string[]): string => JSON.stringify([k[0], k[1]]);
  for (const g of sent)
    if (g.key[1] && isSynOnly(g.key[2] ?? '')) add(id(g.key), onAxis(g.points, axis, step), 1);
  for (const g of received)
    if (g.key[1] && isSynAck(g.key[2] ?? '')) add(id(g.key), onAxis(g.points, axis, step), -1);
  const out = new Map<string, [number, number][]>();
  for (const [pod, vals] of acc) {
    const pts = axis.map((t, i): [number, number] => [t, Math.max(0, vals[i])]);
    if (pts.some(([, v]) => v > 0)) out.set(pod, pts);
  }
  return out;
}
