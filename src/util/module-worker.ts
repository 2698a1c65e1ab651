/**
 * Starts a worker thread from a sibling module of the caller. From the compiled build that is
 * `<name>.js`; from TypeScript sources (tests, tsx) it is `<name>.ts`, bootstrapped through
 * tsx's loader, because loader flags are not inherited by workers.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * `base` is the caller's `import.meta.url`; `workerData` reaches the worker unchanged; `options`
 * are the other Worker options (resource limits, for example).
 */
export function startModuleWorker(
  base: string,
  name: string,
  workerData?: object,
  options: Omit<WorkerOptions, 'eval' | 'workerData'> = {},
): Worker {
  if (!base.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, base), { ...options, workerData });
  let api = 'tsx/esm/api';
  try {
    api = pathToFileURL(createRequire(base).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  } catch {
    // fall back to resolving from the working directory
  }
  // The entry URL travels in the eval'd source, so workerData stays the caller's own.
  const boot = `const { register } = await import(${JSON.stringify(api)});
register();
await import(${JSON.stringify(new URL(`./${name}.ts`, base).href)});`;
  return new Worker(boot, { ...options, eval: true, workerData });
}
