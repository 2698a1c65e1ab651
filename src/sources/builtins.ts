/**
 * The source registry: `--source` specs by scheme. Unknown schemes fail at start with the
 * list of known ones.
 *
 *   simulator[:SCENARIO[,SCENARIO...]]   built-in or file scenarios (all built-ins when none)
 *   file:PATH                            a flow log followed like tail -F
 *   stdin | -                            JSON lines on standard input
 *   hubble:HOST:PORT                     a Hubble agent/relay or another flowlens, over gRPC
 */
import type { GrpcClientOptions } from '../server/grpc/index.js';
import { FileSource } from './file/index.js';
import { HubbleSource } from './hubble-grpc/index.js';
import { SimulatorSource } from './simulator/index.js';
import type { FlowSource } from './source.js';
import { StdinSource } from './stdin/index.js';

/** Settings sources may need, from the validated config. */
export interface SourceContext {
  onWarning?: (msg: string) => void;
  simSpeed?: number;
  simRate?: number;
  simLoop?: boolean;
  fileFromEnd?: boolean;
  peerBackfillMs?: number;
  peerClient?: GrpcClientOptions;
  maxBackoffMs?: number;
}

/** A bad --source value. */
export class SourceSpecError extends Error {
  readonly code = 'SOURCE_SPEC';
  constructor(message: string) {
    super(message);
    this.name = 'SourceSpecError';
  }
}

type Factory = (arg: string, ctx: SourceContext) => FlowSource;

const registry: [string, string, Factory][] = [
  [
    'simulator',
    'simulator[:SCENARIO[,SCENARIO...]]',
    (arg, ctx) =>
      new SimulatorSource({
        scenarios: arg ? arg.split(',').filter((s) => s !== '') : [],
        speed: ctx.simSpeed,
        rate: ctx.simRate,
        loop: ctx.simLoop,
      }),
  ],
  [
    'file',
    'file:PATH',
    (arg, ctx) => new FileSource(arg, { fromEnd: ctx.fileFromEnd, onWarning: ctx.onWarning }),
  ],
  ['stdin', 'stdin', (_arg, ctx) => new StdinSource({ onWarning: ctx.onWarning })],
  [
    'hubble',
    'hubble:HOST:PORT',
    (arg, ctx) =>
      new HubbleSource(arg, {
        client: ctx.peerClient,
        backfillMs: ctx.peerBackfillMs,
        maxBackoffMs: ctx.maxBackoffMs,
        onWarning: ctx.onWarning,
      }),
  ],
];

/** The accepted spec forms, for help texts. */
export function sourceSchemes(): string[] {
  return registry.map((r) => r[1]);
}

/** Creates a source from its spec. Throws SourceSpecError (or the source's own error). */
export function createSource(spec: string, ctx: SourceContext = {}): FlowSource {
  if (spec === '-') spec = 'stdin';
  const i = spec.indexOf(':');
  const scheme = i < 0 ? spec : spec.slice(0, i);
  const arg = i < 0 ? '' : spec.slice(i + 1);
  const entry = registry.find((r) => r[0] === scheme);
  if (!entry)
    throw new SourceSpecError(
      `unknown source ${JSON.stringify(spec)}; use one of: ${sourceSchemes().join(', ')}`,
    );
  if ((scheme === 'file' || scheme === 'hubble') && arg === '')
    throw new SourceSpecError(`source ${JSON.stringify(spec)} needs an argument: ${entry[1]}`);
  return entry[2](arg, ctx);
}
