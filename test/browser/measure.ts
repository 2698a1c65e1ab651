/**
 * The speed figures of the web UI, measured in Chromium: first dashboard render after a
 * navigation (an hour of data in the server), the service map's layout of 500 workloads and
 * 3,000 edges and its panning frame rate, and the live flows table fed 2,000 flows/s.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { Launched } from './browser.js';
import { listBuiltinScenarios, loadScenario, simulateLines } from '../../src/sim/index.js';
import { prepareContext } from './pages.js';
import { startServe } from './serve.js';

export type Figures = Record<string, string>;

const DASHBOARDS: [string, string][] = [
  ['clusters', 'Clusters'],
  ['dns-cluster', 'DNS (Cluster)'],
  ['dns-workload', 'DNS (Workload)'],
  ['drops-workload', 'Drops (Workload)'],
  ['pod-flows-namespace', 'Pod Flows (Namespace)'],
  ['pod-flows-workload', 'Pod Flows (Workload)'],
  ['l7-namespace', 'L7 Flows (Namespace)'],
  ['l7-workload', 'L7 Flows (Workload)'],
];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

/** Milliseconds from navigation start to the dashboard's first complete render. */
async function dashboardReadyMs(page: Page, url: string): Promise<number> {
  await page.goto(url);
  await page.waitForSelector('[data-testid="dashboard"][data-ready="true"]', { timeout: 120_000 });
  return page.evaluate(
    () =>
      (window as unknown as { __flowlensPerf: { dashboardReady: { ms: number } } }).__flowlensPerf
        .dashboardReady.ms,
  );
}

/**
 * First render of each dashboard (open rows), last hour; Clusters three times (median). Returns
 * the milliseconds per dashboard id.
 */
export async function measureDashboards(
  ctx: BrowserContext,
  base: string,
  figures: Figures,
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [id, title] of DASHBOARDS) {
    const runs = id === 'clusters' ? 3 : 1;
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const page = await ctx.newPage();
      ms.push(await dashboardReadyMs(page, `${base}/dashboards/${id}?range=1h`));
      await page.close();
    }
    const panels = runs > 1 ? ` (median of ${runs}: ${ms.map((m) => m.toFixed(0)).join(', ')})` : '';
    figures[`dashboard first render, ${title} (1h)`] = `${median(ms).toFixed(0)} ms${panels}`;
    out[id] = median(ms);
  }
  return out;
}

/** Records requestAnimationFrame intervals in the page until stopped. */
async function startFrames(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __framesOn: boolean; __long: number[] };
    w.__frames = [];
    w.__long = [];
    w.__framesOn = true;
    let last = performance.now();
    const tick = (t: number) => {
      w.__frames.push(t - last);
      last = t;
      if (w.__framesOn) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    try {
      new PerformanceObserver((l) => l.getEntries().forEach((e) => w.__long.push(e.duration))).observe({
        type: 'longtask',
        buffered: false,
      });
    } catch {
      /* longtask not supported */
    }
  });
}

async function stopFrames(page: Page): Promise<{ frames: number[]; long: number[] }> {
  return page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __framesOn: boolean; __long: number[] };
    w.__framesOn = false;
    return { frames: w.__frames.slice(1), long: w.__long };
  });
}

/** Layout of the synthetic 500 × 3,000 map, then a 2-second mouse pan. */
export async function measureMap(
  ctx: BrowserContext,
  base: string,
  figures: Figures,
): Promise<{ nodes: number; edges: number; layoutMs: number; panFrames: number }> {
  const page = await ctx.newPage();
  await page.goto(`${base}/service-map?synthetic=500x3000`);
  await page.waitForSelector('[data-testid="service-map"][data-layout-done]', { timeout: 120_000 });
  const m = await page.evaluate(
    () =>
      (
        window as unknown as {
          __flowlensPerf: {
            map: { nodes: number; edges: number; layout: string; layoutMs: number; totalMs: number };
          };
        }
      ).__flowlensPerf.map,
  );
  figures['map 500 workloads / 3,000 edges: layout'] = `${m.layoutMs.toFixed(0)} ms (${m.layout})`;
  figures['map 500 workloads / 3,000 edges: data → drawn'] = `${m.totalMs.toFixed(0)} ms`;
  const box = (await page.locator('[data-testid="service-map"]').boundingBox())!;
  await startFrames(page);
  const t0 = Date.now();
  await page.mouse.move(box.x + 8, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 60; i++) {
    await page.mouse.move(box.x + 8 + i * 6, box.y + box.height / 2 + i * 2);
    await page.waitForTimeout(16);
  }
  await page.mouse.up();
  const dur = Date.now() - t0;
  const { frames } = await stopFrames(page);
  figures['map pan (60 mouse moves)'] =
    `${((frames.length * 1000) / dur).toFixed(1)} frames/s, frame median ${median(frames).toFixed(1)} ms, p95 ${pct(frames, 0.95).toFixed(1)} ms`;
  await page.close();
  return { ...m, panFrames: frames.length };
}

