/**
 * The built-in subcommands, in the order `flowlens --help` lists them. Each is loaded on
 * demand: `flowlens observe` must not pay for loading the server, store and agent modules
 * (start-up went from about 1 s to a fraction of that).
 */
import type { CliCommand } from './types.js';

/** A subcommand known by name, loaded when it runs or when the full help is printed. */
export interface LazyCommand {
  name: string;
  load(): Promise<CliCommand>;
}

export const builtinCommands: LazyCommand[] = [
  { name: 'observe', load: async () => (await import('./observe.js')).observeCommand },
  { name: 'status', load: async () => (await import('./status.js')).statusCommand },
  { name: 'list', load: async () => (await import('./status.js')).listCommand },
  { name: 'serve', load: async () => (await import('./serve.js')).serveCommand },
  { name: 'relay', load: async () => (await import('./relay.js')).relayCommand },
  { name: 'demo', load: async () => (await import('./demo.js')).demoCommand },
  { name: 'simulate', load: async () => (await import('./simulate.js')).simulateCommand },
  { name: 'diagnose', load: async () => (await import('./diagnose.js')).diagnoseCommand },
  { name: 'policy', load: async () => (await import('./policy.js')).policyCommand },
  { name: 'metrics', load: async () => (await import('./metrics.js')).metricsCommand },
  { name: 'dashboards', load: async () => (await import('./dashboards.js')).dashboardsCommand },
  { name: 'agent', load: async () => (await import('./agent.js')).agentCommand },
  { name: 'lab', load: async () => (await import('./lab.js')).labCommand },
];
