/**
 * Equality tests on enum fields. Flows and filters carry enum values as names ("DROPPED") or,
 * when the number has no name, as numbers; both sides are compared by number. Absent values
 * are the enum's zero value, as in protobuf.
 */
import { enumNumber, type EnumValue } from '../flow/index.js';
import { FilterError } from './errors.js';
import { anyLine, quotedToken, nonNameEnumValue, type LineTest } from './line-test.js';

/** An enum type known to the codec: its proto name and the name of its zero value. */
export interface EnumType {
  /** Fully qualified proto name, e.g. `flow.Verdict`. */
  readonly typeName: string;
  /** Name of the zero value, e.g. `VERDICT_UNKNOWN`. */
  readonly zeroName: string;
  /** JSON keys under which the flow carries the value (proto and lowerCamelCase). */
  readonly keys: readonly string[];
  /** Wording used in errors for unknown names (`verdict`, `traffic direction`, ...). */
  readonly label: string;
}

/** Resolves a filter element to its number; unknown names are a FilterError. */
export function enumValueNumber(type: EnumType, v: EnumValue): number {
  if (typeof v === 'number') return v;
  const n = enumNumber(type.typeName, v);
  if (n === 0 && v !== type.zeroName)
    throw new FilterError(`invalid ${type.label} filter: unknown value ${JSON.stringify(v)}`);
  return n;
}

const MEMO_LIMIT = 256;

/**
 * Builds a membership test `value ∈ wanted` over flow-side enum values, memoised per distinct
 * value (a handful of names in practice), so evaluation is one Map lookup.
 */
export function enumSetTest(
  type: EnumType,
  wanted: readonly EnumValue[],
): (v: EnumValue | undefined) => boolean {
  const numbers = new Set(wanted.map((w) => enumValueNumber(type, w)));
  const acceptsZero = numbers.has(0);
  const memo = new Map<EnumValue, boolean>();
  return (v) => {
    if (v === undefined) return acceptsZero;
    let r = memo.get(v);
    if (r === undefined) {
      r = numbers.has(typeof v === 'number' ? v : enumNumber(type.typeName, v));
      if (memo.size < MEMO_LIMIT) memo.set(v, r);
    }
    return r;
  };
}

/**
 * Line test for "the flow's enum is one of `wanted`": the name appears as a string, or the key
 * carries a non-name value. Undefined when the zero value is wanted (absent keys match).
 */
export function enumLineTest(type: EnumType, wanted: readonly EnumValue[]): LineTest | undefined {
  const names: LineTest[] = [];
  for (const w of wanted) {
    const n = enumValueNumber(type, w);
    // A number may stand for a named value that the line spells as a name we cannot derive.
    if (n === 0 || typeof w === 'number') return undefined;
    names.push(quotedToken(w));
  }
  return anyLine([...names, nonNameEnumValue(type.keys)]);
}

/** Verdict. */
export const VERDICT: EnumType = {
  typeName: 'flow.Verdict',
  zeroName: 'VERDICT_UNKNOWN',
  keys: ['verdict'],
  label: 'verdict',
};
/** TrafficDirection. */
export const TRAFFIC_DIRECTION: EnumType = {
  typeName: 'flow.TrafficDirection',
  zeroName: 'TRAFFIC_DIRECTION_UNKNOWN',
  keys: ['traffic_direction', 'trafficDirection'],
  label: 'traffic direction',
};
/** DropReason (for `drop_reason_desc`). */
export const DROP_REASON: EnumType = {
  typeName: 'flow.DropReason',
  zeroName: 'DROP_REASON_UNKNOWN',
  keys: ['drop_reason_desc', 'dropReasonDesc'],
  label: 'drop reason',
};
/** IPVersion. */
export const IP_VERSION: EnumType = {
  typeName: 'flow.IPVersion',
  zeroName: 'IP_NOT_USED',
  keys: ['ipVersion'],
  label: 'ip version',
};
