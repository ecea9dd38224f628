import { decodeCheckpoint, encodeCheckpoint, parseCheckpointManifest } from '../io/checkpoint-codec.js';
import type { BinaryInput } from '../io/byte-source.js';
import {
  checkTrainableState,
  isTrainCheckpointMeta,
  trainCheckpointName,
  type CheckpointReason,
  type LoadedTrainCheckpoint,
  type SavedTrainCheckpoint,
  type TrainCheckpointMeta,
  type TrainCheckpointStore,
} from './train-checkpoint.js';

/** A checkpoint kept in memory: the same two files `saveCheckpoint` writes to a folder. */
export interface MemoryTrainCheckpoint extends SavedTrainCheckpoint {
  /** `<name>.json`, the manifest (offer it as a download, or keep it, e.g. in IndexedDB). */
  readonly manifest: string;
  /** `<name>.safetensors`. */
  readonly tensors: BinaryInput;
}

/** A {@link TrainCheckpointStore} in memory, with the checkpoints it holds. */
export interface MemoryCheckpointStore extends TrainCheckpointStore<MemoryTrainCheckpoint> {
  /** The checkpoints held, oldest first by step. */
  readonly checkpoints: readonly MemoryTrainCheckpoint[];
}

/** Options of {@link createMemoryCheckpointStore}. */
export interface MemoryCheckpointStoreOptions {
  /**
   * Checkpoints to start with (to resume a run saved earlier): each `{ manifest, tensors }` as the
   * files `<name>.json` (its text) and `<name>.safetensors` (a `File`, `Blob` or bytes) of a trainer
   * checkpoint, from this store, a download, or a run folder of Node's `train`.
   */
  readonly checkpoints?: ReadonlyArray<{
    /** The text of `<name>.json`. */
    manifest: string;
    /** The bytes of `<name>.safetensors` (a `File`, `Blob` or bytes). */
    tensors: BinaryInput;
  }>;
}

/**
 * Keeps the training loop's checkpoints in memory (browser-safe): each is encoded exactly as Node's
 * `train` writes it to `<outDir>/checkpoints` (`encodeCheckpoint`), so a page can offer the two
 * files as downloads, keep them, and resume from them later, and `jepa` on Node can resume from them
 * too. Loading verifies each checkpoint's SHA-256, skipping corrupt ones as the folder store does.
 */
export function createMemoryCheckpointStore(options: MemoryCheckpointStoreOptions = {}): MemoryCheckpointStore {
  const held: MemoryTrainCheckpoint[] = [];
  for (const [index, files] of (options.checkpoints ?? []).entries()) {
    const manifest = parseCheckpointManifest(files.manifest, `checkpoints[${index}].manifest`);
    if (!isTrainCheckpointMeta(manifest.meta)) {
      throw new Error(`createMemoryCheckpointStore: checkpoints[${index}] (${manifest.name}) is not a trainer checkpoint (its meta has no trainer step); pass the step-NNNNNN files of a training run.`);
    }
    const trainer = manifest.meta.trainer;
    held.push({ name: manifest.name, step: trainer.step, reason: trainer.reason, manifest: files.manifest, tensors: files.tensors });
  }
  const sort = () => held.sort((a, b) => a.step - b.step);
  sort();
  return {
    location: 'memory',
    get checkpoints() {
      return [...held];
    },
    list: () => [...held],
    async loadLatest() {
      const skipped: string[] = [];
      for (let i = held.length - 1; i >= 0; i--) {
        const checkpoint = held[i]!;
        try {
          const loaded = await decodeCheckpoint<TrainCheckpointMeta>({ manifest: checkpoint.manifest, tensors: checkpoint.tensors });
          const result: LoadedTrainCheckpoint<MemoryTrainCheckpoint> = { checkpoint, tensors: loaded.tensors, meta: loaded.meta };
          return { loaded: result, skipped };
        } catch (error) {
          skipped.push(`${checkpoint.name}: ${(error as Error).message}`);
        }
      }
      return { skipped };
    },
    async write(state, trainer) {
      try {
        checkTrainableState(state);
        const name = trainCheckpointName(trainer.step);
        const meta: TrainCheckpointMeta = { trainer, state: state.meta };
        const encoded = await encodeCheckpoint(name, { tensors: state.tensors, meta });
        const tensors = new Uint8Array(encoded.byteLength);
        let offset = 0;
        for (const chunk of encoded.tensors) {
          tensors.set(chunk, offset);
          offset += chunk.length;
        }
        const checkpoint: MemoryTrainCheckpoint = { name, step: trainer.step, reason: trainer.reason as CheckpointReason, manifest: encoded.manifestText, tensors };
        const at = held.findIndex((c) => c.name === name);
        if (at >= 0) held.splice(at, 1);
        held.push(checkpoint);
        sort();
        return checkpoint;
      } finally {
        state?.dispose?.();
      }
    },
    prune(keep) {
      if (!(keep >= 1)) throw new Error(`prune: keep must be at least 1, got ${keep}.`);
      const removed = held.splice(0, Math.max(0, held.length - keep));
      return removed.map((c) => c.name);
    },
  };
}
