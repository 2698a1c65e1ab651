/**
 * FlowLineParser must be JSON.parse, only cheaper: the same value (deep-equal), the same errors,
 * and the same canonical verdict, for real flow logs and for lines built to mislead it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEvent, encodeEvent, isCanonicalEvent } from './index.js';
import { FlowLineParser } from './line-parser.js';
import { hubbleFixtureLines } from './testing.js';

const lines = hubbleFixtureLines();
/** The fixtures as our writer prints them: canonical text, endpoints and all. */
const canonical = lines.map((l) => encodeEvent(decodeEvent(JSON.parse(l))));

/** What JSON.parse does with a line: its value or its error message. */
function outcome(parse: (l: string) => unknown, line: string): unknown {
  try {
    return { value: parse(line) };
  } catch (err) {
    return { error: String(err) };
  }
}

function expectSame(p: FlowLineParser, line: string): void {
  const want = outcome(JSON.parse, line);
  const got = outcome((l) => p.parse(l), line);
  expect(got).toEqual(want);
  const v = (got as { value?: unknown }).value;
  if (v !== undefined) expect(isCanonicalEvent(v)).toBe(isCanonicalEvent(JSON.parse(line)));
}

describe('FlowLineParser', () => {
  it('returns what JSON.parse returns for every fixture line, twice over, sharing endpoints', () => {
    const p = new FlowLineParser();
    for (const l of [...lines, ...canonical, ...lines, ...canonical]) expectSame(p, l);
    expect(p.stats.admitted).toBeGreaterThan(10);
    expect(p.stats.hits).toBeGreaterThan(canonical.length);
    expect(p.stats.fallbacks).toBe(0);
    // Two lines of the same pod share one frozen endpoint object.
    const a = p.parse(canonical[0]) as { flow: { source: object } };
    const b = p.parse(canonical[0]) as { flow: { source: object } };
    expect(a).not.toBe(b);
    expect(a.flow.source).toBe(b.flow.source);
    expect(Object.isFrozen(a.flow.source)).toBe(true);
    expect(() => {
      'use strict';
      (a.flow.source as { pod_name?: string }).pod_name = 'x';
    }).toThrow(TypeError);
  });

  it('is JSON.parse on lines made to look like cached ones', () => {
    const p = new FlowLineParser();
    const line = canonical.find((l) => l.includes(',"source":{') && l.includes(',"destination":{'))!;
    p.parse(line);
    p.parse(line);
    expect(p.stats.hits).toBe(2);
    const src = line.slice(line.indexOf(',"source":{') + 10, line.indexOf(',"destination":{'));
    const tricky = [
      // The endpoint text followed by more members of the same object.
      line.replace(`"source":${src}`, `"source":${src.slice(0, -1)},"x":1}`),
      // A duplicate key: JSON.parse keeps the last.
      line.replace(',"destination":{', `,"source":{"ID":1},"destination":{`),
      line.slice(0, -1) + `,"source":${src}}`,
      // The key inside a nested object, before the flow's own.
      line.replace('{"flow":{', `{"flow":{"l7":{"x":{"y":0,"source":${src}}},`),
      // Outside the flow object.
      `{"x":{"a":1,"source":${src}},"flow":{"time":"2024-05-01T12:00:00Z"}}`,
      `[1,{"a":1,"source":${src}}]`,
      `{"flow":[1,{"a":1,"source":${src}}]}`,
      `{"flow":null,"a":{"b":1,"source":${src}}}`,
      // Cut short and broken after, inside and before the endpoint.
      line.slice(0, line.length - 5),
      line.slice(0, line.indexOf(',"destination":{') + 20),
      line.replace(',"Type":', ',"Type":,'),
      line.replace('"flow":{', '"flow":{,'),
      line + ' x',
      line.replace(src, src + ' '),
    ];
    for (const t of tricky) expectSame(p, t);
    // The misleading ones did reach the shortened parse and were caught there.
    expect(p.stats.fallbacks).toBeGreaterThanOrEqual(5);
  });

  it('is JSON.parse on random edits of flow lines (property)', () => {
    const p = new FlowLineParser();
    for (const l of canonical) p.parse(l);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: canonical.length - 1 }),
        fc.nat(),
        fc.nat(),
        fc.string({ maxLength: 12 }),
        (i, a, b, ins) => {
          const l = canonical[i];
          const x = a % (l.length + 1);
          const y = Math.min(l.length, x + (b % 40));
          expectSame(p, l.slice(0, x) + ins + l.slice(y));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('keeps at most maxEntries endpoints and bounds the admissions', () => {
    const p = new FlowLineParser({ maxEntries: 8 });
    const base = JSON.parse(canonical[0]) as { flow: { source: { pod_name: string } } };
    for (let i = 0; i < 5000; i++) {
      base.flow.source.pod_name = `pod-${i}`;
      const l = JSON.stringify(base);
      expectSame(p, l);
      expect(p.size).toBeLessThanOrEqual(8);
    }
    // 64 admissions per 1,024 lines, at most.
    expect(p.stats.admitted).toBeLessThanOrEqual(64 * 5 + 64);
    expect(p.stats.admitted).toBeGreaterThan(64 * 4);
  });

  it('shares only canonical endpoints', () => {
    const p = new FlowLineParser();
    const base = JSON.parse(canonical[0]) as { flow: { source: Record<string, unknown> } };
    base.flow.source.cluster_name = 'c1'; // newer than the legacy schema: not canonical
    const l = JSON.stringify(base);
    for (let i = 0; i < 3; i++) expectSame(p, l);
    const v = p.parse(l) as { flow: { source: object } };
    expect(Object.isFrozen(v.flow.source)).toBe(false);
    expect(isCanonicalEvent(v)).toBe(false);
  });
});
