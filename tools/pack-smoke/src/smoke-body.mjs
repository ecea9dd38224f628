// The smoke script that runs inside the fresh project, once as ESM (smoke.mjs, `import`) and once
// as CommonJS (smoke.cjs, `require`). One body, two headers: only how a package is loaded differs.

/** The body; `load(name)` loads a package, `FORMAT` is 'esm' or 'cjs'. Kept plain JS for both. */
const BODY = String.raw`
const BACKEND = process.env.JEPA_SMOKE_BACKEND || 'wasm';
const results = [];
async function check(pkg, what, fn) {
  const t0 = Date.now();
  try {
    const detail = await fn();
    results.push({ pkg, what, ok: true });
    console.log('PASS ' + FORMAT + ' ' + pkg + ' ' + what + (detail ? ' (' + detail + ')' : '') + ' ' + (Date.now() - t0) + ' ms');
  } catch (e) {
    results.push({ pkg, what, ok: false, error: String(e && e.stack || e) });
    console.log('FAIL ' + FORMAT + ' ' + pkg + ' ' + what + ': ' + (e && e.stack || e));
  }
}
function expectFunctions(mod, names) {
  const missing = names.filter((n) => typeof mod[n] !== 'function');
  if (missing.length) throw new Error('missing exports: ' + missing.join(', '));
  return Object.keys(mod).length + ' exports';
}

async function main() {
  const m = {};
  // The main entries (browser-safe) and the /node entries (files, sharp, ffmpeg, worker threads).
  const expected = {
    '@jepa/core': ['initBackend', 'MultiBlockMaskSampler', 'AdamW', 'serializeSafetensors', 'parseSafetensors', 'readTorchBlob', 'readCheckpointBlob', 'encodeCheckpoint', 'decodeCheckpoint', 'runTrainingLoop'],
    '@jepa/core/node': ['saveCheckpoint', 'loadCheckpoint', 'train', 'readCheckpointFile', 'readSafetensorsFile'],
    '@jepa/core/random': ['Rng'],
    '@jepa/vision': ['createIJepa', 'splitMnistDigits'],
    '@jepa/vision/node': ['loadMnist', 'decodeImage', 'writePng'],
    '@jepa/video': ['createVJepa'],
    '@jepa/video/node': ['ClipDecodeThread', 'probeVideo', 'readVJepaCheckpoint'],
    '@jepa/hierarchy': ['stepWithEvalCollision', 'encodeTwoRoomsDataset'],
    '@jepa/hierarchy/node': ['readTwoRoomsDatasetFile'],
    '@jepa/cli': ['runCli', 'createProgram'],
  };
  for (const [name, fns] of Object.entries(expected)) {
    await check(name.split('/').slice(0, 2).join('/'), 'load ' + name, async () => { m[name] = await load(name); return expectFunctions(m[name], fns); });
  }
  const core = m['@jepa/core'], coreNode = m['@jepa/core/node'], random = m['@jepa/core/random'], vision = m['@jepa/vision'];
  if (!core || !coreNode || !random || !vision) return finish();

  await check('@jepa/core', 'initBackend', async () => {
    const info = await core.initBackend({ backend: BACKEND });
    if (info.backend !== BACKEND) throw new Error('asked for ' + BACKEND + ', got ' + info.backend);
    return 'backend ' + info.backend + ', fastKernels ' + info.fastKernels;
  });

  let model;
  await check('@jepa/vision', 'createIJepa + one training step', async () => {
    model = vision.createIJepa(
      { imageSize: 8, patchSize: 4, inChannels: 1, encoder: { embedDim: 16, depth: 1, numHeads: 2 }, predictor: { embedDim: 8, depth: 1, numHeads: 2 } },
      { seed: 0 },
    );
    // A 2x2 token grid: one 1x1 target block, the context is the other 3 tokens (both > minKeep 0).
    const sampler = new core.MultiBlockMaskSampler({
      grid: [2, 2], numTargetBlocks: 1, targetScale: [0.25, 0.25], targetAspectRatio: [1, 1],
      numContextBlocks: 1, contextScale: [1, 1], contextAspectRatio: [1, 1], minKeep: 0,
    });
    const masks = sampler.sample(2, new random.Rng(0));
    const optimizer = new core.AdamW(model.jepa.trainableParameters());
    const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 1);
    try {
      const key = Object.keys(model.stateDict()).find((k) => k.startsWith('predictor.') && k.endsWith('.weight'));
      const before = model.stateDict()[key].dataSync().slice();
      const result = model.jepa.step(x, masks, optimizer, { lr: 1e-3, weightDecay: 0.04, momentum: 0.996 });
      const after = model.stateDict()[key].dataSync();
      if (!Number.isFinite(result.loss)) throw new Error('loss is ' + result.loss);
      if (before.every((v, i) => v === after[i])) throw new Error('the step left ' + key + ' unchanged');
      return 'loss ' + result.loss.toFixed(4);
    } finally {
      x.dispose();
      optimizer.dispose();
    }
  });

  await check('@jepa/core', 'safetensors checkpoint write + read', async () => {
    if (!model) throw new Error('no model (the vision step failed)');
    const fs = await load('node:fs');
    const os = await load('node:os');
    const path = await load('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jepa-smoke-ckpt-'));
    try {
      const tensors = model.stateDict();
      await coreNode.saveCheckpoint(dir, 'step-000001', { tensors, meta: { format: FORMAT } });
      const loaded = await coreNode.loadCheckpoint(dir, 'step-000001');
      const keys = Object.keys(tensors);
      if (loaded.tensors.size !== keys.length) throw new Error('read ' + loaded.tensors.size + ' tensors, wrote ' + keys.length);
      for (const key of keys) {
        const want = tensors[key].dataSync();
        const got = core.toFloat32Array(loaded.tensors.get(key));
        if (got.length !== want.length || got.some((v, i) => v !== want[i])) throw new Error(key + ' differs after the round trip');
      }
      // The in-memory path (what a browser uses): serialize and parse without the file system.
      const host = {};
      for (const key of keys) host[key] = core.fromTfTensor(tensors[key], key);
      const parsed = core.parseSafetensors(core.serializeSafetensors(host));
      if (parsed.tensors.size !== keys.length) throw new Error('parseSafetensors read ' + parsed.tensors.size + ' tensors');
      // The two files of a run checkpoint from memory, as a page uploads them, and the same tensors file as a Blob.
      const manifest = fs.readFileSync(path.join(dir, 'step-000001.json'), 'utf8');
      const bytes = fs.readFileSync(path.join(dir, 'step-000001.safetensors'));
      const decoded = await core.decodeCheckpoint({ manifest, tensors: new Blob([bytes]) });
      if (decoded.meta.format !== FORMAT || decoded.tensors.size !== keys.length) throw new Error('decodeCheckpoint read ' + decoded.tensors.size + ' tensors');
      const file = await core.readCheckpointBlob(new Blob([bytes]), { name: 'step-000001.safetensors' });
      if (file.format !== 'safetensors' || file.tensors.size !== keys.length) throw new Error('readCheckpointBlob read ' + file.tensors.size + ' tensors');
      return keys.length + ' tensors';
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  model?.dispose();

  const videoNode = m['@jepa/video/node'];
  if (videoNode) {
    await check('@jepa/video', 'ClipDecodeThread starts its worker from the /node build', async () => {
      const thread = await videoNode.ClipDecodeThread.start({ concurrency: 1 });
      await thread.close();
      return 'started and closed';
    });
  }
  return finish();
}

function finish() {
  console.log('SMOKE_RESULT ' + JSON.stringify({ format: FORMAT, results }));
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
}

main().catch((e) => { console.log('FAIL ' + FORMAT + ' (smoke script) ' + (e && e.stack || e)); process.exitCode = 1; });
`;

export const ESM_SMOKE = `// Generated by tools/pack-smoke: the packages as an ESM user imports them.
import * as tf from '@tensorflow/tfjs';
const FORMAT = 'esm';
const load = (name) => import(name);
${BODY}`;

export const CJS_SMOKE = `// Generated by tools/pack-smoke: the packages as a CommonJS user requires them.
'use strict';
const tf = require('@tensorflow/tfjs');
const FORMAT = 'cjs';
const load = async (name) => require(name);
${BODY}`;
