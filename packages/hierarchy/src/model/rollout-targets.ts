import * as tf from '@tensorflow/tfjs';
import { gatherRows, type TokenIndex } from '@jepa/core';
import type { ActionCondition, ActionPredictor } from './action-predictor.js';

/** Throws unless `actions` is `[batch, H, actionDim]` with H >= 1. */
export function checkActions(actions: tf.Tensor, batch: number, actionDim: number, where: string): void {
  if (actions.rank !== 3 || actions.shape[0] !== batch || actions.shape[2] !== actionDim || actions.shape[1]! < 1) {
    throw new Error(`${where}: expected actions [${batch}, H >= 1, ${actionDim}], got [${actions.shape.join(', ')}].`);
  }
}

/**
 * The core predictor contract implemented by rolling out: each sample's context frame `t0`
 * (`contextIndex[0]` `[B, 1]`) is rolled forward with its actions `t0 .. max target - 1`, and the
 * states at the target frames (`targetIndex[0]` `[B, Kt]`, all after `t0`) are returned `[B, Kt, D]`.
 */
export function predictFromRollout(
  predictor: ActionPredictor,
  context: tf.Tensor3D,
  contextIndex: TokenIndex[],
  targetIndex: TokenIndex[],
  condition: ActionCondition | undefined,
  where: string,
): tf.Tensor3D {
  if (!condition) throw new Error(`${where}: pass the actions as the condition, { actions: [B, T, A] }.`);
  if (contextIndex.length !== 1 || targetIndex.length !== 1) {
    throw new Error(`${where}: give one context set (the start frame of each sample) and one target set; got ${contextIndex.length} and ${targetIndex.length}.`);
  }
  const [batch] = context.shape;
  if (context.shape[1] !== 1 || contextIndex[0]!.shape[0] !== batch || contextIndex[0]!.shape[1] !== 1) {
    throw new Error(`${where}: expected one context frame per sample (context [B, 1, D], index [B, 1]), got context [${context.shape.join(', ')}] and index [${contextIndex[0]!.shape.join(', ')}].`);
  }
  const starts = contextIndex[0]!.dataSync();
  const targets = targetIndex[0]!.arraySync() as number[][];
  const { actions } = condition;
  const frames = actions.shape[1]! + 1;
  let horizon = 0;
  targets.forEach((row, b) => {
    for (const t of row) {
      if (!Number.isInteger(t) || t <= starts[b]! || t >= frames) {
        throw new Error(`${where}: target frame ${t} of sample ${b} must come after its context frame ${starts[b]} and before frame ${frames} (the actions cover ${frames - 1} steps).`);
      }
      horizon = Math.max(horizon, t - starts[b]!);
    }
  });
  return tf.tidy(() => {
    // Each sample's actions from its own start frame, padded with zeros past the end (never read back).
    const windows = Array.from(starts, (start, b) => {
      const taken = Math.min(horizon, frames - 1 - start);
      const own = tf.slice(actions, [b, start, 0], [1, taken, -1]);
      return taken === horizon ? own : tf.concat([own, tf.zeros([1, horizon - taken, actions.shape[2]])], 1);
    });
    const rolled = predictor.rollout(context, tf.concat(windows, 0) as tf.Tensor3D); // [B, horizon, 1, D]
    const flat = tf.reshape(rolled, [batch * horizon, -1]) as tf.Tensor2D;
    const rows = targets.flatMap((row, b) => row.map((t) => b * horizon + (t - starts[b]!) - 1));
    return tf.reshape(gatherRows(flat, tf.tensor1d(rows, 'int32')), [batch, targets[0]!.length, -1]) as tf.Tensor3D;
  });
}
