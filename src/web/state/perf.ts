/**
 * Speed marks the browser suite reads: `window.__flowlensPerf` holds milliseconds since
 * navigation start for the first complete dashboard render, map layouts and live-table stats.
 */

export interface PerfRecord {
  dashboardReady?: { id: string; ms: number };
  map?: { nodes: number; edges: number; layout: string; layoutMs: number; totalMs: number };
  flows?: { received: number; lost: number; rendered: number; batches: number; maxBatch: number };
}

declare global {
  interface Window {
    __flowlensPerf?: PerfRecord;
  }
}

function rec(): PerfRecord {
  return (window.__flowlensPerf ??= {});
}

export const perf = {
  /** First complete render of a dashboard since navigation (only the first one counts). */
  dashboardReady(id: string): void {
    const r = rec();
    if (r.dashboardReady) return;
    performance.mark('flowlens:dashboard-ready');
    r.dashboardReady = { id, ms: performance.now() };
  },
  map(m: NonNullable<PerfRecord['map']>): void {
    rec().map = m;
  },
  flows(f: NonNullable<PerfRecord['flows']>): void {
    rec().flows = f;
  },
};
