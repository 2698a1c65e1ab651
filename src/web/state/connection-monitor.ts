/**
 * Keeps the connection state fresh: polls /api/v1/status every 5 s while connected and, after a
 * failure, retries with exponential back-off until the server answers again. A recovery bumps
 * the connection epoch (client.ts), which makes every page reload its data by itself.
 */
import { useEffect } from 'react';
import { api, connection } from '../api/client';
import { backoffDelay } from '../api/sse';

const HEALTHY_POLL_MS = 5000;

export function useConnectionMonitor(): void {
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const status = await api.status();
        connection.set({ status });
      } catch {
        /* client.ts already recorded the failure */
      }
      if (stopped) return;
      const s = connection.get();
      const delay =
        s.state === 'connected'
          ? HEALTHY_POLL_MS
          : s.state === 'unauthorized'
            ? 3000
            : backoffDelay(s.failures, Math.random());
      connection.set({ nextRetryAt: s.state === 'reconnecting' ? Date.now() + delay : undefined });
      timer = setTimeout(poll, delay);
    };
    void poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, []);
}
