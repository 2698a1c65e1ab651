/**
 * Typed client of the flowlens HTTP API (src/server/http/contract.ts). Keeps the bearer token
 * for the browser session only (sessionStorage), and feeds the connection state: every answer,
 * failure and 401 updates it, so the UI can say whether it is live, reconnecting or locked.
 */
import type {
  AggregateResponse,
  Dimension,
  FlowsResponse,
  GraphResponse,
  Measure,
  StatusResponse,
} from '../../server/http/contract';
import type { FlowFilter } from '../../filter/types';
import { createStore } from '../state/store';

const TOKEN_KEY = 'flowlens.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
  auth.set({ prompt: false, error: undefined });
  connection.set((s) => ({ epoch: s.epoch + 1 }));
}

/** Connection to the server as the UI knows it. */
export interface ConnectionState {
  state: 'connecting' | 'connected' | 'reconnecting' | 'unauthorized';
  /** Last successful answer (epoch ms). */
  lastOk?: number;
  /** Last failure text. */
  message?: string;
  /** Consecutive failures. */
  failures: number;
  /** Bumped when the server comes back (or the token changes): pages refetch. */
  epoch: number;
  status?: StatusResponse;
  /** When the next reconnection attempt happens (epoch ms). */
  nextRetryAt?: number;
}

export const connection = createStore<ConnectionState>({ state: 'connecting', failures: 0, epoch: 0 });

/** Whether the UI must ask for a token. */
export const auth = createStore<{ prompt: boolean; error?: string }>({ prompt: false });

/** Records a successful answer; a recovery bumps the epoch so pages reload. */
export function markUp(): void {
  const s = connection.get();
  const recovered = s.state === 'reconnecting' || s.state === 'unauthorized';
  connection.set({
    state: 'connected',
    lastOk: Date.now(),
    failures: 0,
    message: undefined,
    epoch: recovered ? s.epoch + 1 : s.epoch,
  });
}

/** Records a failure to reach the server. */
export function markDown(message: string): void {
  connection.set((s) => ({ state: 'reconnecting', message, failures: s.failures + 1 }));
}

/** Records a 401: the token is missing or wrong. */
export function markUnauthorized(message: string): void {
  auth.set({ prompt: true, error: getToken() ? `The server rejected the token: ${message}` : undefined });
  connection.set({ state: 'unauthorized', message });
}

/** Headers with the bearer token when there is one. */
export function authHeaders(): Record<string, string> {
  const token = getToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** Query parameters shared by flow-selecting routes. */
export interface FlowQuery {
  filter?: string;
  allow?: FlowFilter[];
  deny?: FlowFilter[];
  since?: string;
  until?: string;
  node?: string;
  namespace?: string;
  workload?: string;
  side?: 'source' | 'destination';
}

type Params = Record<string, string | number | boolean | undefined | FlowFilter[]>;

/** Encodes parameters, JSON-encoding filter lists and skipping empty values. */
export function qs(params: Params): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length) u.set(k, JSON.stringify(v));
    } else u.set(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}

async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { headers: authHeaders(), signal });
  } catch (e) {
    if (signal?.aborted) throw e;
    markDown('server unreachable');
    throw new ApiError(0, 'server unreachable');
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    const msg = err?.message ?? res.statusText;
    if (res.status === 401) markUnauthorized(msg);
    else if (res.status >= 502) markDown(msg);
    else markUp();
    throw new ApiError(res.status, msg, err?.code);
  }
  markUp();
  return body as T;
}

export const api = {
  status: (signal?: AbortSignal) => get<StatusResponse>('/api/v1/status', signal),
  flows: (q: FlowQuery & { limit?: number; first?: boolean }, signal?: AbortSignal) =>
    get<FlowsResponse>(`/api/v1/flows${qs({ ...q })}`, signal),
  aggregate: (
    q: FlowQuery & { groupBy: Dimension[]; measure?: Measure; step?: number; k?: number },
    signal?: AbortSignal,
  ) => get<AggregateResponse>(`/api/v1/aggregate${qs({ ...q, groupBy: q.groupBy.join(',') })}`, signal),
  graph: (q: FlowQuery & { level?: 'workload' | 'pod' }, signal?: AbortSignal) =>
    get<GraphResponse>(`/api/v1/graph${qs({ ...q })}`, signal),
  diagnosis: (q: { since?: string; until?: string }, signal?: AbortSignal) =>
    get<unknown>(`/api/v1/diagnosis${qs(q)}`, signal),
};
