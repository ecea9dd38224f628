import { CliError } from '../cli-error.js';

/** The part of a host or torch tensor this check reads. */
interface TensorData {
  readonly data: ArrayLike<number> | ArrayLike<bigint>;
  readonly dtype: string;
}

/** Floating-point typed arrays (integer tensors cannot hold NaN/Inf; float16/bfloat16 arrive widened or as raw bits). */
function floatValues(tensor: TensorData): ArrayLike<number> | undefined {
  const data = tensor.data;
  return data instanceof Float32Array || data instanceof Float64Array ? data : undefined;
}

/** Non-finite values per tensor key, in key order: `[key, NaNs, infinities]`. */
export function nonFiniteWeights(tensors: Iterable<readonly [string, TensorData]>): Array<[key: string, nans: number, infinities: number]> {
  const found: Array<[string, number, number]> = [];
  for (const [key, tensor] of tensors) {
    const values = floatValues(tensor);
    if (!values) continue;
    let nans = 0;
    let infinities = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v - v !== 0) {
        if (Number.isNaN(v)) nans++;
        else infinities++;
      }
    }
    if (nans + infinities > 0) found.push([key, nans, infinities]);
  }
  return found;
}

/**
 * Refuses weights that hold NaN or infinite values (a model with them outputs NaN everywhere), with
 * a {@link CliError} that names each tensor key and its count (the first 10, then how many more).
 * @param where the argument and file, e.g. `--checkpoint runs/a/checkpoints/step-000010.safetensors`.
 * @param optOut the flag that skips this check, when the command has one.
 */
export function refuseNonFiniteWeights(tensors: Iterable<readonly [string, TensorData]>, where: string, optOut?: string): void {
  const found = nonFiniteWeights(tensors);
  if (found.length === 0) return;
  const describe = ([key, nans, infinities]: [string, number, number]) =>
    `${key} (${[nans ? `${nans} NaN` : '', infinities ? `${infinities} infinite` : ''].filter(Boolean).join(', ')})`;
  const listed = found.slice(0, 10).map(describe).join(', ') + (found.length > 10 ? `, and ${found.length - 10} more` : '');
  throw new CliError(
    `${where}: ${found.length} weight tensor${found.length === 1 ? ' holds' : 's hold'} non-finite values: ${listed}. ` +
      'A model with them computes NaN; the training that wrote it diverged or the file is damaged. Use an earlier checkpoint' +
      (optOut ? `, or pass ${optOut} to use these weights anyway.` : '.'),
  );
}
