/**
 * Printer conformance suite: every registered printer obeys the `Printer` contract. A new
 * printer opts in by being in `builtinPrinters` (or by adding its factory to `factories`).
 */
import { describe, expect, it } from 'vitest';
import type { FlowEvent } from '../../flow/index.js';
import { builtinPrinters, defaultPrinterOptions, type PrinterFactory } from './index.js';

const factories: readonly PrinterFactory[] = builtinPrinters;

const flows: FlowEvent[] = [
  {
    flow: {
      time: '2024-05-01T12:00:00.5Z',
      IP: { source: '10.0.0.1', destination: '10.0.0.2' },
      l4: { TCP: { source_port: 1234, destination_port: 80 } },
      verdict: 'FORWARDED',
      event_type: { type: 4 },
      is_reply: false,
      Summary: 'TCP Flags: SYN',
    },
    time: '2024-05-01T12:00:00.5Z',
  },
  { flow: { time: '2024-05-01T12:00:01Z', verdict: 'DROPPED', event_type: { type: 1, sub_type: 133 } } },
];
const nonFlows: FlowEvent[] = [
  {},
  { lost_events: { num_events_lost: '7' } },
  { node_status: { state_change: 'NODE_ERROR' } },
];

for (const factory of factories) {
  describe(`printer conformance > ${factory.name}`, () => {
    const make = () => factory.create({ ...defaultPrinterOptions, format: factory.name, debug: true });

    it('reports its canonical format', () => {
      expect(make().format).toBe(factory.name);
    });

    it('prints nothing on stdout for responses without a flow', () => {
      const p = make();
      for (const ev of nonFlows) expect(p.event(ev)).toBe('');
      expect(p.footer()).toBe('');
    });

    it('prints nothing on stderr for flows', () => {
      const p = make();
      for (const ev of flows) expect(p.status(ev)).toBe('');
    });

    it('produces complete newline-terminated output mentioning every flow', () => {
      const p = make();
      const out = flows.map((e) => p.event(e)).join('') + p.footer();
      expect(out.endsWith('\n')).toBe(true);
      expect(out).toContain('10.0.0.1');
      expect(out).toContain('DROPPED');
    });

    it('reports shown node-status events on stderr only', () => {
      const p = make();
      const ev: FlowEvent = {
        node_status: { state_change: 'NODE_ERROR', node_names: ['node-1'], message: 'm' },
      };
      expect(p.event(ev)).toBe('');
      expect(p.status(ev)).toContain('node-1');
    });

    it('has a help text', () => {
      expect(factory.help.length).toBeGreaterThan(10);
    });
  });
}
