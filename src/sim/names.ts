/**
 * Realistic, deterministic Kubernetes names and addresses: pod-template hashes and pod suffixes
 * in the API server's alphabet, MAC addresses, endpoint IDs. Derived from names only (never from
 * the run seed), so a scenario's pods keep their names across seeds.
 */
import { Prng, hash32 } from './prng.js';

/** The alphabet Kubernetes uses for generated name suffixes (no vowels, no 0/1/3). */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function suffix(r: Prng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[r.int(ALPHABET.length)];
  return s;
}

/** A Deployment's pod-template-hash, e.g. `6d9f7c8b5` (9 or 10 characters). */
export function podTemplateHash(namespace: string, workload: string): string {
  const r = new Prng(`pth/${namespace}/${workload}`);
  return suffix(r, r.chance(0.5) ? 9 : 10);
}

/** Pod names of a workload: `web-6d9f7c8b5-x2kqp` (Deployment), `db-0` (StatefulSet), `agent-x2kqp` (DaemonSet). */
export function podNames(
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet',
  namespace: string,
  workload: string,
  count: number,
): string[] {
  if (kind === 'StatefulSet') return Array.from({ length: count }, (_, i) => `${workload}-${i}`);
  const r = new Prng(`pods/${namespace}/${workload}`);
  const prefix =
    kind === 'Deployment' ? `${workload}-${podTemplateHash(namespace, workload)}-` : `${workload}-`;
  const seen = new Set<string>();
  const out: string[] = [];
  while (out.length < count) {
    const n = prefix + suffix(r, 5);
    if (!seen.has(n)) {
      seen.add(n);
      out.push(n);
    }
  }
  return out;
}

/** A locally administered unicast MAC address derived from `key`. */
export function macFor(key: string): string {
  const r = new Prng(`mac/${key}`);
  const b = [((r.int(256) | 0x02) & 0xfe) >>> 0, r.int(256), r.int(256), r.int(256), r.int(256), r.int(256)];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** Picks a value in [min, max] for `key`, avoiding `used` by linear probing; records it. */
export function uniqueInRange(key: string, min: number, max: number, used: Set<number>): number {
  const span = max - min + 1;
  if (used.size >= span) throw new Error(`no free value in [${min}, ${max}] for ${key}`);
  let v = min + (hash32(key) % span);
  while (used.has(v)) v = v === max ? min : v + 1;
  used.add(v);
  return v;
}
