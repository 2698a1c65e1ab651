import { describe, expect, it } from 'vitest';
import { dedupeResumed, ResumePoint } from './stream';

const ev = (time: string, uuid: string) => ({ flow: { time, uuid } });
const uuids = (evs: { flow?: { uuid?: string } }[]) => evs.map((e) => e.flow?.uuid);

describe('ResumePoint', () => {
  it('resumes at the newest millisecond seen, whatever order flows came in', () => {
    const p = new ResumePoint();
    expect(p.since()).toBeUndefined();
    p.note([
      ev('2026-11-20T08:00:00.500000001Z', 'a'),
      // Another node's flow, older, delivered later: it does not move the point back.
      ev('2026-11-20T08:00:00.100000000Z', 'b'),
      ev('2026-11-20T08:00:00.500900000Z', 'c'),
    ]);
    expect(p.since()).toBe('2026-11-20T08:00:00.500Z');
    expect([...p.snapshot().at]).toHaveLength(2);
  });
});

describe('dedupeResumed', () => {
  it('drops what a resumed stream repeats and keeps what is new, in any order', () => {
    const p = new ResumePoint();
    p.note([ev('2026-11-20T08:00:00.500000000Z', 'seen'), ev('2026-11-20T08:00:00.500000700Z', 'seen2')]);
    const batch = [
      ev('2026-11-20T08:00:00.100000000Z', 'old'),
      ev('2026-11-20T08:00:00.500000000Z', 'seen'),
      ev('2026-11-20T08:00:00.500000700Z', 'seen2'),
      ev('2026-11-20T08:00:00.500000000Z', 'same-ms-new'),
      ev('2026-11-20T08:00:01Z', 'next'),
      ev('2026-11-20T08:00:00.700000000Z', 'late-but-new'),
    ];
    expect(uuids(dedupeResumed(batch, p.snapshot()))).toEqual(['same-ms-new', 'next', 'late-but-new']);
  });
  it('the snapshot does not move with flows noted after the reconnect', () => {
    const p = new ResumePoint();
    p.note([ev('2026-11-20T08:00:00.500Z', 'a')]);
    const r = p.snapshot();
    p.note([ev('2026-11-20T08:00:02Z', 'b')]);
    expect(uuids(dedupeResumed([ev('2026-11-20T08:00:01Z', 'c')], r))).toEqual(['c']);
  });
});
