/**
 * Server-Sent Events parsing for streams read with fetch (EventSource cannot send an
 * Authorization header). Feed decoded text chunks; complete events come out in order.
 */

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** Incremental SSE parser (WHATWG rules: fields, multi-line data, comments, CR/LF/CRLF). */
export class SseParser {
  #buf = '';
  #event = '';
  #data: string[] = [];
  #id: string | undefined;

  /** Parses a chunk and returns the events it completed. */
  feed(chunk: string): SseEvent[] {
    this.#buf += chunk;
    const out: SseEvent[] = [];
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.#buf);
      if (!m) break;
      // A lone \r at the end may be the first half of \r\n: wait for more input.
      if (m[0] === '\r' && m.index === this.#buf.length - 1) break;
      const line = this.#buf.slice(0, m.index);
      this.#buf = this.#buf.slice(m.index + m[0].length);
      const ev = this.#line(line);
      if (ev) out.push(ev);
    }
    return out;
  }

  #line(line: string): SseEvent | undefined {
    if (line === '') {
      if (this.#data.length === 0) {
        this.#event = '';
        return undefined;
      }
      const ev: SseEvent = { event: this.#event || 'message', data: this.#data.join('\n') };
      if (this.#id !== undefined) ev.id = this.#id;
      this.#event = '';
      this.#data = [];
      return ev;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
    return undefined;
  }
}

/**
 * Exponential back-off with full jitter bounds: attempt 0 → base, doubling up to `max`.
 * `rand` in [0, 1) spreads retries of many tabs.
 */
export function backoffDelay(attempt: number, rand: number, base = 500, max = 10_000): number {
  const cap = Math.min(max, base * 2 ** Math.min(attempt, 20));
  return Math.round(cap / 2 + (cap / 2) * rand);
}
