/** Name patterns shared by the scenario validators. */

/** A Kubernetes DNS label (names of namespaces, workloads, services). */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
