/**
 * Flow files for the browser suite: an hour of simulated flows (every built-in scenario, ending
 * now) and a handful of hostile flows whose names, labels, DNS queries, URLs and headers carry
 * HTML and script payloads. Both are JSON lines as `hubble observe -o json` prints them.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { FlowEvent } from '../../src/flow/types.js';
import { listBuiltinScenarios, loadScenario, simulateLines } from '../../src/sim/index.js';

/** Every payload sets window.__xss (or creates an element) if it ever runs or parses as HTML. */
export const PAYLOADS = {
  img: `<img src=x onerror="window.__xss=(window.__xss||0)+1">`,
  script: `<script>window.__xss=(window.__xss||0)+1</script>`,
  svg: `"><svg onload="window.__xss=(window.__xss||0)+1">`,
  iframe: `<iframe src="javascript:window.parent.__xss=1"></iframe>`,
  js: `javascript:window.__xss=1`,
} as const;

/**
 * Writes an hour (or `minutes`) of every built-in scenario, ending at `end`, at about
 * `rate` flows/s in total; returns the number of flows.
 */
export async function writeHour(path: string, end: number, minutes = 60, rate = 60): Promise<number> {
  const names = listBuiltinScenarios().map((s) => s.name);
  const lines: { t: number; line: string }[] = [];
  const start = end - minutes * 60_000;
  for (const n of names) {
    for (const line of simulateLines(loadScenario(n), {
      start,
      durationMs: minutes * 60_000,
      rate: rate / names.length,
    })) {
      const m = /"time":"([^"]+)"/.exec(line);
      lines.push({ t: m ? Date.parse(m[1]) : 0, line });
    }
  }
  lines.sort((a, b) => a.t - b.t);
  const out = createWriteStream(path);
  for (const { line } of lines) if (!out.write(line + '\n')) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  return lines.length;
}

const ep = (namespace: string, pod: string, extra: Record<string, unknown> = {}) => ({
  ID: 4242,
  identity: 4242,
  namespace,
  labels: [`k8s:app=${pod}`, `k8s:io.kubernetes.pod.namespace=${namespace}`, `k8s:evil=${PAYLOADS.svg}`],
  pod_name: pod,
  workloads: [{ name: `wl-${PAYLOADS.img}`, kind: 'Deployment' }],
  ...extra,
});

/** Hostile flows (DNS, HTTP, dropped TCP) spread over the last few minutes before `end`. */
export function xssFlows(end: number): FlowEvent[] {
  const src = ep('xss', `web-${PAYLOADS.img}`);
  const dst = ep(`xss-${PAYLOADS.script}`, `db-${PAYLOADS.script}`);
  const out: FlowEvent[] = [];
  for (let i = 0; i < 60; i++) {
    const time = new Date(end - 300_000 + i * 5000).toISOString();
    const base = {
      time,
      node_name: `node-${PAYLOADS.svg}`,
      source: src,
      destination: dst,
      IP: { source: '10.9.0.1', destination: '10.9.0.2', ipVersion: 'IPv4' as const },
    };
    out.push({
      node_name: `node-${PAYLOADS.svg}`,
      time,
      flow: {
        ...base,
        uuid: `00000000-0000-4000-8000-${String(3 * i).padStart(12, '0')}`,
        verdict: 'DROPPED',
        drop_reason_desc: 'POLICY_DENIED',
        Type: 'L3_L4',
        event_type: { type: 1, sub_type: 133 },
        l4: { TCP: { source_port: 40000 + i, destination_port: 5432, flags: { SYN: true } } },
        traffic_direction: 'EGRESS',
        Summary: `TCP Flags: SYN ${PAYLOADS.iframe}`,
      },
    });
    out.push({
      node_name: `node-${PAYLOADS.svg}`,
      time,
      flow: {
        ...base,
        uuid: `00000000-0000-4000-8000-${String(3 * i + 1).padStart(12, '0')}`,
        verdict: 'FORWARDED',
        Type: 'L7',
        event_type: { type: 129 },
        l4: { UDP: { source_port: 50000 + i, destination_port: 53 } },
        traffic_direction: 'EGRESS',
        l7: {
          type: 'RESPONSE',
          latency_ns: '1500000',
          dns: {
            query: `${PAYLOADS.img}.evil.example.`,
            ips: ['10.9.9.9'],
            rcode: 3,
            qtypes: ['A'],
            rrtypes: ['A'],
          },
        },
      },
    });
    out.push({
      node_name: `node-${PAYLOADS.svg}`,
      time,
      flow: {
        ...base,
        uuid: `00000000-0000-4000-8000-${String(3 * i + 2).padStart(12, '0')}`,
        verdict: 'FORWARDED',
        Type: 'L7',
        event_type: { type: 129 },
        l4: { TCP: { source_port: 41000 + i, destination_port: 8080 } },
        traffic_direction: 'INGRESS',
        l7: {
          type: 'RESPONSE',
          latency_ns: '2500000',
          http: {
            code: 500,
            method: 'GET',
            url: `${PAYLOADS.js}//x/${PAYLOADS.script}?q=${PAYLOADS.svg}`,
            protocol: 'HTTP/1.1',
            headers: [{ key: 'x-evil', value: PAYLOADS.iframe }],
          },
        },
      },
    });
  }
  return out;
}

