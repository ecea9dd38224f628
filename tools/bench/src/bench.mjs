#!/usr/bin/env node
// I-JEPA training-step benchmark: prints JSON with the median step time, images/s, the backend
// and peak RSS for a fixed config (ViT width 192, depth 6, 3 heads, 64 tokens, batch 32,
// predictor width 96, depth 2). Usage: node tools/bench/src/bench.mjs [--steps N] [--backend NAME]
// [--profile]. With --profile it then profiles one more step (tf.profile) and prints, after the
// JSON, a per-kernel table and the BatchMatMul calls by shape with GFLOP/s. JEPA_WASM_FAST_KERNELS=0
// runs with the stock wasm kernels (see docs/architecture.md, "Fast wasm kernels").
// It also times the target encoder's forward pass on 64 images (what `jepa embed` does). With
// --pytorch <facebookresearch/ijepa checkout> (or JEPA_IJEPA_CHECKOUT) and a Python with torch
// (--python, default /usr/bin/python3), it runs the same step and embed pass with the official
// code (src/pytorch_step.py) under both OpenMP wait policies and prints the faster one and the ratios,
// in --rounds rounds (default 3) of ours then PyTorch: the ratios are the medians of the rounds'.
import { parseArgs } from 'node:util';
import { runPytorchBench } from './pytorch-bench.mjs';
import * as tf from '@tensorflow/tfjs';
import { AdamW, initBackend, MultiBlockMaskSampler, Rng } from '@jepa/core';
import { createIJepa } from '@jepa/vision';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '8' }, warmup: { type: 'string', default: '2' }, backend: { type: 'string' }, profile: { type: 'boolean', default: false }, pytorch: { type: 'string' }, python: { type: 'string', default: '/usr/bin/python3' }, threads: { type: 'string', default: '2' }, rounds: { type: 'string', default: '3' } } });
const steps = Number(values.steps);
const warmup = Number(values.warmup);
const roundCount = Math.max(1, Number(values.rounds));
const config = { imageSize: 32, patchSize: 4, inChannels: 3, batchSize: 32, encoder: { embedDim: 192, depth: 6, numHeads: 3 }, predictor: { embedDim: 96, depth: 2, numHeads: 3 } };

const info = await initBackend({ backend: values.backend });
const model = createIJepa({ imageSize: config.imageSize, patchSize: config.patchSize, inChannels: config.inChannels, encoder: config.encoder, predictor: config.predictor });
const grid = model.contextEncoder.grid;
// The official MaskCollator (facebookresearch/ijepa main) places blocks without PR #40's `+ 1`, our
// default: its context masks average 13.4 tokens on this 8 x 8 grid, ours 14.4 (1,000 batches each).
// The official placement here makes both sides run the same step.
const sampler = new MultiBlockMaskSampler({ grid, placement: 'official' });
const optimizer = new AdamW(model.jepa.trainableParameters());
const rng = new Rng(0);
let peakRss = process.memoryUsage().rss;
const embedBatch = 64;
const checkout = values.pytorch ?? process.env.JEPA_IJEPA_CHECKOUT;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

/** One round of ours: `steps` training steps (after `warmup`), then the target encoder's forward pass on 64 images. */
async function measureOurs() {
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
  const embedImages = tf.randomUniform([embedBatch, config.imageSize, config.imageSize, config.inChannels]);
  const embedTimes = [];
  for (let i = 0; i < warmup + steps; i++) {
    const started = performance.now();
    const tokens = model.targetEncoder.encode(embedImages);
    await tokens.data();
    tokens.dispose();
    if (i >= warmup) embedTimes.push((performance.now() - started) / 1000);
  }
  embedImages.dispose();
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return {
    medianStepSeconds: Number(median(times).toFixed(4)),
    minStepSeconds: Number(Math.min(...times).toFixed(4)),
    maxStepSeconds: Number(Math.max(...times).toFixed(4)),
    embedImagesPerSecond: Number((embedBatch / median(embedTimes)).toFixed(1)),
  };
}

