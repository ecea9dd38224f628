import { subsetLabeledImages, type LabeledImages } from './labeled-images.js';

/** Indices of each class in dataset order: `[classes][members]`. */
function membersByClass(dataset: LabeledImages): number[][] {
  const byClass: number[][] = dataset.classNames.map(() => []);
  for (let i = 0; i < dataset.count; i++) byClass[dataset.labels[i]!]!.push(i);
  return byClass;
}

/**
 * The first `limit` images taken class by class in turn (the first image of every class, then the
 * second of every class, ...), so a limited set stays as balanced as the data allows. Deterministic;
 * returns `dataset` itself when `limit` is undefined or not smaller than it.
 */
export function takeBalanced(dataset: LabeledImages, limit: number | undefined): LabeledImages {
  if (limit === undefined || limit >= dataset.count) return dataset;
  const byClass = membersByClass(dataset);
  const picked: number[] = [];
  for (let rank = 0; picked.length < limit; rank++) {
    for (const members of byClass) {
      if (rank < members.length && picked.length < limit) picked.push(members[rank]!);
    }
  }
  picked.sort((a, b) => a - b);
  return subsetLabeledImages(dataset, picked);
}

/**
 * Splits every class: its last `round(fraction * n)` images (at least one when the class has two or
 * more, and never all of them) are held out, the rest train. Deterministic: the same folder always
 * gives the same split, whatever the seed.
 */
export function splitHeldOut(dataset: LabeledImages, fraction: number): {
  /** The images that stay for training. */
  train: LabeledImages;
  /** The last `round(fraction * n)` images of each class. */
  heldOut: LabeledImages;
} {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`splitHeldOut: fraction must be in (0, 1), got ${fraction}.`);
  const train: number[] = [];
  const heldOut: number[] = [];
  for (const members of membersByClass(dataset)) {
    const n = members.length;
    const held = n < 2 ? 0 : Math.min(n - 1, Math.max(1, Math.round(fraction * n)));
    train.push(...members.slice(0, n - held));
    heldOut.push(...members.slice(n - held));
  }
  train.sort((a, b) => a - b);
  heldOut.sort((a, b) => a - b);
  return { train: subsetLabeledImages(dataset, train), heldOut: subsetLabeledImages(dataset, heldOut) };
}