/**
 * HTTP outcomes the built-in scenarios never produce: 4xx answers and requests dropped by an L7
 * (proxy) policy, in the e-commerce namespace, over the last ten minutes before `end`. They give
 * the L7 dashboards' "4xx" and "dropped HTTP" panels something true to show.
 */
export function l7Extras(end: number): FlowEvent[] {
  const pod = (w: string, i: number) => ({
    ID: 900 + i,
    identity: 9000 + i,
    namespace: 'ecommerce',
    labels: [`k8s:app=${w}`, 'k8s:io.kubernetes.pod.namespace=ecommerce'],
    pod_name: `${w}-fixture-${i}`,
    workloads: [{ name: w, kind: 'Deployment' }],
  });
  const out: FlowEvent[] = [];
  for (let i = 0; i < 120; i++) {
    const time = new Date(end - 600_000 + i * 5000).toISOString();
    const client = pod('frontend', i % 2);
    const server = pod(i % 3 === 0 ? 'payment-gateway' : 'product-catalog', i % 2);
    const common = {
      time,
      node_name: 'aks-nodepool1-12345678-vmss000000',
      Type: 'L7' as const,
      event_type: { type: 129 },
    };
    const ports = { l4: { TCP: { source_port: 45000 + i, destination_port: 8080 } } };
    out.push({
      time,
      node_name: common.node_name,
      flow: {
        ...common,
        ...ports,
        uuid: `00000000-0000-4000-9000-${String(2 * i).padStart(12, '0')}`,
        verdict: 'DROPPED',
        drop_reason_desc: 'POLICY_DENIED',
        source: client,
        destination: server,
        traffic_direction: 'INGRESS',
        l7: {
          type: 'REQUEST',
          http: { method: 'POST', url: 'http://payment-gateway/admin', protocol: 'HTTP/1.1' },
        },
      },
    });
    out.push({
      time,
      node_name: common.node_name,
      flow: {
        ...common,
        l4: { TCP: { source_port: 8080, destination_port: 45000 + i } },
        uuid: `00000000-0000-4000-9000-${String(2 * i + 1).padStart(12, '0')}`,
        verdict: 'FORWARDED',
        source: server,
        destination: client,
        traffic_direction: 'INGRESS',
        is_reply: true,
        l7: {
          type: 'RESPONSE',
          latency_ns: '4000000',
          http: {
            code: i % 2 ? 404 : 403,
            method: 'GET',
            url: 'http://product-catalog/items/missing',
            protocol: 'HTTP/1.1',
          },
        },
      },
    });
  }
  return out;
}

/**
 * Writes the hour file (with the hostile flows merged in time order) into `stdin`, then keeps
 * writing every built-in scenario live (flows stamped now, paced to the wall clock) at `rate`
 * flows/s in total until the returned stop() is called. One time-ordered stream, as a node
 * sends it: the hour is history, the live part continues from now.
 */
export async function feed(
  stdin: NodeJS.WritableStream,
  hourPath: string,
  extra: FlowEvent[],
  rate: number,
): Promise<{ stop: () => void }> {
  const { createReadStream } = await import('node:fs');
  const { createInterface } = await import('node:readline');
  const pending = [...extra].sort((a, b) => Date.parse(a.time ?? '') - Date.parse(b.time ?? ''));
  const write = async (s: string) => {
    if (!stdin.write(s)) await once(stdin, 'drain');
  };
  let buf = '';
  for await (const line of createInterface({ input: createReadStream(hourPath), crlfDelay: Infinity })) {
    const t = Date.parse(/"time":"([^"]+)"/.exec(line)?.[1] ?? '');
    while (pending.length && Date.parse(pending[0].time ?? '') <= t)
      buf += JSON.stringify(pending.shift()) + '\n';
    buf += line + '\n';
    if (buf.length > 1 << 20) {
      await write(buf);
      buf = '';
    }
  }
  for (const ev of pending) buf += JSON.stringify(ev) + '\n';
  await write(buf);
  const ctl = new AbortController();
  const names = listBuiltinScenarios().map((s) => s.name);
  const { simulateLive, encodeSimEvent } = await import('../../src/sim/index.js');
  for (const n of names) {
    void (async () => {
      for await (const ev of simulateLive(loadScenario(n), {
        rate: rate / names.length,
        signal: ctl.signal,
      })) {
        if (ctl.signal.aborted) break;
        stdin.write(encodeSimEvent(ev) + '\n');
      }
    })().catch(() => undefined);
  }
  return { stop: () => ctl.abort() };
}
