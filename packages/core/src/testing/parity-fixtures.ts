import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { readSafetensorsFile } from '../io/safetensors-file.js';
import { toTfTensor } from '../io/safetensors.js';

/**
 * Locates `shared/fixtures/<name>` beside the repository (or through `JEPA_FIXTURES`): the
 * official-code parity cases. Returns undefined when absent so suites can say why they skip.
 */
export function fixtureDir(name: string): string | undefined {
  const fromEnv = process.env.JEPA_FIXTURES;
  const here = dirname(fileURLToPath(import.meta.url));
  // From packages/core/src/testing (sources) or packages/core/dist (built): the repository's parent holds shared/.
  const candidates = [fromEnv, resolve(here, '../../../../../shared/fixtures'), resolve(here, '../../../../shared/fixtures'), resolve(process.cwd(), '../shared/fixtures')]
    .filter((p): p is string => Boolean(p))
    .map((p) => join(p, name));
  const found = candidates.find((p) => existsSync(join(p, 'case.safetensors')));
  if (!found && process.env.CI && !process.env.JEPA_ALLOW_MISSING_FIXTURES) {
    throw new Error(`Parity fixture '${name}' not found (looked in ${candidates.join(', ')}). CI must run beside shared/fixtures, or set JEPA_FIXTURES to their folder.`);
  }
  return found;
}

/** All tensors of a fixture's `case.safetensors` as tf tensors (the caller disposes). */
export async function loadFixtureTensors(dir: string): Promise<Map<string, tf.Tensor>> {
  const parsed = await readSafetensorsFile(join(dir, 'case.safetensors'));
  const out = new Map<string, tf.Tensor>();
  for (const [key, host] of parsed.tensors) out.set(key, toTfTensor(host, key));
  return out;
}

/** Largest absolute difference between two tensors of one shape. */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  if (a.shape.join(',') !== b.shape.join(',')) throw new Error(`shape [${a.shape}] vs [${b.shape}]`);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

/** Largest absolute value of a tensor. */
export function maxAbs(a: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0]!);
}
