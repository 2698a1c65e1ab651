import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { nflogPrefix, parsePolicies, policiesToNft, type PolicyPod } from './policy-nft.js';
import { LAB_POLICIES_YAML } from './scenario.js';

const pods: PolicyPod[] = [
  { namespace: 'shop', name: 'frontend-1', ip: '10.244.1.10', labels: { app: 'frontend' } },
  { namespace: 'shop', name: 'web-1', ip: '10.244.1.11', labels: { app: 'web' } },
  { namespace: 'shop', name: 'backend-1', ip: '10.244.1.13', labels: { app: 'backend' } },
  { namespace: 'shop', name: 'api-1', ip: '10.244.1.16', labels: { app: 'api' } },
  { namespace: 'kube-system', name: 'dns-1', ip: '10.244.1.12', labels: { 'k8s-app': 'kube-dns' } },
];
const load = (y: string) => parsePolicies(parseAllDocuments(y).map((d) => d.toJS() as unknown));

describe('policiesToNft', () => {
  it('translates the lab policies: isolated pods get a chain that admits their peers, logs to NFLOG with the policy name, and drops', () => {
    const nft = policiesToNft(load(LAB_POLICIES_YAML), pods, { table: 't', nflogGroup: 5 });
    expect(nft).toBe(`table inet t {
  chain forward {
    type filter hook forward priority 0; policy accept;
    ct state established,related accept
    ip daddr 10.244.1.11 jump ingress_0
    ip daddr 10.244.1.13 jump ingress_1
  }
  chain ingress_0 {
    # ingress of shop/web-1, isolated by web-from-frontend
    ip saddr { 10.244.1.10 } accept
    log prefix "deny:in:shop/web-from-frontend" group 5 queue-threshold 1
    drop
  }
  chain ingress_1 {
    # ingress of shop/backend-1, isolated by backend-ingress
    ip saddr { 10.244.1.16 } tcp dport 8080 accept
    log prefix "deny:in:shop/backend-ingress" group 5 queue-threshold 1
    drop
  }
}
`);
  });

  it('handles egress, namespace selectors, ipBlocks with exceptions, port ranges and deny-all', () => {
    const y = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: frontend-egress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: frontend } }
  policyTypes: [Egress]
  egress:
    - to: [ { namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } } } ]
      ports: [ { protocol: UDP, port: 53 } ]
    - to: [ { ipBlock: { cidr: 10.0.0.0/8, except: [10.244.1.0/24] } } ]
      ports: [ { protocol: TCP, port: 8000, endPort: 8100 } ]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny-all, namespace: kube-system }
spec: { podSelector: {}, policyTypes: [Ingress] }
`;
    const nft = policiesToNft(load(y), pods, { table: 't', nflogGroup: 7 });
    expect(nft).toContain('ip saddr 10.244.1.10 jump egress_0');
    expect(nft).toContain('ip daddr { 10.244.1.12 } udp dport 53 return');
    expect(nft).toContain('ip daddr 10.0.0.0/8 ip daddr != { 10.244.1.0/24 } tcp dport 8000-8100 return');
    expect(nft).toContain('log prefix "deny:eg:shop/frontend-egress" group 7 queue-threshold 1');
    expect(nft).toMatch(
      /# ingress of kube-system\/dns-1, isolated by deny-all\n {4}log prefix "deny:in:kube-system\/deny-all" group 7 queue-threshold 1\n {4}drop/,
    );
  });

  it('names several policies in one prefix and keeps it within the NFLOG limit', () => {
    const mk = (name: string) =>
      load(
        `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: ${name}, namespace: shop }\nspec: { podSelector: {} }\n`,
      )[0];
    expect(nflogPrefix('ingress', [mk('b'), mk('a')])).toBe('deny:in:shop/a,shop/b');
    const long = nflogPrefix('egress', [mk('a'.repeat(40)), mk('b'.repeat(40))]);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(63);
    expect(long.startsWith('deny:eg:shop/aaaa')).toBe(true);
  });
});
