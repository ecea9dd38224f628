import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** Module specifiers a source file imports or re-exports. */
function importsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((match) => match[1]!);
}

describe('the Four Rooms environment stays browser-safe', () => {
  it('imports only its own files, browser-safe Two Rooms helpers and @jepa/core/random (no TensorFlow.js, no Node)', () => {
    const offences: string[] = [];
    for (const name of readdirSync(here).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))) {
      for (const specifier of importsOf(join(here, name))) {
        const ok = specifier.startsWith('./') || specifier === '@jepa/core/random' || (specifier.startsWith('../two-rooms/') && specifier !== '../two-rooms/dataset-file.js');
        if (!ok) offences.push(`${name} imports ${specifier}`);
      }
    }
    expect(offences).toEqual([]);
  });
});
