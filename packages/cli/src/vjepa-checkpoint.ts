import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createVJepa, type VJepaModel, type VJepaTrainingConfig } from '@jepa/video';
import type { CheckpointLocation } from './ijepa-checkpoint.js';
import { loadRunCheckpoint, type LoadedRunCheckpoint, type RunCheckpointMeta } from './run-checkpoint.js';


/**
 * The `meta.state.kind` a run checkpoint's manifest records (`ijepa`, `vjepa`), read from its
 * `.json` without loading the tensors; undefined when the manifest cannot be read or says nothing.
 */
export async function checkpointKind(location: CheckpointLocation): Promise<string | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(location.dir, `${location.name}.json`), 'utf8')) as { meta?: RunCheckpointMeta<unknown> };
    const kind = manifest.meta?.state?.kind;
    return typeof kind === 'string' ? kind : undefined;
  } catch {
    return undefined;
  }
}

/** A V-JEPA rebuilt from a `jepa train vjepa` checkpoint. */
export type LoadedVJepa = LoadedRunCheckpoint<VJepaModel, VJepaTrainingConfig>;

/**
 * Loads a V-JEPA checkpoint written by `jepa train vjepa`: `createVJepa(config.model)` from the
 * config in its metadata, the three modules loaded strictly (see {@link loadRunCheckpoint}).
 */
export function loadVJepaCheckpoint(location: CheckpointLocation): Promise<LoadedVJepa> {
  return loadRunCheckpoint(location, { kind: 'vjepa', label: 'V-JEPA', command: 'jepa train vjepa', build: (config: VJepaTrainingConfig) => createVJepa(config.model) });
}
