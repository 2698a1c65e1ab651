import { describe, expect, it } from 'vitest';
import { dedupeResumed } from './stream';

const ev = (time: string, uuid: string) => ({ flow: { time, uuid } });

describe('dedupeResumed', () => {
  const last = '2026-11-20T08:00:00.500000000Z';
  it('drops what a resumed stream repeats and keeps what is new', () => {
    const batch = [
      ev('2026-11-20T08:00:00.100000000Z', 'old'),
      ev(last, 'seen'),
      ev(last, 'same-time-new'),
      ev('2026-11-20T08:00:01Z', 'next'),
    ];
    expect(dedupeResumed(batch, last, new Set(['seen'])).map((e) => e.flow?.uuid)).toEqual([
      'same-time-new',
      'next',
    ]);
  });
  it('passes everything through on the first connection', () => {
    const batch = [ev(last, 'a')];
    expect(dedupeResumed(batch, undefined, new Set())).toBe(batch);
  });
});
