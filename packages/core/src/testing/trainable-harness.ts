import type { Trainable } from '../train/trainable.js';

/**
 * How the conformance checks get and free trainables: every {@link create} call must give a fresh
 * trainable with the same configuration, data and seed (so two of them train identically).
 */
export interface TrainableHarness<T extends Trainable = Trainable> {
  /** A fresh trainable; the checks call it several times. */
  create(): T | Promise<T>;
  /** Frees one (default: its `close()` when it has one, else its `dispose()`). */
  destroy?(trainable: T): void | Promise<void>;
  /** The trainable's name in error messages (default: its class name). */
  readonly name?: string;
}

type Closable = { close?: () => unknown; dispose?: () => unknown };

/** The name {@link TrainableHarness.name} or the trainable's class gives. */
export function trainableName(harness: TrainableHarness<Trainable>, trainable?: Trainable): string {
  return harness.name ?? trainable?.constructor?.name ?? 'trainable';
}

/** Frees `trainable` as the harness says. */
export async function destroyTrainable<T extends Trainable>(harness: TrainableHarness<T>, trainable: T): Promise<void> {
  if (harness.destroy) return harness.destroy(trainable);
  const closable = trainable as unknown as Closable;
  if (typeof closable.close === 'function') await closable.close();
  else if (typeof closable.dispose === 'function') closable.dispose();
  else throw new Error(`${trainableName(harness, trainable)} has neither close() nor dispose(); pass harness.destroy so the checks can free it.`);
}

/** Runs `use` on a fresh trainable and frees it afterwards, also when `use` throws. */
export async function withTrainable<T extends Trainable, R>(harness: TrainableHarness<T>, use: (trainable: T) => Promise<R>): Promise<R> {
  const trainable = await harness.create();
  try {
    return await use(trainable);
  } finally {
    await destroyTrainable(harness, trainable);
  }
}
