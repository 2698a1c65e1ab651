/**
 * The fast paths of the flow-log reader: isCanonicalEvent (use JSON.parse output as the event)
 * must never accept a value the decoder would change, reject or flag, and the raw-text checks
 * (escapes, spacing) must never accept a line that differs from its re-encoding.
 */
import { hubbleFixtureLines } from './testing.js';
import { describe, expect, it } from 'vitest';
import {
  canonicalEscapeLength,
  decodeEvent,
  encodeEvent,
  hasCanonicalChars,
  hasCanonicalSpacing,
  isCanonicalEvent,
  isCanonicalJsonText,
  quoteJson,
  type DecodeContext,
  type FlowEvent,
} from './index.js';

const lines = hubbleFixtureLines();

/** What the decoder makes of a value: the event, or undefined when it throws or flags it. */
function decodeCanonically(v: unknown): FlowEvent | undefined {
  const ctx: DecodeContext = { unknownFields: [], nonCanonical: false };
  try {
    const ev = decodeEvent(v, ctx);
    return ctx.nonCanonical || ctx.unknownFields!.length > 0 ? undefined : ev;
  } catch {
    return undefined;
  }
}

/** A deterministic pseudo-random generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Obj = Record<string, unknown>;

/** Every (object, key) pair of a JSON value, arrays' elements included. */
function slots(
  v: unknown,
  out: [Obj | unknown[], string | number][] = [],
): [Obj | unknown[], string | number][] {
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      out.push([v, i]);
      slots(x, out);
    });
  } else if (typeof v === 'object' && v !== null) {
    for (const k of Object.keys(v)) {
      out.push([v as Obj, k]);
      slots((v as Obj)[k], out);
    }
  }
  return out;
}

const REPLACEMENTS: unknown[] = [
  null,
  0,
  -0,
  1,
  -1,
  1.5,
  4294967296,
  '',
  '0',
  '1',
  '01',
  '-1',
  '1e3',
  'forwarded',
  'FORWARDED',
  'DROPPED',
  'UNKNOWN',
  'VERDICT_UNKNOWN',
  'UNENCRYPTED_TRAFFIC',
  '2024-05-01T12:00:00Z',
  '2024-05-01T12:00:00.500Z',
  '2024-05-01T12:00:00.500000Z',
  '2024-05-01T12:00:00+01:00',
  '2024-02-30T12:00:00Z',
  true,
  false,
  [],
  [null],
  ['a'],
  [1],
  {},
  { x: 1 },
];

function mutate(v: unknown, r: () => number): unknown {
  const copy = JSON.parse(JSON.stringify(v)) as unknown;
  const all = slots(copy);
  if (all.length === 0) return copy;
  const [parent, key] = all[Math.floor(r() * all.length)];
  const op = r();
  if (Array.isArray(parent)) {
    if (op < 0.2) parent.splice(key as number, 1);
    else parent[key as number] = REPLACEMENTS[Math.floor(r() * REPLACEMENTS.length)];
    return copy;
  }
  const obj = parent;
  const k = key as string;
  if (op < 0.6) {
    obj[k] = REPLACEMENTS[Math.floor(r() * REPLACEMENTS.length)];
  } else if (op < 0.7) {
    // Rename to camelCase, an unknown name, or a sibling-like name.
    const names = [
      k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
      'zzz',
      k + '_x',
      'flow',
      'time',
    ];
    const name = names[Math.floor(r() * names.length)];
    const entries = Object.entries(obj).map(([a, b]) => (a === k ? [name, b] : [a, b]));
    for (const a of Object.keys(obj)) delete obj[a];
    for (const [a, b] of entries) obj[a as string] = b;
  } else if (op < 0.85) {
    // Move the key to the end (reorders fields).
    const val = obj[k];
    delete obj[k];
    obj[k] = val;
  } else {
    delete obj[k];
  }
  return copy;
}

