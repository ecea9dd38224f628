import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

/**
 * The shape of the repository, checked: the design (docs/architecture.md) says packages depend one
 * way, families stand side by side on core, there are no import circles, and the CLI keeps what
 * differs between model families in its registry.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const PACKAGES = ['core', 'vision', 'video', 'hierarchy', 'cli'] as const;

/** Every .ts file under `dir`, relative to the repository root. */
function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'dist') walk(path);
      else if (entry.isFile() && entry.name.endsWith('.ts')) out.push(relative(root, path));
    }
  };
  walk(join(root, dir));
  return out;
}

/** The `@jepa/<name>` packages a file imports (static and dynamic imports, re-exports). */
function jepaImports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const found = new Set<string>();
  for (const match of text.matchAll(/(?:from|import)\s*\(?\s*['"]@jepa\/([a-z-]+)/g)) found.add(match[1]!);
  return [...found];
}

describe('repository architecture', () => {
  it('has no import circle in any package or app (madge, type imports included)', async () => {
    const graph = await madge(['packages/core/src', 'packages/vision/src', 'packages/video/src', 'packages/hierarchy/src', 'packages/cli/src', 'apps'].map((p) => join(root, p)), {
      fileExtensions: ['ts'],
      tsConfig: join(root, 'tsconfig.json'),
      baseDir: root,
    });
    expect(Object.keys(graph.obj()).length).toBeGreaterThan(200);
    expect(graph.circular()).toEqual([]);
  }, 120_000);

  it('lets each package import only the @jepa packages its package.json depends on (core none; vision and video only core)', () => {
    // hierarchy may use vision and video through their public barrels (to stack on their encoders).
    const allowed: Record<string, string[]> = { core: [], vision: ['core'], video: ['core'], hierarchy: ['core', 'vision', 'video'], cli: ['core', 'vision', 'video', 'hierarchy', 'cli'] };
    const offences: string[] = [];
    for (const name of PACKAGES) {
      const manifest = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      const declared = Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@jepa/')).map((d) => d.slice(6));
      for (const dep of declared) if (!allowed[name]!.includes(dep)) offences.push(`packages/${name}/package.json depends on @jepa/${dep}`);
      for (const file of sources(join('packages', name, 'src'))) {
        for (const dep of jepaImports(file)) if (dep !== name && !allowed[name]!.includes(dep)) offences.push(`${file} imports @jepa/${dep}`);
      }
    }
    expect(offences).toEqual([]);
  });

  it('keeps model-family checks of the CLI in its registry (families/), not in its commands', () => {
    const kinds = ['ijepa', 'vjepa', 'world-model'].join('|');
    const check = new RegExp(`['"](${kinds})['"]\\s*[!=]==|[!=]==\\s*['"](${kinds})['"]|case\\s+['"](${kinds})['"]`);
    const offences = sources('packages/cli/src')
      .filter((file) => !file.includes('/families/') && !file.endsWith('.test.ts'))
      .flatMap((file) => readFileSync(join(root, file), 'utf8').split('\n').map((line, i) => [file, i + 1, line] as const))
      .filter(([, , line]) => check.test(line))
      .map(([file, line, text]) => `${file}:${line}: ${text.trim()}`);
    expect(offences).toEqual([]);
  });
});
