/**
 * The cluster DNS every scenario has: when a scenario does not declare `kube-system/kube-dns`,
 * a CoreDNS Deployment (2 replicas, `k8s-app=kube-dns`) and the kube-dns Service at the
 * conventional 10th address of the service CIDR are added, as on AKS and kubeadm clusters.
 */
import type { NamespaceSpec, Scenario, ServiceSpec, WorkloadSpec } from './schema.js';

/** The scenario's namespaces, workloads and services with cluster DNS added when missing. */
export function withClusterDns(s: Scenario): {
  namespaces: NamespaceSpec[];
  workloads: WorkloadSpec[];
  services: ServiceSpec[];
} {
  if (s.services.some((x) => x.namespace === 'kube-system' && x.name === 'kube-dns')) {
    return { namespaces: s.namespaces, workloads: s.workloads, services: s.services };
  }
  const namespaces = s.namespaces.some((n) => n.name === 'kube-system')
    ? s.namespaces
    : [{ name: 'kube-system', labels: {} }, ...s.namespaces];
  const coredns: WorkloadSpec = {
    kind: 'Deployment',
    name: 'coredns',
    namespace: 'kube-system',
    replicas: 2,
    labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', version: 'v20' },
    serviceAccount: 'coredns',
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
      { name: 'metrics', port: 9153, protocol: 'TCP' },
    ],
  };
  const kubeDns: ServiceSpec = {
    name: 'kube-dns',
    namespace: 'kube-system',
    selector: { 'k8s-app': 'kube-dns' },
    ports: [
      { name: 'dns', port: 53, targetPort: 'dns', protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, targetPort: 'dns-tcp', protocol: 'TCP' },
    ],
  };
  const hasCoredns = s.workloads.some((w) => w.namespace === 'kube-system' && w.name === 'coredns');
  return {
    namespaces,
    workloads: hasCoredns ? s.workloads : [coredns, ...s.workloads],
    services: [kubeDns, ...s.services],
  };
}
