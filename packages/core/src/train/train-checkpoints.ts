import { readdir, rm } from 'node:fs/promises';
import { checkpointPaths, listCheckpoints, loadCheckpoint, saveCheckpoint, type LoadedCheckpoint } from '../io/checkpoint.js';
import type { TrainableState } from './trainable.js';

/**
 * The trainer's checkpoints live in `<outDir>/checkpoints/` and are named `step-<step>` with the
 * step zero-padded to 6 digits (`step-000100`), one name per step, so every save has a new name.
 * Their metadata is a {@link TrainCheckpointMeta}: the trainer's own position plus the trainable's
 * `meta`. "Newest" means highest step, not latest file time.
 */

/** Why a checkpoint was written. */
export type CheckpointReason = 'periodic' | 'final' | 'aborted' | 'diverged';

/** The trainer's part of a checkpoint's metadata (`meta.trainer`). */
export interface TrainerCheckpointMeta {
  /** Steps completed: training resumes at `step + 1`. */
  step: number;
  /** 0-based epoch of `step` (0 at step 0). */
  epoch: number;
  /** The run's planned total steps when this was saved. */
  totalSteps: number;
  /** Loss of step `step`; null at step 0. */
  loss: number | null;
  /** Training time so far, summed over resumed runs, in seconds. */
  elapsedSeconds: number;
  reason: CheckpointReason;
}

/** What the trainer stores as a checkpoint's `meta`. */
export interface TrainCheckpointMeta {
  trainer: TrainerCheckpointMeta;
  /** The trainable's `saveState().meta`, handed back to `loadState`. */
  state: Record<string, unknown>;
}

/** A checkpoint written (or resumed from) by the trainer. */
export interface TrainCheckpoint {
  /** The folder holding it (`<outDir>/checkpoints`): `loadCheckpoint(dir, name)` reads it. */
  dir: string;
  name: string;
  step: number;
  tensorsPath: string;
  metaPath: string;
  reason: CheckpointReason;
}

/** One trainer checkpoint found on disk by {@link listTrainCheckpoints}. */
export interface TrainCheckpointEntry extends TrainCheckpoint {
  meta: TrainCheckpointMeta;
  /** Why it cannot be loaded (missing or truncated tensors); absent when it looks valid. */
  problem?: string;
}

const NAME = /^step-(\d+)$/;
const FILE = /^(step-\d+)\.(json|safetensors)$/;

/** `step-000100` for step 100 (more digits past 999999). */
export function trainCheckpointName(step: number): string {
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new Error(`trainCheckpointName: step must be a non-negative integer, got ${step}.`);
  }
  return `step-${String(step).padStart(6, '0')}`;
}

function isTrainerMeta(meta: unknown): meta is TrainCheckpointMeta {
  const trainer = (meta as Partial<TrainCheckpointMeta> | null)?.trainer;
  return typeof trainer === 'object' && trainer !== null && Number.isSafeInteger(trainer.step) && typeof (meta as TrainCheckpointMeta).state === 'object';
}

/**
 * The trainer's checkpoints in `dir` (names `step-N` whose manifest holds trainer metadata),
 * sorted by step, oldest first; other checkpoints and files are ignored. `[]` when `dir` is missing.
 */
export async function listTrainCheckpoints(dir: string): Promise<TrainCheckpointEntry[]> {
  const out: TrainCheckpointEntry[] = [];
  for (const info of await listCheckpoints<unknown>(dir)) {
    if (!NAME.test(info.name) || !isTrainerMeta(info.meta)) continue;
    const meta = info.meta;
    out.push({
      dir,
      name: info.name,
      step: meta.trainer.step,
      tensorsPath: info.tensorsPath,
      metaPath: info.metaPath,
      reason: meta.trainer.reason,
      meta,
      ...(info.problem ? { problem: info.problem } : {}),
    });
  }
  return out.sort((a, b) => a.step - b.step);
}

/** What {@link loadLatestTrainCheckpoint} found. */
export interface ResumePoint {
  checkpoint: TrainCheckpoint;
  loaded: LoadedCheckpoint<TrainCheckpointMeta>;
  /** Newer checkpoints that could not be loaded, each with the reason (they were skipped). */
  skipped: string[];
}

