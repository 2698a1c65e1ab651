/**
 * The lab's "cluster": pods (network namespaces), their servers, the cluster DNS zone, the
 * NetworkPolicies and the topology file the agent reads. All addresses are in 10.244.1.0/24
 * (linux-lab.md), the range the lab owns inside its private node namespace.
 */
import { stringify } from 'yaml';

/** The lab's subnet and the bridge (node) address. */
export const LAB_CIDR = '10.244.1.0/24';
export const NODE_IP = '10.244.1.1';
export const DNS_IP = '10.244.1.12';

/** A lab pod. */
export interface LabPod {
  /** Short key, also the netns suffix and veth suffix. */
  key: string;
  name: string;
  namespace: string;
  ip: string;
  labels: Record<string, string>;
  workload?: { kind: string; name: string };
  /** Left out of the topology file: an "external" server the cluster reaches by DNS name. */
  external?: boolean;
}

/** The pods of the five stories. */
export const LAB_PODS: LabPod[] = [
  {
    key: 'client',
    name: 'frontend-6d9f7c8b5-x2kqp',
    namespace: 'shop',
    ip: '10.244.1.10',
    labels: { app: 'frontend', 'pod-template-hash': '6d9f7c8b5' },
    workload: { kind: 'Deployment', name: 'frontend' },
  },
  {
    key: 'web1',
    name: 'web-5d8f7c9b4-a1b2c',
    namespace: 'shop',
    ip: '10.244.1.11',
    labels: { app: 'web', 'pod-template-hash': '5d8f7c9b4' },
    workload: { kind: 'Deployment', name: 'web' },
  },
  {
    key: 'dns',
    name: 'coredns-7db6d8ff4d-lab01',
    namespace: 'kube-system',
    ip: DNS_IP,
    labels: { 'k8s-app': 'kube-dns' },
    workload: { kind: 'Deployment', name: 'coredns' },
  },
  {
    key: 'backend',
    name: 'backend-7f9c6b8d4-q9w8e',
    namespace: 'shop',
    ip: '10.244.1.13',
    labels: { app: 'backend' },
    workload: { kind: 'Deployment', name: 'backend' },
  },
  {
    key: 'web2',
    name: 'web-5d8f7c9b4-d3e4f',
    namespace: 'shop',
    ip: '10.244.1.14',
    labels: { app: 'web', 'pod-template-hash': '5d8f7c9b4' },
    workload: { kind: 'Deployment', name: 'web' },
  },
  {
    key: 'web3',
    name: 'web-5d8f7c9b4-g5h6i',
    namespace: 'shop',
    ip: '10.244.1.15',
    labels: { app: 'web', 'pod-template-hash': '5d8f7c9b4' },
    workload: { kind: 'Deployment', name: 'web' },
  },
  { key: 'ext', name: 'partner-api', namespace: 'external', ip: '10.244.1.20', labels: {}, external: true },
];

/** Which pods run nginx, and on which port. */
export const NGINX_PODS: Array<{ key: string; port: number }> = [
  { key: 'web1', port: 80 },
  { key: 'web2', port: 80 },
  { key: 'web3', port: 80 },
  { key: 'backend', port: 8080 },
  { key: 'ext', port: 80 },
];

/** The NetworkPolicies the lab enforces (Kubernetes YAML, translated to nftables). */
export const LAB_POLICIES_YAML = `# Only the api tier may reach the backend: the frontend is blocked (story 2).
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: backend-ingress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: backend } }
  policyTypes: [Ingress]
  ingress:
    - from: [ { podSelector: { matchLabels: { app: api } } } ]
      ports: [ { protocol: TCP, port: 8080 } ]
---
# The web pods accept the frontend on every port (so a closed port answers with a RST).
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-from-frontend, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress]
  ingress:
    - from: [ { podSelector: { matchLabels: { app: frontend } } } ]
`;

/** Names the lab's DNS answers, and what it does with others. */
export const DNS_RECORDS: Array<{ name: string; ip: string }> = [
  { name: 'web.shop.svc.cluster.local', ip: '10.244.1.11' },
  { name: 'backend.shop.svc.cluster.local', ip: '10.244.1.13' },
  { name: 'kube-dns.kube-system.svc.cluster.local', ip: DNS_IP },
  { name: 'api.partner.test', ip: '10.244.1.20' },
];

/** dnsmasq: answers DNS_RECORDS, NXDOMAIN under cluster.local, SERVFAIL for broken.test (fake upstream), REFUSED otherwise. */
export function dnsmasqConf(logFile: string, upstreamPort: number): string {
  return [
    'no-resolv',
    'no-hosts',
    'no-daemon',
    'log-queries=extra',
    `log-facility=${logFile}`,
    'user=nobody',
    'group=nogroup',
    'bind-interfaces',
    `listen-address=${DNS_IP}`,
    ...DNS_RECORDS.map((r) => `host-record=${r.name},${r.ip}`),
    'cname=www.partner.test,api.partner.test',
    'local=/cluster.local/',
    `server=/broken.test/127.0.0.1#${upstreamPort}`,
    '',
  ].join('\n');
}

/** nginx serving 200 /ok, 403 /forbidden, 500 /boom and 404 elsewhere, everything under `dir`. */
export function nginxConf(dir: string, ip: string, port: number): string {
  return `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  log_format lab '$remote_addr $request_method $request_uri $status';
  access_log ${dir}/access.log lab;
  client_body_temp_path ${dir}/body;  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;   uwsgi_temp_path ${dir}/uwsgi;  scgi_temp_path ${dir}/scgi;
  server {
    listen ${ip}:${port};
    default_type text/plain;
    location = /ok        { return 200 "ok\\n"; }
    location = /forbidden { return 403 "forbidden\\n"; }
    location = /boom      { return 500 "boom\\n"; }
    location /            { return 404 "not found\\n"; }
  }
}
`;
}

/**
 * The fake upstream behind broken.test: answers every query with SERVFAIL (dnsmasq turns a
 * silent upstream into a client timeout, but passes an upstream SERVFAIL through).
 */
export const FAKE_UPSTREAM_JS = `import dgram from 'node:dgram';
const s = dgram.createSocket('udp4');
s.on('message', (q, r) => {
  if (q.length < 12) return;
  let i = 12;
  while (i < q.length && q[i] !== 0) i += q[i] + 1;
  const a = Buffer.concat([q.subarray(0, 2), Buffer.from([0x80 | (q[2] & 0x79), 0x80 | 2]), q.subarray(4, 6), Buffer.alloc(6), q.subarray(12, i + 5)]);
  s.send(a, r.port, r.address);
});
s.bind(Number(process.argv[3]), process.argv[2]);
`;

/** The topology file the agent enriches with (the external server is left out on purpose). */
export function topologyYaml(nodeName: string): string {
  const pods = LAB_PODS.filter((p) => !p.external).map((p) => ({
    name: p.name,
    namespace: p.namespace,
    ip: p.ip,
    labels: p.labels,
    workload: p.workload,
    node: nodeName,
  }));
  return stringify({
    node: nodeName,
    namespaces: [{ name: 'shop', labels: { team: 'retail' } }, { name: 'kube-system' }],
    nodes: [{ name: nodeName, ips: [NODE_IP] }],
    pods,
    services: [],
  });
}
