import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const coreRandom = join(here, '..', '..', '..', '..', 'core', 'src', 'random');

/** Module specifiers a source file imports or re-exports. */
function importsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((match) => match[1]!);
}

const sources = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));

describe('the Two Rooms environment stays browser-safe', () => {
  it('imports nothing but its own files and @jepa/core/random, except the dataset file format (dataset-bytes.ts, dataset-file.ts: core\'s safetensors, which loads TensorFlow.js)', () => {
    const offences: string[] = [];
    for (const name of sources(here)) {
      if (name === 'dataset-file.ts' || name === 'dataset-bytes.ts' || name.endsWith('.bench.ts')) continue;
      for (const specifier of importsOf(join(here, name))) {
        if (!specifier.startsWith('./') && specifier !== '@jepa/core/random') offences.push(`${name} imports ${specifier}`);
      }
    }
    expect(offences).toEqual([]);
  });

  it('@jepa/core/random itself imports only its own files (no TensorFlow.js)', () => {
    const offences: string[] = [];
    for (const name of sources(coreRandom)) {
      for (const specifier of importsOf(join(coreRandom, name))) if (!specifier.startsWith('./')) offences.push(`${name} imports ${specifier}`);
    }
    expect(sources(coreRandom)).toContain('index.ts');
    expect(offences).toEqual([]);
  });
});
