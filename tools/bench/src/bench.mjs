#!/usr/bin/env node
// I-JEPA training-step benchmark: prints JSON with the median step time, images/s, the backend
// and peak RSS for a fixed config (ViT width 192, depth 6, 3 heads, 64 tokens, batch 32,
// predictor width 96, depth 2). Usage: node tools/bench/src/bench.mjs [--steps N] [--backend NAME]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { AdamW, initBackend, MultiBlockMaskSampler, Rng } from '@jepa/core';
import { createIJepa } from '@jepa/vision';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '8' }, warmup: { type: 'string', default: '2' }, backend: { type: 'string' } } });
const steps = Number(values.steps);
const warmup = Number(values.warmup);
const config = { imageSize: 32, patchSize: 4, inChannels: 3, batchSize: 32, encoder: { embedDim: 192, depth: 6, numHeads: 3 }, predictor: { embedDim: 96, depth: 2, numHeads: 3 } };

const info = await initBackend({ backend: values.backend });
const model = createIJepa({ imageSize: config.imageSize, patchSize: config.patchSize, inChannels: config.inChannels, encoder: config.encoder, predictor: config.predictor });
const grid = model.contextEncoder.grid;
const sampler = new MultiBlockMaskSampler({ grid });
const optimizer = new AdamW(model.jepa.trainableParameters());
const rng = new Rng(0);
let peakRss = process.memoryUsage().rss;
const times = [];
for (let i = 0; i < warmup + steps; i++) {
  const images = tf.randomUniform([config.batchSize, config.imageSize, config.imageSize, config.inChannels]);
  const masks = sampler.sample(config.batchSize, rng);
  const started = performance.now();
  model.jepa.step(images, masks, optimizer, { lr: 1e-3, weightDecay: 0.04, momentum: 0.996 });
  const elapsed = (performance.now() - started) / 1000;
  tf.dispose([images, ...masks.context, ...masks.target]);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  if (i >= warmup) times.push(elapsed);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(JSON.stringify({
  benchmark: 'ijepa-train-step',
  backend: info.backend,
  config: { ...config, tokens: grid.reduce((a, b) => a * b, 1) },
  steps,
  medianStepSeconds: Number(median.toFixed(4)),
  imagesPerSecond: Number((config.batchSize / median).toFixed(2)),
  minStepSeconds: Number(times[0].toFixed(4)),
  maxStepSeconds: Number(times[times.length - 1].toFixed(4)),
  peakRssMiB: Math.round(peakRss / 2 ** 20),
  node: process.version,
}, null, 2));
optimizer.dispose();
model.dispose();