/**
 * Loads the newest trainer checkpoint in `dir` whose tensors match their manifest (length and
 * SHA-256), skipping (and reporting) newer ones that are incomplete or corrupt.
 * @returns undefined when `dir` holds no loadable trainer checkpoint; `skipped` then goes in `problems`.
 */
export async function loadLatestTrainCheckpoint(dir: string, problems: string[] = []): Promise<ResumePoint | undefined> {
  const entries = await listTrainCheckpoints(dir);
  const skipped: string[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!;
    if (entry.problem) {
      skipped.push(`${entry.name}: ${entry.problem}`);
      continue;
    }
    try {
      const loaded = await loadCheckpoint<TrainCheckpointMeta>(dir, entry.name);
      const { meta: _meta, problem: _problem, ...checkpoint } = entry;
      return { checkpoint, loaded, skipped };
    } catch (error) {
      skipped.push(`${entry.name}: ${(error as Error).message}`);
    }
  }
  problems.push(...skipped);
  return undefined;
}

/**
 * Writes `state` as checkpoint `step-<trainer.step>` in `dir`, then calls `state.dispose()`.
 * @throws naming the offending key when the trainable's tensors or meta cannot be saved.
 */
export async function writeTrainCheckpoint(dir: string, state: TrainableState, trainer: TrainerCheckpointMeta): Promise<TrainCheckpoint> {
  const name = trainCheckpointName(trainer.step);
  try {
    if (typeof state !== 'object' || state === null || typeof state.tensors !== 'object' || typeof state.meta !== 'object' || state.meta === null) {
      throw new Error(
        `train: saveState() must return { tensors: Record<string, tf.Tensor>, meta: Record<string, unknown> }, got ${describe(state)}. ` +
          'Fix the trainable\'s saveState().',
      );
    }
    const meta: TrainCheckpointMeta = { trainer, state: state.meta };
    const { tensorsPath, metaPath } = await saveCheckpoint(dir, name, { tensors: state.tensors, meta });
    return { dir, name, step: trainer.step, tensorsPath, metaPath, reason: trainer.reason };
  } finally {
    state?.dispose?.();
  }
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  return `an object with keys [${Object.keys(value).join(', ')}]`;
}

/**
 * Keeps the `keep` newest valid trainer checkpoints in `dir` and deletes every older trainer
 * checkpoint (valid, corrupt or half-written); nothing newer than the newest valid one is touched,
 * so the last good state always survives. Other files are left alone.
 * @returns the names removed.
 */
export async function pruneTrainCheckpoints(dir: string, keep: number): Promise<string[]> {
  if (!(keep >= 1)) throw new Error(`pruneTrainCheckpoints: keep must be at least 1, got ${keep}.`);
  const entries = await listTrainCheckpoints(dir);
  const valid = entries.filter((e) => !e.problem);
  if (valid.length === 0) return [];
  const kept = new Set(valid.slice(-Math.min(keep, valid.length)).map((e) => e.name));
  const newestKept = valid[valid.length - 1]!.step;
  const oldestKept = Math.min(...valid.filter((e) => kept.has(e.name)).map((e) => e.step));
  // Group the files on disk by name, so half-written checkpoints (tensors without a manifest) go too.
  const names = new Set<string>();
  for (const file of await readdir(dir)) {
    const match = FILE.exec(file);
    if (match) names.add(match[1]!);
  }
  const removed: string[] = [];
  for (const name of [...names].sort()) {
    if (kept.has(name)) continue;
    const step = Number(NAME.exec(name)![1]);
    const entry = entries.find((e) => e.name === name);
    // Older than the kept window, or a broken checkpoint among the kept ones: remove. Never touch newer files.
    if (step < oldestKept || (step < newestKept && (!entry || entry.problem))) {
      const { tensorsPath, metaPath } = checkpointPaths(dir, name);
      await rm(metaPath, { force: true }); // the manifest first: the checkpoint stops being listed at once
      await rm(tensorsPath, { force: true });
      removed.push(name);
    }
  }
  return removed;
}

