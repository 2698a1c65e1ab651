/**
 * The virtualised flows table: only the visible rows exist in the DOM, so tens of thousands of
 * buffered flows scroll and update cheaply. Rows read the buffer newest-first; row view models
 * are cached by arrival number. Every cell is text.
 */
import { useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { FlowEvent } from '../../flow/types';
import { flowRow, type FlowRow } from '../model/flow-view';

const ROW_HEIGHT = 26;

export interface RowSource {
  count: number;
  /** The i-th row from the top (newest first). */
  at(i: number): { ev: FlowEvent; seq: number } | undefined;
}

interface Props {
  source: RowSource;
  /** Changes whenever the source content changes. */
  version: number;
  selected: ReadonlySet<number>;
  onToggle: (seq: number, index: number, shift: boolean) => void;
  onOpen: (ev: FlowEvent, seq: number) => void;
  activeSeq?: number;
}

const rowCache = new Map<number, FlowRow | null>();

function rowOf(ev: FlowEvent, seq: number): FlowRow | null {
  let r = rowCache.get(seq);
  if (r === undefined) {
    r = flowRow(ev, seq) ?? null;
    if (rowCache.size > 200_000) rowCache.clear();
    rowCache.set(seq, r);
  }
  return r;
}

/** Drops cached rows (call when the buffer is cleared: arrival numbers restart). */
export function clearRowCache(): void {
  rowCache.clear();
}

export function FlowsTable({ source, version, selected, onToggle, onOpen, activeSeq }: Props) {
  const parentRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({
    count: source.count,
    getScrollElement: () => parentRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  return (
    <div
      className="flows-table"
      role="table"
      aria-label="Flows"
      aria-rowcount={source.count}
      data-version={version}
    >
      <div className="ft-row ft-head" role="row">
        <span role="columnheader" />
        <span role="columnheader">Time (UTC)</span>
        <span role="columnheader">Node</span>
        <span role="columnheader">Source</span>
        <span role="columnheader">Destination</span>
        <span role="columnheader">Port</span>
        <span role="columnheader">Proto</span>
        <span role="columnheader">Verdict</span>
        <span role="columnheader">Summary</span>
      </div>
      <div ref={parentRef} className="ft-scroll" data-testid="flows-scroll">
        <div style={{ height: v.getTotalSize(), position: 'relative' }}>
          {v.getVirtualItems().map((item) => {
            const e = source.at(item.index);
            if (!e) return null;
            const r = rowOf(e.ev, e.seq);
            if (!r) {
              return (
                <div
                  key={item.key}
                  className="ft-row ft-meta"
                  style={{ transform: `translateY(${item.start}px)` }}
                  role="row"
                >
                  <span />
                  <span>
                    {e.ev.lost_events
                      ? `lost ${e.ev.lost_events.num_events_lost ?? '?'} events`
                      : 'node status'}
                  </span>
                </div>
              );
            }
            return (
              <div
                key={item.key}
                role="row"
                data-testid="flow-row"
                data-verdict={r.verdict}
                className={`ft-row v-${r.verdict.toLowerCase()}${activeSeq === e.seq ? ' active' : ''}${selected.has(e.seq) ? ' selected' : ''}`}
                style={{ transform: `translateY(${item.start}px)` }}
                onClick={() => onOpen(e.ev, e.seq)}
              >
                <span role="cell">
                  <input
                    type="checkbox"
                    aria-label="Select flow"
                    checked={selected.has(e.seq)}
                    onClick={(ev) => {
                      ev.stopPropagation();
                      onToggle(e.seq, item.index, ev.shiftKey);
                    }}
                    onChange={() => undefined}
                  />
                </span>
                <span role="cell">{r.time}</span>
                <span role="cell">{r.node}</span>
                <span role="cell" title={r.source}>
                  {r.source}
                </span>
                <span role="cell" title={r.destination}>
                  {r.destination}
                </span>
                <span role="cell">{r.dstPort ?? ''}</span>
                <span role="cell">{r.l7 || r.protocol}</span>
                <span role="cell" className="verdict">
                  {r.verdict}
                  {r.dropReason ? ` (${r.dropReason})` : ''}
                </span>
                <span role="cell" title={r.summary}>
                  {r.summary}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