/** Lines of simulated flows stamped from `start` over `seconds` at about `rate` flows/s. */
function liveLines(start: number, seconds: number, rate: number): { t: number; line: string }[] {
  const names = listBuiltinScenarios().map((s) => s.name);
  const out: { t: number; line: string }[] = [];
  for (const n of names)
    for (const line of simulateLines(loadScenario(n), {
      start,
      durationMs: seconds * 1000,
      rate: rate / names.length,
    })) {
      out.push({ t: Date.parse(/"time":"([^"]+)"/.exec(line)?.[1] ?? '') - start, line });
    }
  return out.sort((a, b) => a.t - b.t);
}

/**
 * A serve fed through stdin at 2,000 flows/s for 10 s while /flows is live: how many arrive,
 * whether the table shows them all, and the page's frame times meanwhile.
 */
export async function measureFlowsThroughput(
  chrome: Launched,
  figures: Figures,
): Promise<{ sent: number; seen: number; received: number; lost: number; shown: number; lagMs: number }> {
  const served = await startServe({ sources: ['stdin'], stdin: true });
  const ctx = await chrome.browser.newContext({ viewport: { width: 1500, height: 1000 } });
  await prepareContext(ctx);
  try {
    const page = await ctx.newPage();
    await page.goto(`${served.url}/flows`);
    await page.waitForSelector('[data-testid="flows-page"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="connection"]')?.getAttribute('data-state') === 'connected',
    );
    // The stream is open before the first flow is written, so none can precede it.
    await page.waitForFunction(
      () => document.querySelector('[data-testid="stream-state"]')?.textContent === 'open',
    );
    await page.waitForTimeout(500);
    const start = Date.now() + 500;
    const lines = liveLines(start, 10, 2000);
    await startFrames(page);
    const t0 = Date.now();
    let i = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = Date.now() - t0;
        let chunk = '';
        while (i < lines.length && lines[i].t <= now) chunk += lines[i++].line + '\n';
        if (chunk) served.proc.stdin!.write(chunk);
        if (i >= lines.length) {
          clearInterval(timer);
          resolve();
        }
      }, 50);
    });
    const sendMs = Date.now() - t0;
    const perfFlows = async () =>
      page.evaluate(
        () =>
          (window as unknown as { __flowlensPerf?: { flows?: { received: number; lost: number } } })
            .__flowlensPerf?.flows ?? { received: 0, lost: 0 },
      );
    let got = await perfFlows();
    const tEnd = Date.now();
    while (got.received + got.lost < lines.length && Date.now() - tEnd < 15_000) {
      await page.waitForTimeout(100);
      got = await perfFlows();
    }
    const lag = Date.now() - tEnd;
    const { frames, long } = await stopFrames(page);
    const shown = Number(
      /(\d+) shown/.exec((await page.textContent('[data-testid="flow-count"]')) ?? '')?.[1] ?? 0,
    );
    const status = (await (await fetch(`${served.url}/api/v1/status`)).json()) as {
      seenFlows: number;
      lostFlows: number;
    };
    figures['flows table at 2,000 flows/s'] =
      `${lines.length} sent in ${(sendMs / 1000).toFixed(1)} s (${((lines.length * 1000) / sendMs).toFixed(0)}/s), server saw ${status.seenFlows}; table received ${got.received} (${got.lost} reported lost), shown ${shown}; caught up ${lag} ms after the last write`;
    figures['flows table frames meanwhile'] =
      `median ${median(frames).toFixed(1)} ms, p95 ${pct(frames, 0.95).toFixed(1)} ms, ${long.length} long tasks (max ${long.length ? Math.max(...long).toFixed(0) : 0} ms)`;
    return {
      sent: lines.length,
      seen: status.seenFlows,
      received: got.received,
      lost: got.lost,
      shown,
      lagMs: lag,
    };
  } finally {
    served.proc.stdin?.end();
    await ctx.close();
    await served.stop();
  }
}
