import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain .mjs helpers without declarations (run by node directly)
import { expectedEntryPoints, moduleTagName } from './docs-entry-points.mjs';
// @ts-expect-error: plain .mjs helpers without declarations
import { listPublicPackages, repoRoot } from '../../pack-smoke/src/public-packages.mjs';

interface Entry { module: string; entryPoint: string | null }

const config = JSON.parse(readFileSync(join(repoRoot, 'typedoc.json'), 'utf8'));
const expected: Entry[] = expectedEntryPoints(repoRoot);

describe('the API reference (typedoc.json, `npm run docs`)', () => {
  it('has an entry point for every public subpath export, and none besides', () => {
    expect(expected.filter((e) => e.entryPoint === null).map((e) => e.module), 'exports without an @jepa/source file').toEqual([]);
    const listed = new Set<string>(config.entryPoints);
    const wanted = new Set(expected.map((e) => e.entryPoint!));
    expect([...wanted].filter((p) => !listed.has(p)), 'public exports missing from typedoc.json entryPoints').toEqual([]);
    expect([...listed].filter((p) => !wanted.has(p)), 'typedoc.json entryPoints that are no public export').toEqual([]);
  });

  it('names each module as users import it (an @module tag in the entry file)', () => {
    const names = expected.map((e) => ({ file: e.entryPoint, name: moduleTagName(readFileSync(join(repoRoot, e.entryPoint!), 'utf8')) }));
    expect(names).toEqual(expected.map((e) => ({ file: e.entryPoint, name: e.module })));
  });

  it('fails on any warning and requires documentation of every public package', () => {
    expect(config.treatWarningsAsErrors).toBe(true);
    expect(config.validation).toEqual({ notExported: true, invalidLink: true, notDocumented: true });
    expect(config.requiredToBeDocumented, 'keep TypeDoc\'s default kinds (every export and member)').toBeUndefined();
    expect([...config.packagesRequiringDocumentation].sort()).toEqual(listPublicPackages(repoRoot).map((p: { name: string }) => p.name).sort());
  });
});

describe('expectedEntryPoints', () => {
  it('maps subpath exports to their source files', () => {
    const core = expected.filter((e) => e.module.startsWith('@jepa/core'));
    expect(core).toContainEqual({ module: '@jepa/core', entryPoint: 'packages/core/src/index.ts' });
    expect(core).toContainEqual({ module: '@jepa/core/testing', entryPoint: 'packages/core/src/testing/index.ts' });
  });
});

describe('moduleTagName', () => {
  it('reads the @module tag of the first doc comment only', () => {
    expect(moduleTagName('/**\n * Text.\n *\n * @module @jepa/x/y\n */\nexport const a = 1;')).toBe('@jepa/x/y');
    expect(moduleTagName('// @module @jepa/x\nexport const a = 1;')).toBeUndefined();
    expect(moduleTagName('/** First. */\nexport const a = 1;\n/** @module @jepa/x */')).toBeUndefined();
  });
});
