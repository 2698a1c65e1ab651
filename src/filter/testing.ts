/**
 * Test-only helpers for the filter suites (not exported from index.ts; uses node:fs): shared
 * fixture loading and a tiny case runner for table-driven predicate tests.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeEvent, type Flow, type FlowEvent } from '../flow/index.js';
import { compileFilters } from './compile.js';
import { FilterError } from './errors.js';
import type { FlowFilter } from './types.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/** One JSON line and its decoded event. */
export interface FixtureLine {
  readonly file: string;
  readonly line: string;
  readonly event: FlowEvent;
}

/** Lines of a JSONL file under the repository root, decoded. */
export function loadJsonl(relPath: string): FixtureLine[] {
  return readFileSync(join(ROOT, relPath), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => ({ file: relPath, line, event: decodeEvent(JSON.parse(line)) }));
}

/** Every captured fixture: test/fixtures/hubble/*.jsonl plus the golden input. */
export function loadAllFixtures(): FixtureLine[] {
  const dir = 'test/fixtures/hubble';
  const files = readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => `${dir}/${f}`);
  return [...files, 'test/golden-hubble/input.jsonl'].flatMap(loadJsonl);
}

/** Reads a text file under the repository root. */
export function readRepoFile(relPath: string): string {
  return readFileSync(join(ROOT, relPath), 'utf8');
}

/** A table case: does `flow` (undefined = no flow) pass `filter` (as a one-filter allowlist)? */
export interface MatchCase {
  name: string;
  filter: FlowFilter;
  flow: Flow | undefined;
  want: boolean;
}

/** A table case for compile errors. */
export interface ErrorCase {
  name: string;
  filter: FlowFilter;
  wantError: string;
}

/** Evaluates a MatchCase through the public entry point. */
export function matches(c: Pick<MatchCase, 'filter' | 'flow'>): boolean {
  return compileFilters([c.filter], [])(c.flow === undefined ? {} : { flow: c.flow });
}

/** The FilterError message compiling `filter` produces (undefined when it compiles). */
export function compileError(filter: FlowFilter): string | undefined {
  try {
    compileFilters([filter], []);
    return undefined;
  } catch (e) {
    if (e instanceof FilterError) return e.message;
    throw e;
  }
}

// Sample flows shared by the field tables.

/** A forwarded TCP SYN-ACK from shop/web-1 to db/pg-0 (trace event, egress). */
export const tcp: Flow = {
  uuid: 'u-1',
  verdict: 'FORWARDED',
  IP: { source: '10.0.0.1', destination: '10.0.0.2', ipVersion: 'IPv4' },
  l4: { TCP: { source_port: 40000, destination_port: 80, flags: { SYN: true, ACK: true } } },
  source: {
    identity: 100,
    namespace: 'shop',
    pod_name: 'web-1',
    workloads: [{ name: 'web', kind: 'Deployment' }],
  },
  destination: { identity: 0, namespace: 'db', pod_name: 'pg-0' },
  event_type: { type: 4, sub_type: 3 },
  traffic_direction: 'EGRESS',
  is_reply: false,
  node_name: 'kind-worker',
};
/** A dropped UDP flow (POLICY_DENIED) without endpoints or is_reply. */
export const drop: Flow = {
  verdict: 'DROPPED',
  drop_reason_desc: 'POLICY_DENIED',
  event_type: { type: 1, sub_type: 133 },
  l4: { UDP: { source_port: 53, destination_port: 5353 } },
};
/** A DNS request (L7 event, UDP/53). */
export const dns: Flow = {
  l4: { UDP: { destination_port: 53 } },
  l7: { type: 'REQUEST', dns: { query: 'github.com.' } },
  event_type: { type: 129 },
};
/** An ICMPv6 flow. */
export const icmp6: Flow = {
  l4: { ICMPv6: { type: 133 } },
  IP: { source: 'fe80::1', destination: 'ff02::2', ipVersion: 'IPv6' },
};
/** An SCTP flow. */
export const sctp: Flow = { l4: { SCTP: { source_port: 1, destination_port: 2 } } };
/** A flow with every field absent. */
export const empty: Flow = {};
