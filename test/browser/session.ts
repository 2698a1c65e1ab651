/**
 * Per-file browser session of the suite: Chromium and one context with the XSS watch, opened
 * before a file's tests and closed after; plus the shared assertions about page problems.
 */
import { afterAll, beforeAll, inject } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { launch, type Launched, type PageProblems } from './browser.js';
import { prepareContext } from './pages.js';

export const VIEWPORT = { width: 1500, height: 1000 };

export interface Session {
  chrome: Launched;
  ctx: BrowserContext;
  url: string;
}

/** Registers beforeAll/afterAll hooks; the returned object is filled before the tests run. */
export function browserSession(): Session {
  const s = { url: inject('serveUrl') } as Session;
  beforeAll(async () => {
    s.chrome = await launch();
    s.ctx = await s.chrome.browser.newContext({ viewport: VIEWPORT, acceptDownloads: true });
    await prepareContext(s.ctx);
  });
  afterAll(async () => {
    await s.ctx?.close().catch(() => undefined);
    await s.chrome?.close();
  });
  return s;
}

/** An absolute range from the start of the hour of data to now (the suite runs for minutes). */
export function dataRange(): string {
  return `from=${new Date(inject('fixtureStart')).toISOString()}&to=${new Date().toISOString()}`;
}

/** Problems except an expected 501/404 of the diagnosis route on a server without the engine. */
export function unexpected(p: PageProblems, diagnosisMissing = false): string[] {
  const ok = (s: string) => diagnosisMissing && /status of (501|404)/.test(s);
  return [...p.console.filter((s) => !ok(s)), ...p.page, ...p.requests];
}

/** True when the server has no diagnosis engine. */
export async function diagnosisMissing(url: string): Promise<boolean> {
  const r = await fetch(`${url}/api/v1/diagnosis`);
  return r.status === 501 || r.status === 404;
}
