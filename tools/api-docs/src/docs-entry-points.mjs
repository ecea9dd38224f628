// What the API reference must cover: every public subpath export of every public package, read
// from the package.json files, mapped to the TypeScript source its `@jepa/source` condition names.
// Pure helpers (plain .mjs, so node runs them as they are); the test beside this file checks
// typedoc.json against them.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { listPublicPackages, repoRoot } from '../../pack-smoke/src/public-packages.mjs';

/**
 * The entry points the reference needs, one per public subpath export (`./package.json` aside).
 * @param {string} root the repository root
 * @returns {{ module: string, entryPoint: string }[]} `module` as users import it (`@jepa/core/testing`),
 *   `entryPoint` the source file relative to `root`; `entryPoint` is null when the export names no
 *   `@jepa/source` file.
 */
export function expectedEntryPoints(root = repoRoot) {
  return listPublicPackages(root).flatMap(({ name, dir }) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const exports = typeof pkg.exports === 'object' && pkg.exports !== null ? pkg.exports : {};
    return Object.entries(exports)
      .filter(([subpath]) => subpath !== './package.json')
      .map(([subpath, target]) => {
        const source = typeof target === 'object' && target !== null ? target['@jepa/source'] : undefined;
        return {
          module: subpath === '.' ? name : `${name}/${subpath.replace(/^\.\//, '')}`,
          entryPoint: typeof source === 'string' ? relative(root, join(dir, source)).split('\\').join('/') : null,
        };
      });
  });
}

/**
 * The name the `@module` tag of a file's first doc comment gives it (what TypeDoc calls the module),
 * or undefined when the file has none.
 * @param {string} text the file's source
 */
export function moduleTagName(text) {
  const first = /\/\*\*([\s\S]*?)\*\//.exec(text);
  if (!first) return undefined;
  const tag = /@module\s+(\S+)/.exec(first[1]);
  return tag ? tag[1] : undefined;
}
