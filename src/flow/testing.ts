/**
 * Test data of the flow model: the lines of the Hubble golden input and of every shared Hubble
 * fixture (test/fixtures/hubble), as they are in the files. Tests only.
 */
import { readdirSync, readFileSync } from 'node:fs';

const root = new URL('../../test/', import.meta.url);

/** The non-empty lines of the golden input, then of each fixture file in directory order. */
export function hubbleFixtureLines(): string[] {
  const read = (rel: string): string => readFileSync(new URL(rel, root), 'utf8');
  return [
    ...read('golden-hubble/input.jsonl').split('\n'),
    ...readdirSync(new URL('fixtures/hubble/', root))
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => read(`fixtures/hubble/${f}`).split('\n')),
  ].filter(Boolean);
}