// Rounds alternate ours and PyTorch, so that both see the machine as it is at the time (on shared
// cores either side's step time drifts by 20-40 % within minutes); each round's ratio pairs the two.
const rounds = [];
let pytorch;
for (let r = 0; r < roundCount; r++) {
  const ours = await measureOurs();
  pytorch = runPytorchBench({ checkout, python: values.python, config, steps, warmup, threads: Number(values.threads), embedBatch });
  rounds.push({
    ours,
    ...(pytorch.skipped ? {} : {
      pytorch: { medianStepSeconds: pytorch.medianStepSeconds, embedImagesPerSecond: pytorch.embedImagesPerSecond, peakRssMiB: pytorch.peakRssMiB, ompWaitPolicy: pytorch.ompWaitPolicy },
      ratio: { trainStep: Number((ours.medianStepSeconds / pytorch.medianStepSeconds).toFixed(2)), embed: Number((pytorch.embedImagesPerSecond / ours.embedImagesPerSecond).toFixed(2)) },
    }),
  });
  if (pytorch.skipped) break;
}
const stepMedian = Number(median(rounds.map((r) => r.ours.medianStepSeconds)).toFixed(4));
const embedMedian = Number(median(rounds.map((r) => r.ours.embedImagesPerSecond)).toFixed(1));
const peakRssMiB = Math.round(peakRss / 2 ** 20);
console.log(JSON.stringify({
  benchmark: 'ijepa-train-step',
  backend: info.backend,
  config: { ...config, tokens: grid.reduce((a, b) => a * b, 1) },
  steps,
  medianStepSeconds: stepMedian,
  imagesPerSecond: Number((config.batchSize / stepMedian).toFixed(2)),
  minStepSeconds: Math.min(...rounds.map((r) => r.ours.minStepSeconds)),
  maxStepSeconds: Math.max(...rounds.map((r) => r.ours.maxStepSeconds)),
  peakRssMiB,
  embedImagesPerSecond: embedMedian,
  embedBatch,
  fastKernels: info.fastKernels,
  kernelThreads: info.kernelThreads,
  node: process.version,
  pytorch,
  ...(pytorch.skipped ? {} : {
    rounds,
    ratio: {
      trainStep: Number(median(rounds.map((r) => r.ratio.trainStep)).toFixed(2)),
      embed: Number(median(rounds.map((r) => r.ratio.embed)).toFixed(2)),
      peakMemory: Number((peakRssMiB / Math.max(...rounds.map((r) => r.pytorch.peakRssMiB))).toFixed(2)),
      note: `the median over ${rounds.length} rounds of ours then PyTorch (each round's ratio in rounds); ours / PyTorch for step time and memory, PyTorch / ours for embed throughput: above 1 means we are slower or larger`,
    },
  }),
}, null, 2));
if (values.profile) await printProfile();
optimizer.dispose();
model.dispose();

/** One more step under tf.profile: time per kernel, and BatchMatMul by shape with GFLOP/s. */
async function printProfile() {
  const images = tf.randomUniform([config.batchSize, config.imageSize, config.imageSize, config.inChannels]);
  const masks = sampler.sample(config.batchSize, rng);
  const started = performance.now();
  const profile = await tf.profile(() => {
    model.jepa.step(images, masks, optimizer, { lr: 1e-3, weightDecay: 0.04, momentum: 0.996 });
  });
  const wallMs = performance.now() - started;
  tf.dispose([images, ...masks.context, ...masks.target]);
  const backend = tf.getBackend();
  // Entries that are not registered kernels are custom-gradient scopes ("unnamed scope", op names):
  // their time contains the kernels run inside them, which are listed too. Left out of the total.
  const isScope = (name) => tf.getKernel(name, backend) == null;
  const byName = new Map();
  for (const k of profile.kernels) {
    const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += k.kernelTimeMs;
    e.calls++;
    byName.set(k.name, e);
  }
  const rows = [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const totalMs = rows.filter(([name]) => !isScope(name)).reduce((s, [, e]) => s + e.ms, 0);
  const pct = (ms) => `${((100 * ms) / totalMs).toFixed(1)} %`;
  console.log(`\nprofile of one step on ${backend}${backend === 'wasm' ? ` (fast kernels ${info.fastKernels ? `on, ${info.kernelThreads} thread${info.kernelThreads === 1 ? '' : 's'}` : 'off'})` : ''}: wall ${wallMs.toFixed(0)} ms (profiling included), kernels ${totalMs.toFixed(0)} ms in ${profile.kernels.length} calls`);
  console.log(`${'kernel'.padEnd(30)}${'calls'.padStart(7)}${'total ms'.padStart(11)}${'share'.padStart(9)}`);
  for (const [name, e] of rows) {
    const scope = isScope(name);
    console.log(`${(scope ? `${name} *` : name).padEnd(30)}${String(e.calls).padStart(7)}${e.ms.toFixed(1).padStart(11)}${(scope ? '-' : pct(e.ms)).padStart(9)}`);
  }
  if (rows.some(([name]) => isScope(name))) {
    console.log('* a custom-gradient scope, not a kernel: its time double counts the kernels run inside it (listed on their own rows), so it has no share and is left out of the total.');
  }
  const shapes = new Map();
  for (const k of profile.kernels) {
    if (k.name !== 'BatchMatMul') continue;
    const [a, b] = k.inputShapes;
    const out = k.outputShapes[0];
    const m = out.at(-2);
    const inner = a.at(-2) === m ? a.at(-1) : a.at(-2);
    const flops = 2 * out.reduce((x, y) => x * y, 1) * inner;
    const key = `${JSON.stringify(a)} x ${JSON.stringify(b)} -> ${JSON.stringify(out)}`;
    const e = shapes.get(key) ?? { ms: 0, calls: 0, flops: 0 };
    e.ms += k.kernelTimeMs;
    e.calls++;
    e.flops += flops;
    shapes.set(key, e);
  }
  if (shapes.size) {
    console.log(`\nBatchMatMul by shape (a x b -> out; transposes not recorded by tf.profile)`);
    console.log(`${'shapes'.padEnd(52)}${'calls'.padStart(7)}${'total ms'.padStart(11)}${'share'.padStart(9)}${'GFLOP/s'.padStart(10)}`);
    for (const [key, e] of [...shapes.entries()].sort((x, y) => y[1].ms - x[1].ms)) {
      console.log(`${key.padEnd(52)}${String(e.calls).padStart(7)}${e.ms.toFixed(1).padStart(11)}${pct(e.ms).padStart(9)}${(e.flops / e.ms / 1e6).toFixed(2).padStart(10)}`);
    }
  }
}
