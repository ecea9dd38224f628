import { readdir, rm } from 'node:fs/promises';
import { checkpointPaths, listCheckpoints, loadCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import type { LoadedCheckpoint } from '../io/checkpoint-codec.js';
import {
  checkTrainableState,
  isTrainCheckpointMeta,
  trainCheckpointName,
  type TrainCheckpoint,
  type TrainCheckpointMeta,
  type TrainCheckpointStore,
  type TrainerCheckpointMeta,
} from './train-checkpoint.js';
import type { TrainableState } from './trainable.js';

/**
 * The trainer's checkpoints in a folder (Node only; `@jepa/core/node`): `<outDir>/checkpoints/`,
 * two files per checkpoint (`step-000100.safetensors` and `step-000100.json`, see `saveCheckpoint`).
 * The names and the metadata are train-checkpoint.ts's.
 */

/** One trainer checkpoint found on disk by {@link listTrainCheckpoints}. */
export interface TrainCheckpointEntry extends TrainCheckpoint {
  /** Its metadata: the loop's position and the trainable's state meta. */
  meta: TrainCheckpointMeta;
  /** Why it cannot be loaded (missing or truncated tensors); absent when it looks valid. */
  problem?: string;
}

const NAME = /^step-(\d+)$/;
const FILE = /^(step-\d+)\.(json|safetensors)$/;

/**
 * The trainer's checkpoints in `dir` (names `step-N` whose manifest holds trainer metadata),
 * sorted by step, oldest first; other checkpoints and files are ignored. `[]` when `dir` is missing.
 */
export async function listTrainCheckpoints(dir: string): Promise<TrainCheckpointEntry[]> {
  const out: TrainCheckpointEntry[] = [];
  for (const info of await listCheckpoints<unknown>(dir)) {
    if (!NAME.test(info.name) || !isTrainCheckpointMeta(info.meta)) continue;
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
  /** The newest checkpoint that loads. */
  checkpoint: TrainCheckpoint;
  /** Its tensors, metadata and manifest. */
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
    checkTrainableState(state);
    const meta: TrainCheckpointMeta = { trainer, state: state.meta };
    const { tensorsPath, metaPath } = await saveCheckpoint(dir, name, { tensors: state.tensors, meta });
    return { dir, name, step: trainer.step, tensorsPath, metaPath, reason: trainer.reason };
  } finally {
    state?.dispose?.();
  }
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


/**
 * The {@link TrainCheckpointStore} of Node's `train`: the checkpoints in folder `dir`
 * (`<outDir>/checkpoints`), read and written by the functions above.
 */
export function folderCheckpointStore(dir: string): TrainCheckpointStore<TrainCheckpoint> {
  return {
    location: dir,
    list: async () => (await listTrainCheckpoints(dir)).map(({ meta: _meta, problem: _problem, ...checkpoint }) => checkpoint),
    async loadLatest() {
      const problems: string[] = [];
      const point = await loadLatestTrainCheckpoint(dir, problems);
      if (!point) return { skipped: problems };
      return { loaded: { checkpoint: point.checkpoint, tensors: point.loaded.tensors, meta: point.loaded.meta }, skipped: point.skipped };
    },
    write: (state, trainer) => writeTrainCheckpoint(dir, state, trainer),
    prune: (keep) => pruneTrainCheckpoints(dir, keep),
    where: (checkpoint) => checkpoint.tensorsPath,
  };
}
