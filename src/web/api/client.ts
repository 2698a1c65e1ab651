/**
 * Typed client of the flowlens HTTP API (src/server/http/contract.ts). Keeps the bearer token
 * for the browser session only (sessionStorage), and tracks the connection state.
 */
import type {
  AggregateResponse,
  Dimension,
  FlowsResponse,
  GraphResponse,
  Measure,
  StatusResponse,
} from '../../server/http/contract';

const TOKEN_KEY = 'flowlens.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Query parameters shared by flow-selecting routes. */
export interface FlowQuery {
  filter?: string;
  since?: string;
  until?: string;
  node?: string;
  namespace?: string;
  workload?: string;
  side?: 'source' | 'destination';
}

function qs(params: Record<string, string | number | boolean | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

async function get<T>(path: string): Promise<T> {
  const headers: Record<string, string> = {};
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(path, { headers });
  if (!res.ok) {
    let msg = res.statusText;
    try {
      const body = (await res.json()) as { error?: { message?: string } };
      msg = body.error?.message ?? msg;
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, msg);
  }
  return (await res.json()) as T;
}

export const api = {
  status: () => get<StatusResponse>('/api/v1/status'),
  flows: (q: FlowQuery & { limit?: number; first?: boolean }) => get<FlowsResponse>(`/api/v1/flows${qs({ ...q })}`),
  aggregate: (q: FlowQuery & { groupBy: Dimension[]; measure?: Measure; step?: number; k?: number }) =>
    get<AggregateResponse>(`/api/v1/aggregate${qs({ ...q, groupBy: q.groupBy.join(',') })}`),
  graph: (q: FlowQuery & { level?: 'workload' | 'pod' }) => get<GraphResponse>(`/api/v1/graph${qs({ ...q })}`),
  diagnosis: (q: { since?: string; until?: string }) => get<unknown>(`/api/v1/diagnosis${qs(q)}`),
};
