/** The deploy/ manifests parse, and the settings they pass to flowlens are valid. */
import { readFileSync, readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  addSettingOptions,
  commonSettings,
  loadRelayConfig,
  loadServeConfig,
  relaySettings,
} from './index.js';

const dir = new URL('../../deploy/kubernetes/', import.meta.url).pathname;
type Doc = {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
};
const docs: Doc[] = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as Doc));
const find = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata?.name === name)!;
const env = {
  FLOWLENS_AUTH_TOKEN: 'x'.repeat(32),
  FLOWLENS_NODE_NAME: 'node-1',
  FLOWLENS_PEER_TOKEN: 'x'.repeat(32),
};

describe('deploy/kubernetes', () => {
  it('has the DaemonSet, relay Deployment and Service, RBAC and a ServiceMonitor', () => {
    for (const [kind, name] of [
      ['DaemonSet', 'flowlens-agent'],
      ['Deployment', 'flowlens-relay'],
      ['Service', 'flowlens-relay'],
      ['Service', 'flowlens-agent'],
      ['ClusterRole', 'flowlens-read'],
      ['ClusterRoleBinding', 'flowlens-read'],
      ['ServiceAccount', 'flowlens'],
      ['ServiceMonitor', 'flowlens'],
    ]) {
      expect(find(kind, name), `${kind}/${name}`).toBeDefined();
    }
  });

  it('gives the agent a config file that serve accepts (with the token from the Secret)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'flowlens-deploy-')), 'flowlens.yaml');
    writeFileSync(file, find('ConfigMap', 'flowlens-agent').data!['flowlens.yaml']);
    const cfg = loadServeConfig({ flags: {}, env, configFile: file }, (p) => readFileSync(p, 'utf8'));
    expect(cfg.sources).toEqual(['hubble:unix:///var/run/cilium/hubble.sock']);
    expect(cfg.grpcListen).toEqual({ host: '0.0.0.0', port: 4246 });
    expect(cfg.storeDir).toBe('/var/lib/flowlens');
    expect(cfg.nodeName).toBe('node-1');
  });

  it('gives the relay arguments that relay accepts', () => {
    const spec = find('Deployment', 'flowlens-relay').spec as {
      template: { spec: { containers: { args: string[] }[] } };
    };
    const args = spec.template.spec.containers[0].args;
    expect(args[0]).toBe('relay');
    const cmd = addSettingOptions(new Command('relay').exitOverride(), [...commonSettings, ...relaySettings]);
    cmd.parse(args.slice(1), { from: 'user' });
    const cfg = loadRelayConfig({ flags: cmd.opts(), env }, () => '');
    expect(cfg.peers).toEqual(['dns:///flowlens-agent.flowlens.svc.cluster.local:4246']);
    expect(cfg.peer.token).toBe(env.FLOWLENS_PEER_TOKEN);
  });
});
