// The workspace's public packages (the ones published to npm), read from the package.json files:
// a package is public when it is not `private` and carries the nx tag `public`, the same tag that
// `npm run build` builds. Pure helpers here; the scripts beside this file do the IO-heavy work.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (three levels above this file: src -> pack-smoke -> tools -> root). */
export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');

/**
 * Picks the public packages from parsed package.json files.
 * @param {{ dir: string, pkg: Record<string, any> }[]} candidates
 * @returns {{ name: string, dir: string, version: string, bin: string[] }[]} sorted so that a
 *   package comes after the workspace packages it depends on (core first, cli last).
 */
export function selectPublicPackages(candidates) {
  const publicOnes = candidates.filter(
    ({ pkg }) => pkg && !pkg.private && typeof pkg.name === 'string' && (pkg.nx?.tags ?? []).includes('public'),
  );
  const names = new Set(publicOnes.map(({ pkg }) => pkg.name));
  const deps = new Map(
    publicOnes.map(({ pkg }) => [
      pkg.name,
      Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies }).filter((d) => names.has(d)),
    ]),
  );
  const byName = new Map(publicOnes.map((c) => [c.pkg.name, c]));
  const ordered = [];
  const state = new Map();
  const visit = (name) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new Error(`public packages depend on each other in a cycle through ${name}`);
    state.set(name, 'visiting');
    for (const d of [...deps.get(name)].sort()) visit(d);
    state.set(name, 'done');
    ordered.push(name);
  };
  for (const name of [...names].sort()) visit(name);
  return ordered.map((name) => {
    const { dir, pkg } = byName.get(name);
    const bin = typeof pkg.bin === 'string' ? [pkg.name.split('/').pop()] : Object.keys(pkg.bin ?? {});
    return { name, dir, version: pkg.version, bin };
  });
}

/** Reads `packages/*\/package.json` under `root` and returns its public packages. */
export function listPublicPackages(root = repoRoot) {
  const base = join(root, 'packages');
  const candidates = readdirSync(base)
    .map((entry) => join(base, entry))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }));
  return selectPublicPackages(candidates);
}

/** Formats a byte count the way `npm pack` does (kB = 1000 bytes). */
export function formatBytes(bytes) {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
