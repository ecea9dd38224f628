#!/usr/bin/env node
// Writes what `jepa train ijepa` trains on, for the official PyTorch code to read:
//   manifest.json                the recipe (MNIST_IJEPA_RECIPE, read at run time, with --steps applied
//                                as the CLI applies it) and the layout of the files below
//   train-images.f32             [8000, 28, 28, 1] float32 little-endian, values 0..1 (not normalised)
//   train-labels.i32             [8000] int32 little-endian
//   held-out-images.f32          [2000, 28, 28, 1]
//   held-out-labels.i32          [2000]
// The split and order are loadMnist()'s (the CLI's): per class, the first images train and the last
// 200 are held out, ordered by class. Usage: node src/export-data.mjs <folder> [--steps N]
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveVitSize } from '@jepa/core';
import { IJEPA_EVALUATION_DEFAULTS, MNIST_IJEPA_RECIPE } from '@jepa/vision';
import { loadMnist } from '@jepa/vision/node';

/** Name and version of the folder layout; train_official.py refuses anything else. */
export const EXPORT_FORMAT = 'jepa-official-ijepa-export';
export const EXPORT_VERSION = 1;

const SETS = /** @type {const} */ ({ train: 'train', heldOut: 'held-out' });

/**
 * The recipe a run of `steps` updates uses: warm-up scaled as `jepa train ijepa --steps` scales it
 * (same fraction, rounded), and a preset encoder name resolved to explicit sizes.
 * @param {any} recipe e.g. MNIST_IJEPA_RECIPE
 * @param {number | undefined} steps
 */
export function effectiveRecipe(recipe, steps) {
  const copy = JSON.parse(JSON.stringify(recipe));
  if (typeof copy.model?.encoder === 'string') copy.model.encoder = { ...resolveVitSize(copy.model.encoder) };
  const o = copy.optimization;
  if (steps !== undefined && steps !== o.steps) {
    if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`--steps must be a positive integer, got ${steps}.`);
    if (o.warmupSteps !== undefined) o.warmupSteps = Math.round(steps * (o.warmupSteps / o.steps));
    o.steps = steps;
  }
  return copy;
}

/** Little-endian bytes of a typed array (x86 and ARM are little-endian; checked, not assumed). */
function bytesOf(array) {
  const probe = new Uint8Array(new Uint16Array([1]).buffer);
  if (probe[0] !== 1) throw new Error('export-data: this machine is big-endian; the export format is little-endian.');
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * Writes labelled image sets and a recipe in the export format.
 * @param {string} folder
 * @param {{ recipe: any, train: import('@jepa/core').LabeledImages, heldOut: import('@jepa/core').LabeledImages, source?: string }} what
 */
export async function writeExport(folder, { recipe, train, heldOut, source }) {
  await mkdir(folder, { recursive: true });
  const sets = {};
  for (const [key, set] of Object.entries({ train, heldOut })) {
    const { count, height, width, channels } = set;
    if (set.images.length !== count * height * width * channels || set.labels.length !== count) {
      throw new Error(`export-data: ${key} has ${set.images.length} pixels and ${set.labels.length} labels for ${count} images of ${height}x${width}x${channels}.`);
    }
    const images = `${SETS[key]}-images.f32`;
    const labels = `${SETS[key]}-labels.i32`;
    await writeFile(join(folder, images), bytesOf(Float32Array.from(set.images)));
    await writeFile(join(folder, labels), bytesOf(Int32Array.from(set.labels)));
    sets[key] = { count, height, width, channels, images, labels };
  }
  const manifest = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    layout: 'images [count, height, width, channels] float32 little-endian, values 0..1 (normalise with recipe.normalization); labels [count] int32 little-endian',
    source: source ?? 'custom',
    recipe,
    sets,
  };
  await writeFile(join(folder, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Reads an export back (for tests and for compare.mjs's labels). */
export async function readExport(folder) {
  const manifest = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8'));
  if (manifest.format !== EXPORT_FORMAT || manifest.version !== EXPORT_VERSION) {
    throw new Error(`${folder}/manifest.json: expected format ${EXPORT_FORMAT} v${EXPORT_VERSION}, got ${manifest.format} v${manifest.version}. Fix: export again with this version of export-data.mjs.`);
  }
  const out = { manifest };
  for (const [key, s] of Object.entries(manifest.sets)) {
    const images = await readTyped(join(folder, s.images), Float32Array, s.count * s.height * s.width * s.channels);
    const labels = await readTyped(join(folder, s.labels), Int32Array, s.count);
    out[key] = { images, labels, count: s.count, height: s.height, width: s.width, channels: s.channels };
  }
  return out;
}

/**
 * A raw little-endian file as a typed array of exactly `length` values.
 * @template {Float32ArrayConstructor | Int32ArrayConstructor} T
 * @param {string} path @param {T} Type @param {number} length
 */
export async function readTyped(path, Type, length) {
  const bytes = await readFile(path);
  if (bytes.byteLength !== length * Type.BYTES_PER_ELEMENT) {
    throw new Error(`${path}: expected ${length} ${Type.name} values (${length * Type.BYTES_PER_ELEMENT} bytes), got ${bytes.byteLength} bytes.`);
  }
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Type(copy.buffer);
}

/** Exports the CLI's MNIST split and the current MNIST recipe (with `steps` applied) to `folder`. */
export async function exportMnistRun(folder, { steps } = {}) {
  const { train, heldOut } = loadMnist({ heldOutPerClass: IJEPA_EVALUATION_DEFAULTS.mnistHeldOutPerClass });
  return writeExport(folder, {
    recipe: effectiveRecipe(MNIST_IJEPA_RECIPE, steps),
    train,
    heldOut,
    source: `@jepa/vision loadMnist({ heldOutPerClass: ${IJEPA_EVALUATION_DEFAULTS.mnistHeldOutPerClass} }) and MNIST_IJEPA_RECIPE${steps !== undefined ? ` with --steps ${steps}` : ''}`,
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { steps: { type: 'string' } } });
  if (positionals.length !== 1) {
    console.error('Usage: node tools/official-ijepa/src/export-data.mjs <folder> [--steps N]');
    process.exit(2);
  }
  const manifest = await exportMnistRun(positionals[0], { steps: values.steps === undefined ? undefined : Number(values.steps) });
  console.log(`wrote ${manifest.sets.train.count} train + ${manifest.sets.heldOut.count} held-out images and the recipe (${manifest.recipe.optimization.steps} steps) to ${positionals[0]}`);
}
