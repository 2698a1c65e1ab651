/**
 * Global setup of the browser suite: one `flowlens serve` for every test file, fed through
 * stdin with one time-ordered stream: an hour of simulated flows (every built-in scenario) with
 * the hostile and extra-L7 flows merged in, then every scenario live from the simulator.
 * Files read the address with `inject('serveUrl')`. The teardown stops everything it started.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { feed, l7Extras, writeHour, xssFlows } from './fixtures.js';
import { startServe } from './serve.js';

declare module 'vitest' {
  export interface ProvidedContext {
    serveUrl: string;
    /** Epoch ms of the first simulated flow (the hour starts here). */
    fixtureStart: number;
    hourFlows: number;
    /** Directory holding xss.jsonl (hostile flows) for servers a test starts itself. */
    dataDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-browser-'));
  const end = Date.now();
  const hourFlows = await writeHour(join(dir, 'hour.jsonl'), end, 60, 60);
  writeFileSync(
    join(dir, 'xss.jsonl'),
    xssFlows(end)
      .map((e) => JSON.stringify(e))
      .join('\n') + '\n',
  );
  const main = await startServe({ sources: ['stdin'], stdin: true });
  const live = await feed(
    main.proc.stdin!,
    join(dir, 'hour.jsonl'),
    [...xssFlows(end), ...l7Extras(end)],
    60,
  );
  for (let i = 0; i < 600; i++) {
    const s = (await (await fetch(`${main.url}/api/v1/status`)).json()) as { seenFlows: number };
    if (s.seenFlows >= hourFlows) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  project.provide('serveUrl', main.url);
  project.provide('fixtureStart', end - 3_600_000);
  project.provide('hourFlows', hourFlows);
  project.provide('dataDir', dir);
  return async () => {
    live.stop();
    main.proc.stdin?.end();
    await main.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