describe('isCanonicalEvent', () => {
  it('accepts every canonical line of the golden input and shared fixtures', () => {
    let canonical = 0;
    for (const line of lines) {
      const v = JSON.parse(line) as unknown;
      const decoded = decodeCanonically(v);
      const ok = isCanonicalEvent(v);
      if (ok) expect(decoded).toEqual(v);
      // On real Hubble output the check should not be needlessly conservative.
      if (decoded !== undefined && encodeEvent(decoded) === line) {
        expect(ok).toBe(true);
        canonical++;
      }
    }
    expect(canonical).toBeGreaterThan(500);
  });

  it('never accepts a value the decoder changes, rejects or flags (random mutations)', () => {
    const r = rng(42);
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < 30000; i++) {
      const base = JSON.parse(lines[Math.floor(r() * lines.length)]) as unknown;
      let v = mutate(base, r);
      if (r() < 0.3) v = mutate(v, r);
      if (isCanonicalEvent(v)) {
        accepted++;
        expect(decodeCanonically(v)).toEqual(v);
      } else rejected++;
    }
    expect(accepted).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(1000);
  });

  it('rejects non-objects, bare flows, unknown and duplicate-name fields', () => {
    for (const v of [
      null,
      [],
      'x',
      1,
      { time: '2024-05-01T12:00:00Z', verdict: 'DROPPED' },
      { flow: { uuid: 'a', zzz: 1 } },
      { flow: { uuid: 'a' }, agent_event: {} },
      { flow: { l4: { TCP: { source_port: 1 }, UDP: { source_port: 2 } } } },
      JSON.parse('{"flow":{"uuid":"a","__proto__":{}}}'),
      { flow: { IP: { ipVersion: 'IPv4', source: '1.2.3.4' } } },
    ])
      expect(isCanonicalEvent(v)).toBe(false);
    expect(isCanonicalEvent({ flow: { uuid: 'a', verdict: 'DROPPED' }, node_name: 'n' })).toBe(true);
  });
});

describe('canonical JSON text', () => {
  it('accepts exactly the escapes quoteJson writes, for every UTF-16 unit', () => {
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      const want = quoteJson(ch);
      // Every \u spelling of the unit, and the short form when JSON has one.
      const hex = c.toString(16).padStart(4, '0');
      const spellings = new Set([`"\\u${hex}"`, `"\\u${hex.toUpperCase()}"`]);
      const short: Record<string, string> = {
        '"': '\\"',
        '\\': '\\\\',
        '/': '\\/',
        '\b': '\\b',
        '\f': '\\f',
        '\n': '\\n',
        '\r': '\\r',
        '\t': '\\t',
      };
      if (short[ch]) spellings.add(`"${short[ch]}"`);
      for (const s of spellings) {
        const accepted = canonicalEscapeLength(s, 1) === s.length - 2;
        if (accepted !== (s === want))
          throw new Error(`U+${hex}: ${s} accepted=${accepted}, quoteJson=${want}`);
      }
    }
  });

  it('rejects raw characters Go escapes and malformed escapes', () => {
    for (const s of ['"<"', '">"', '"&"', '"\u2028"', '"\u2029"', '"a\tb"', '"\\u00"', '"\\x"', '"\\'])
      expect(hasCanonicalChars(s)).toBe(false);
    expect(hasCanonicalChars('{"a":"x \\"y\\" \\u003c\\\\"}')).toBe(true);
  });

  const spacing: { line: string; want: boolean }[] = [
    { line: '{"a":"HTTP/1.1 200 5ms"}', want: true },
    { line: '{"a":"TTL: 300 (x)"}', want: true },
    { line: '{"a":"x \\" 1 2"}', want: true },
    { line: '{"a":"x \\\\", "b":1}', want: false },
    { line: '{"a":"x\\\\" ,"b":1}', want: false },
    { line: '{"a": 1}', want: false },
    { line: '{"a":1 }', want: false },
    { line: ' {"a":1}', want: false },
    { line: '{"a":1} ', want: false },
    { line: '{"a":[1, 2]}', want: false },
    { line: '{"a":"1 2","b":[1 ,2]}', want: false },
    { line: '{"a":"\\" 1"}', want: true },
  ];
  for (const c of spacing) {
    it(`spacing of ${c.line} is ${c.want ? '' : 'not '}canonical`, () => {
      JSON.parse(c.line);
      expect(hasCanonicalSpacing(c.line)).toBe(c.want);
    });
  }

  it('accepts a line only if it equals its re-encoding (golden lines, respaced and escaped)', () => {
    let kept = 0;
    const variants = lines.flatMap((l) => [
      l,
      l.replace(/":"/g, '": "'),
      l.replace(/,"/, ', "'),
      l.replace(/"Summary":"/, '"Summary":" x \\" 1 '),
      l.replace(/"Summary":"/, '"Summary":"\\u0026\\u003c \\/'),
    ]);
    for (const line of variants) {
      const v = JSON.parse(line) as unknown;
      if (!isCanonicalEvent(v) || !isCanonicalJsonText(line)) continue;
      kept++;
      expect(encodeEvent(v)).toBe(line);
    }
    expect(kept).toBeGreaterThan(lines.length);
  });
});
