// Is the learned latent space fit to plan in? Plans Two Rooms episodes through the TRUE simulator but
// scores each plan's final state by the learned encoder's latent distance to the goal frame's latent
// (CEM 100 x 10, horizon 45, actions held 15 steps, replan every 10: the recipe's search).
// Usage: npx tsx tools/world-model-diagnostics/encoder-cost-oracle.ts RUN_DIR [EPISODES=10]
// High success means the encoder is fine and planning failures with the model come from its predictor.
import * as tf from '@tensorflow/tfjs';
import { loadRunModel } from './load-run-model.js';
import { Rng } from '@jepa/core';
import { CemPlanner, TwoRoomsEpisode, stepWithEvalCollision, renderTwoRoomsFrame, simulatorWorldModel, runMpcEpisode } from '@jepa/hierarchy';
const run = process.argv[2] ?? 'runs/two-rooms';
const episodes = Number(process.argv[3] ?? 10);
const { model, config } = await loadRunModel(run);
const S = config.model.imageSize;
const NO_NOISE = { uniform: () => 0 };
let ok = 0;
for (let index = 0; index < episodes; index++) {
  const episode = new TwoRoomsEpisode({ seed: 0, imageSize: S, plannedSteps: 200, successDistance: 4.5 }).reset(index);
  const layout = episode.layout;
  const startDistance = episode.distanceToGoal;
  const goalLatent = tf.tidy(() => tf.reshape(model.encode(episode.goalFrame()), [1, -1]));
  const cost = (predicted: tf.Tensor4D) => {
    const [n, h] = predicted.shape;
    const last = predicted.slice([0, h - 1, 0, 0], [n, 1, 1, 2]).dataSync();
    const frames = new Float32Array(n * S * S * 2);
    for (let i = 0; i < n; i++) renderTwoRoomsFrame(layout, [last[2 * i]!, last[2 * i + 1]!], { imageSize: S, out: frames.subarray(i * S * S * 2, (i + 1) * S * S * 2) });
    return tf.tidy(() => tf.mean(tf.square(tf.sub(tf.reshape(model.encode(frames), [n, -1]), goalLatent)), 1) as tf.Tensor1D);
  };
  const planner = new CemPlanner({ samples: 100, iterations: 10, elites: 10, actionRepeat: 15 });
  const r = runMpcEpisode<Float32Array>({
    maxSteps: 200, horizon: (left) => Math.min(45, left), replanEvery: 10, rng: new Rng(0).derive(`ep-${index}`), planner, cost,
    model: simulatorWorldModel({ stateDim: 2, actionDim: 2, step: (s, a) => Float32Array.from(stepWithEvalCollision(layout, [s[0]!, s[1]!], [a[0]!, a[1]!], NO_NOISE)) }),
    environment: { observe: () => Float32Array.from(episode.position), goalObservation: () => Float32Array.from(episode.goal), step: (a) => void episode.step([a[0]!, a[1]!]), get done() { return episode.done; } },
  });
  goalLatent.dispose();
  if (episode.success) ok++;
  console.error(`episode ${index}: ${episode.success ? 'success' : 'fail'} final ${episode.distanceToGoal.toFixed(1)} (start ${startDistance.toFixed(1)}) plans ${r.plans}`);
}
console.log(JSON.stringify({ run, episodes, successes: ok }));
