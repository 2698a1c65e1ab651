/**
 * Wires the diagnosis engine to the flow history: reads the selected window (default the last
 * 15 minutes, at most 500,000 flows) through a DiagnosisAccumulator and runs the rules.
 */
import { DiagnosisAccumulator, diagnose, type DiagnosisReport } from '../../diagnose/index.js';
import { timeFromMillis } from '../../flow/index.js';
import type { FlowHistory } from '../../pipeline/index.js';
import type { FlowSelection } from '../../server/http/index.js';

/** Most flows one diagnosis reads. */
export const MAX_DIAGNOSIS_FLOWS = 500_000;

/** Runs a diagnosis over the history for a selection. */
export async function diagnoseHistory(
  history: FlowHistory,
  sel: Pick<FlowSelection, 'since' | 'until' | 'predicate'>,
  signal: AbortSignal,
  defaultWindowMs = 15 * 60_000,
): Promise<DiagnosisReport> {
  const since = sel.since ?? timeFromMillis(Date.now() - defaultWindowMs);
  const acc = new DiagnosisAccumulator();
  let n = 0;
  for await (const batch of history.read(
    { number: 0, first: false, follow: false, since, until: sel.until, predicate: sel.predicate },
    signal,
  )) {
    for (const ev of batch) {
      if (!ev.flow) continue;
      acc.add(ev);
      if (++n >= MAX_DIAGNOSIS_FLOWS) break;
    }
    if (n >= MAX_DIAGNOSIS_FLOWS || signal.aborted) break;
  }
  return diagnose(acc, { since, until: sel.until });
}

/** The HTTP backend's diagnosis function. */
export function diagnosisProvider(
  history: FlowHistory,
): (sel: FlowSelection, signal: AbortSignal) => Promise<unknown> {
  return (sel, signal) => diagnoseHistory(history, sel, signal);
}
