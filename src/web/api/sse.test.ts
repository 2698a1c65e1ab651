import { describe, expect, it } from 'vitest';
import { backoffDelay, SseParser } from './sse';

describe('SseParser', () => {
  it('parses named events with JSON data', () => {
    const p = new SseParser();
    expect(p.feed('event: flow\ndata: {"a":1}\n\nevent: status\ndata: {}\n\n')).toEqual([
      { event: 'flow', data: '{"a":1}' },
      { event: 'status', data: '{}' },
    ]);
  });
  it('handles events split across chunks at any byte', () => {
    const text = 'event: lost\r\ndata: {"num_events_lost": 3}\r\nid: 9\r\n\r\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const p = new SseParser();
      const evs = [...p.feed(text.slice(0, cut)), ...p.feed(text.slice(cut))];
      expect(evs, `cut at ${cut}`).toEqual([{ event: 'lost', data: '{"num_events_lost": 3}', id: '9' }]);
    }
  });
  it('joins multi-line data, skips comments and defaults the event name', () => {
    const p = new SseParser();
    expect(p.feed(': keep-alive\ndata: a\ndata: b\n\n\n')).toEqual([{ event: 'message', data: 'a\nb' }]);
  });
  it('ignores an event name without data', () => {
    const p = new SseParser();
    expect(p.feed('event: flow\n\ndata: x\n\n')).toEqual([{ event: 'message', data: 'x' }]);
  });
});

describe('backoffDelay', () => {
  it('doubles from the base and stays within the cap', () => {
    expect(backoffDelay(0, 0)).toBe(250);
    expect(backoffDelay(0, 0.999)).toBeLessThanOrEqual(500);
    expect(backoffDelay(3, 0)).toBe(2000);
    expect(backoffDelay(50, 0.999)).toBeLessThanOrEqual(10_000);
    expect(backoffDelay(50, 0)).toBe(5000);
  });
});
