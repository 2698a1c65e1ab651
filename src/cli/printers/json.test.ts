import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeEvent, setRawJson, type FlowEvent } from '../../flow/index.js';
import { createPrinter, defaultPrinterOptions } from './index.js';

const line = readFileSync(new URL('../../../test/golden-hubble/input.jsonl', import.meta.url), 'utf8').split(
  '\n',
)[0];

function event(ascii: boolean | undefined): FlowEvent {
  const ev = decodeEvent(JSON.parse(line));
  if (ascii !== undefined) setRawJson(ev, line, ascii);
  return ev;
}

describe('JsonPrinter.asciiLine', () => {
  const json = createPrinter({ ...defaultPrinterOptions, format: 'json' });
  const jsonpb = createPrinter({ ...defaultPrinterOptions, format: 'jsonpb' });
  const legacy = createPrinter({ ...defaultPrinterOptions, format: 'json', legacyJson: true });

  it('returns the kept ASCII line, which is what event() prints without the newline', () => {
    for (const p of [json, jsonpb]) {
      const ev = event(true);
      expect(p.asciiLine?.(ev)).toBe(line);
      expect(p.event(ev)).toBe(line + '\n');
    }
  });
  it('returns nothing without an ASCII raw line, for non-flows and for legacy bare flows', () => {
    expect(json.asciiLine?.(event(false))).toBeUndefined();
    expect(json.asciiLine?.(event(undefined))).toBeUndefined();
    expect(legacy.asciiLine?.(event(true))).toBeUndefined();
    const status: FlowEvent = { node_status: { state_change: 'NODE_ERROR' } } as FlowEvent;
    setRawJson(status, '{"node_status":{}}', true);
    expect(json.asciiLine?.(status)).toBeUndefined();
  });
});
