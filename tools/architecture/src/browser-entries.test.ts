import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findNodeImports, formatNodeImports } from './browser-bundle.js';

/**
 * The main entries of the libraries run in a browser page (issue 12): bundled for the browser as a
 * web app's bundler would, they reach no Node built-in and no Node-only package. File IO, sharp,
 * ffmpeg, worker_threads and progress bars live behind the `/node` entries.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const BROWSER_ENTRIES = ['@jepa/core', '@jepa/core/random', '@jepa/vision', '@jepa/video', '@jepa/hierarchy'];

describe('browser entries', () => {
  for (const entry of BROWSER_ENTRIES) {
    it(`${entry} reaches no Node built-in or Node-only package`, async () => {
      expect(formatNodeImports(await findNodeImports(entry, root))).toEqual([]);
    }, 120_000);
  }

  it('names the import chain when a Node import is reached (the check is not vacuous)', async () => {
    const lines = formatNodeImports(await findNodeImports('@jepa/core/node', root));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((line) => /^packages\/core\/src\/node\/index\.ts -> .* imports node:/.test(line))).toBe(true);
  }, 120_000);
});
