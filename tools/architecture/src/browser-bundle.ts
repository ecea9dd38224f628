import { builtinModules } from 'node:module';
import { build, type Metafile, type Plugin } from 'esbuild';

/**
 * Packages that only run under Node (native addons, child processes, files): a browser entry must
 * not reach them, even though some would bundle.
 */
export const NODE_ONLY_PACKAGES = [
  'cli-progress',
  'sharp',
  'fluent-ffmpeg',
  'mnist',
  '@ffmpeg-installer/ffmpeg',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
  'commander',
] as const;

/** One Node-only import a browser bundle reaches. */
export interface NodeImport {
  /** What was imported: `node:fs/promises`, `sharp`, ... */
  readonly specifier: string;
  /** The import chain from the entry to the file that imports it, paths relative to the working directory. */
  readonly chain: readonly string[];
}

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * Bundles `entry` (a package specifier such as `@jepa/core`, read through the `@jepa/source`
 * condition so the sources are checked, not a build) as esbuild does for a browser app, and
 * returns every Node built-in or {@link NODE_ONLY_PACKAGES} member it reaches, with the chain of
 * imports that reaches it. Built-ins that a dependency's `browser` field replaces (tfjs's
 * `platform_node`, seedrandom's `crypto`) are what a browser bundler does too, so they pass.
 * Imports whose specifier is computed at run time are invisible to bundlers and are not followed.
 */
export async function findNodeImports(entry: string, workingDirectory: string): Promise<NodeImport[]> {
  const found: Array<{ specifier: string; importer: string }> = [];
  const plugin: Plugin = {
    name: 'node-imports',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.inner) return undefined;
        const specifier = args.path;
        const nodeOnly = (NODE_ONLY_PACKAGES as readonly string[]).includes(packageName(specifier));
        if (!nodeOnly && !BUILTINS.has(specifier) && !specifier.startsWith('node:')) return undefined;
        if (!nodeOnly) {
          // A dependency's browser field may map the built-in away (to a shim, or to an empty module).
          const resolved = await pluginBuild.resolve(specifier, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { inner: true } });
          if (resolved.errors.length === 0) {
            return resolved.path && resolved.namespace === 'file' ? { path: resolved.path } : { path: specifier, namespace: 'browser-false' };
          }
        }
        found.push({ specifier, importer: args.importer });
        return { path: specifier, external: true };
      });
      pluginBuild.onLoad({ filter: /.*/, namespace: 'browser-false' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
    },
  };
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: workingDirectory,
    bundle: true,
    write: false,
    outdir: 'out',
    platform: 'browser',
    format: 'esm',
    conditions: ['@jepa/source'],
    metafile: true,
    logLevel: 'silent',
    plugins: [plugin],
  });
  const metafile = result.metafile!;
  const root = Object.values(metafile.outputs).find((output) => output.entryPoint)?.entryPoint;
  if (!root) throw new Error(`esbuild reported no entry point for ${entry}.`);
  const unique = new Map(found.map((f) => [`${f.specifier} <- ${f.importer}`, f]));
  return [...unique.values()]
    .map(({ specifier, importer }) => ({ specifier, chain: chainTo(metafile, root, relativeTo(workingDirectory, importer)) }))
    .sort((a, b) => a.chain.join().localeCompare(b.chain.join()) || a.specifier.localeCompare(b.specifier));
}

function relativeTo(directory: string, path: string): string {
  const prefix = directory.endsWith('/') ? directory : `${directory}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

/** The shortest import chain from `root` to `target` in the bundle's graph (breadth first). */
function chainTo(metafile: Metafile, root: string, target: string): string[] {
  const previous = new Map<string, string | undefined>([[root, undefined]]);
  const queue = [root];
  while (queue.length > 0) {
    const at = queue.shift()!;
    if (at === target) break;
    for (const imported of metafile.inputs[at]?.imports ?? []) {
      if (imported.external || previous.has(imported.path)) continue;
      previous.set(imported.path, at);
      queue.push(imported.path);
    }
  }
  if (!previous.has(target)) return [root, '...', target];
  const chain: string[] = [];
  for (let at: string | undefined = target; at !== undefined; at = previous.get(at)) chain.unshift(at);
  return chain;
}

/** `a.ts -> b.ts -> c.ts imports node:fs`, one line per import. */
export function formatNodeImports(imports: readonly NodeImport[]): string[] {
  return imports.map(({ specifier, chain }) => `${chain.join(' -> ')} imports ${specifier}`);
}
