// The world model of a run's newest checkpoint (weights only), with its training config.
import * as tf from '@tensorflow/tfjs';
import { initBackend, toTfTensor } from '@jepa/core';
import { loadLatestTrainCheckpoint } from '@jepa/core/node';
import { createWorldModel, type ActionConditionedWorldModel, type WorldModelTrainingConfig } from '@jepa/hierarchy';

export async function loadRunModel(run: string): Promise<{ model: ActionConditionedWorldModel; config: WorldModelTrainingConfig }> {
  await initBackend({ backend: 'wasm' });
  const point = await loadLatestTrainCheckpoint(`${run}/checkpoints`);
  if (!point) throw new Error(`${run}/checkpoints holds no checkpoint; pass the folder of a \`jepa train world-model\` run.`);
  const config = (point.loaded.meta.state as { config: WorldModelTrainingConfig }).config;
  const model = createWorldModel(config.model);
  const weights: Record<string, tf.Tensor> = {};
  for (const [key, host] of point.loaded.tensors) if (!key.startsWith('optimizer.')) weights[key] = toTfTensor(host, key);
  try {
    model.loadStateDict(weights);
  } finally {
    tf.dispose(Object.values(weights));
  }
  return { model, config };
}
