/**
 * Reading from a running `flowlens serve` over its HTTP API (src/server/http/contract.ts):
 * the server's own diagnosis (`GET /api/v1/diagnosis`) and flows page by page
 * (`GET /api/v1/flows?first=true&limit=10000&since=…&until=…`). Node-only adapter.
 */
import { parseTime, timeFromParts, type FlowEvent } from '../../flow/index.js';
import type { FlowsResponse } from '../../server/http/contract.js';
import type { DiagnosisReport } from '../types.js';

/** A server that cannot be reached or answers with an error. */
export class ServerReadError extends Error {
  readonly code = 'SERVER_READ';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServerReadError';
  }
}

/** `HOST:PORT` or a URL → base URL. */
export function serverBase(server: string): string {
  const s = /^https?:\/\//.test(server) ? server : `http://${server}`;
  return s.replace(/\/+$/, '');
}

async function getJson(url: string, signal?: AbortSignal): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' }, signal });
  } catch (e) {
    throw new ServerReadError(`cannot reach ${new URL(url).host}: ${(e as Error).message}`, { cause: e });
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

function query(params: Record<string, string | undefined>): string {
  const q = Object.entries(params).filter(([, v]) => v !== undefined && v !== '');
  return q.length ? '?' + q.map(([k, v]) => `${k}=${encodeURIComponent(v!)}`).join('&') : '';
}

/** The server's diagnosis report, or undefined when it has no diagnosis route. */
export async function fetchDiagnosis(
  server: string,
  opts: { since?: string; until?: string; signal?: AbortSignal } = {},
): Promise<DiagnosisReport | undefined> {
  const { status, body } = await getJson(
    `${serverBase(server)}/api/v1/diagnosis${query({ since: opts.since, until: opts.until })}`,
    opts.signal,
  );
  if (status === 404 || status === 501) return undefined;
  if (status !== 200)
    throw new ServerReadError(`GET /api/v1/diagnosis: HTTP ${status}: ${JSON.stringify(body)}`);
  return body as DiagnosisReport;
}

/** Flows of a window, oldest first, in pages of up to 10,000. */
export async function* fetchFlows(
  server: string,
  opts: { since?: string; until?: string; filter?: string; signal?: AbortSignal; maxFlows?: number } = {},
): AsyncGenerator<FlowEvent[]> {
  let since = opts.since;
  let total = 0;
  const seen = new Set<string>();
  for (;;) {
    const { status, body } = await getJson(
      `${serverBase(server)}/api/v1/flows${query({ first: 'true', limit: '10000', since, until: opts.until, filter: opts.filter })}`,
      opts.signal,
    );
    if (status !== 200)
      throw new ServerReadError(`GET /api/v1/flows: HTTP ${status}: ${JSON.stringify(body)}`);
    const page = body as FlowsResponse;
    const fresh = page.flows.filter((f) => !f.flow?.uuid || !seen.has(f.flow.uuid));
    for (const f of fresh) if (f.flow?.uuid) seen.add(f.flow.uuid);
    if (fresh.length > 0) yield fresh;
    total += fresh.length;
    if (!page.truncated || page.flows.length === 0 || (opts.maxFlows !== undefined && total >= opts.maxFlows))
      return;
    const last = page.flows[page.flows.length - 1];
    const t = parseTime(last.flow?.time ?? last.time ?? '');
    if (!t) return;
    // Continue just after the last flow's time (flows at that very instant are deduplicated).
    const next = timeFromParts(t.seconds, t.nanos);
    if (next === since) since = timeFromParts(t.seconds, t.nanos + 1);
    else since = next;
    if (seen.size > 200_000) seen.clear();
  }
}
