/**
 * Runs the flowlens CLI from the TypeScript sources (for the lab suite: `node --import tsx
 * test/lab/flowlens.ts agent …`), so the suite needs no build step.
 */
import { main } from '../../src/cli/main.js';

main(process.argv).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`flowlens: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
