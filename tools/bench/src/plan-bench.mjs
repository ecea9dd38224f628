#!/usr/bin/env node
// Planning benchmark: seconds per `plan` call for CEM and MPPI at the eb_jepa reference sizes
// (200 samples x 20 iterations, 20 elites) over a GRU world model of eb_jepa's shape
// (`GruActionPredictor`: z' = LayerNorm(GRUCell(a, z)), 2-D actions, untrained weights; the cost
// does not depend on the weights) at several latent widths and horizons. Prints JSON. Build first
// (`npm run build`). Usage:
//   node tools/bench/src/plan-bench.mjs [--backend wasm] [--hidden 128,512] [--horizon 30,90]
//     [--planners cem,mppi] [--samples 200] [--iterations 20] [--repeats 2] [--warmup 1]
import os from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend, Rng } from '@jepa/core';
import { CemPlanner, GruActionPredictor, MppiPlanner } from '@jepa/hierarchy';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    hidden: { type: 'string', default: '128,512' },
    horizon: { type: 'string', default: '30,90' },
    planners: { type: 'string', default: 'cem,mppi' },
    samples: { type: 'string', default: '200' },
    iterations: { type: 'string', default: '20' },
    elites: { type: 'string', default: '20' },
    repeats: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '1' },
  },
});
const list = (text) => text.split(',').map((item) => item.trim()).filter(Boolean);
const numbers = (text, name) => list(text).map((item) => {
  const value = Number(item);
  if (!Number.isInteger(value) || value < 1) throw new Error(`plan-bench: --${name} takes positive integers separated by commas, got '${item}'.`);
  return value;
});
const hiddenSizes = numbers(values.hidden, 'hidden');
const horizons = numbers(values.horizon, 'horizon');
const [samples] = numbers(values.samples, 'samples');
const [iterations] = numbers(values.iterations, 'iterations');
const [elites] = numbers(values.elites, 'elites');
const [repeats] = numbers(values.repeats, 'repeats');
const warmup = Number(values.warmup);
const plannerNames = list(values.planners);
const makePlanner = (name) => {
  if (name === 'cem') return new CemPlanner({ samples, iterations, elites });
  if (name === 'mppi') return new MppiPlanner({ samples, iterations, elites });
  throw new Error(`plan-bench: --planners takes cem and/or mppi, got '${name}'.`);
};

const info = await initBackend({ backend: values.backend });
const actionDim = 2;
// The reference episode: 200 replans with horizon min(90, steps left).
const referenceHorizons = Array.from({ length: 200 }, (_, i) => Math.min(90, 200 - i));
const results = [];
const loadAtStart = os.loadavg();
const summary = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: Number(sorted[Math.floor(sorted.length / 2)].toFixed(3)), min: Number(sorted[0].toFixed(3)) };
};
let peakRss = process.memoryUsage().rss;

for (const hidden of hiddenSizes) {
  const predictor = new GruActionPredictor({ latentDim: hidden, actionDim });
  const model = { actionDim, encode: (z) => z, rollout: (z0, actions) => predictor.rollout(z0, actions) };
  const start = tf.randomNormal([1, 1, hidden], 0, 1, 'float32', 1);
  const goal = tf.randomNormal([1, 1, hidden], 0, 1, 'float32', 2);
  for (const name of plannerNames) {
    const planner = makePlanner(name);
    const perHorizon = [];
    for (const horizon of horizons) {
      const rng = new Rng(0);
      const wall = [];
      const cpu = [];
      let plan;
      for (let i = 0; i < warmup + repeats; i++) {
        const started = performance.now();
        const cpuStarted = process.cpuUsage();
        plan = planner.plan({ model, start, goal, horizon }, rng);
        const cpuUsed = process.cpuUsage(cpuStarted);
        const elapsed = (performance.now() - started) / 1000;
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        if (i >= warmup) {
          wall.push(elapsed);
          cpu.push((cpuUsed.user + cpuUsed.system) / 1e6);
        }
      }
      const entry = {
        planner: name,
        hidden,
        horizon,
        secondsPerPlan: summary(wall),
        cpuSecondsPerPlan: summary(cpu),
        rolloutCalls: plan.rolloutCalls,
        predictedSteps: plan.predictedSteps,
        predictedStepsPerSecond: Math.round(plan.predictedSteps / summary(wall).median),
        // per batched step of all samples (CEM's one extra one-sample scoring rollout included)
        millisecondsPerBatchedStep: Number(((summary(wall).median * 1000) / (iterations * horizon)).toFixed(2)),
      };
      perHorizon.push(entry);
      results.push(entry);
      console.error(`${name} hidden ${hidden} horizon ${horizon}: ${JSON.stringify(entry.secondsPerPlan)} s/plan, load ${os.loadavg()[0].toFixed(2)}`);
    }
    // Seconds per plan are close to linear in the horizon: fit a + b * H through the two extreme
    // horizons and sum it over the reference episode's horizons.
    if (perHorizon.length >= 2) {
      const first = perHorizon[0];
      const last = perHorizon[perHorizon.length - 1];
      const episode = (key) => {
        const slope = (last.secondsPerPlan[key] - first.secondsPerPlan[key]) / (last.horizon - first.horizon);
        const intercept = first.secondsPerPlan[key] - slope * first.horizon;
        return Math.round(referenceHorizons.reduce((sum, h) => sum + intercept + slope * h, 0));
      };
      results.push({ planner: name, hidden, estimatedReferenceEpisodeSeconds: { median: episode('median'), min: episode('min') }, note: '200 replans, horizon min(90, steps left), seconds per plan linear in the horizon between the measured ones' });
    }
  }
  tf.dispose([start, goal]);
  predictor.dispose();
}

console.log(JSON.stringify({
  benchmark: 'plan-seconds',
  backend: info.backend,
  model: 'GruActionPredictor (GRUCell + LayerNorm, eb_jepa RNNPredictor shape), action size 2',
  config: { samples, iterations, elites, repeats, warmup },
  // Other processes share these cores: CPU seconds and the minimum are the least disturbed numbers.
  loadAverage: { start: loadAtStart.map((v) => Number(v.toFixed(2))), end: os.loadavg().map((v) => Number(v.toFixed(2))), cpus: os.cpus().length },
  results,
  peakRssMiB: Math.round(peakRss / 2 ** 20),
  node: process.version,
}, null, 2));
