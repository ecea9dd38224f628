#!/usr/bin/env node
// Runs the MNIST recipe's I-JEPA part with the official PyTorch code and scores its features with
// our probes, the way `jepa train ijepa` scores its own:
//   1. export-data.mjs writes loadMnist()'s split and MNIST_IJEPA_RECIPE (read now, so a changed
//      recipe is followed) to a folder;
//   2. train_official.py trains facebookresearch/ijepa's modules (imported from YOUR checkout,
//      never copied here) on it and writes the target encoder's average-pooled features, trained
//      and with random weights;
//   3. the features go through probeFeatures of @jepa/vision (lowShotProbe 10 shots x 5 draws and
//      fullProbe, seed 0) and measureCollapse of @jepa/core; a table is printed.
// Usage: npm run compare:official -- --ijepa <path to facebookresearch/ijepa> [--steps N]
//        [--out <folder>] [--python /usr/bin/python3] [--threads 2]
// Without torch for the python, or without the checkout, it says "skipped" and exits 0.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
/** Debian's python3-torch is installed for the system python, not for a pyenv `python3` first on PATH. */
export const DEFAULT_PYTHON = '/usr/bin/python3';
const SHOTS = 10;
const DRAWS = 5;
const SEED = 0;

/**
 * Whether the comparison can run: the official checkout is there and `python` imports torch.
 * @param {{ ijepa?: string, python?: string }} options
 * @returns {{ skip: string } | { torch: string }}
 */
export function preflight({ ijepa, python = DEFAULT_PYTHON }) {
  if (!ijepa) {
    return { skip: 'no --ijepa <path> given. Fix: git clone https://github.com/facebookresearch/ijepa, then npm run compare:official -- --ijepa <that folder>' };
  }
  if (!existsSync(join(ijepa, 'src', 'models', 'vision_transformer.py'))) {
    return { skip: `--ijepa ${ijepa} is missing or is not a checkout of facebookresearch/ijepa (no src/models/vision_transformer.py). Fix: git clone https://github.com/facebookresearch/ijepa and pass that folder` };
  }
  const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    const why = probe.error ? probe.error.message : (probe.stderr.trim().split('\n').pop() || `exit code ${probe.status}`);
    return { skip: `${python} has no torch (${why}). Fix: install PyTorch for it (Debian: apt install python3-torch), or pass --python <a python with torch>` };
  }
  return { torch: probe.stdout.trim() };
}

/** `42.1 % ± 1.3` */
const percent = (value) => `${(100 * value).toFixed(1)} %`;

/**
 * The comparison table: one row per probed feature set.
 * @param {Array<{ label: string, lowShot: { mean: number, std: number }, full?: { accuracy: number }, featureStd: number, effectiveRank: number }>} rows
 */
export function formatTable(rows) {
  const lines = [
    `| features | ${SHOTS}-shot (${DRAWS} draws) | full-label | feature std | eff. rank |`,
    '|---|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.label} | ${percent(r.lowShot.mean)} ± ${(100 * r.lowShot.std).toFixed(1)} | ${r.full ? percent(r.full.accuracy) : '-'} | ${r.featureStd.toFixed(3)} | ${r.effectiveRank.toFixed(1)} |`);
  }
  return lines.join('\n');
}

function run(command, args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolvePromise(signal ? 128 : code ?? 1));
  });
}

/**
 * The whole comparison. Returns the exit code (0 also when skipped).
 * @param {string[]} argv @param {(line: string) => void} [log]
 */
export async function main(argv, log = (line) => console.log(line)) {
  const { values } = parseArgs({
    args: argv,
    options: {
      ijepa: { type: 'string' },
      steps: { type: 'string' },
      out: { type: 'string' },
      python: { type: 'string', default: DEFAULT_PYTHON },
      threads: { type: 'string', default: '2' },
    },
  });
  const steps = values.steps === undefined ? undefined : Number(values.steps);
  if (steps !== undefined && (!Number.isInteger(steps) || steps < 1)) {
    log(`--steps must be a positive integer, got ${values.steps}.`);
    return 2;
  }
  const ijepa = values.ijepa ? resolve(values.ijepa) : undefined;
  const check = preflight({ ijepa, python: values.python });
  if ('skip' in check) {
    log(`skipped: ${check.skip}.`);
    return 0;
  }

  // Imported here so that a skip costs no TensorFlow.js start-up.
  const { exportMnistRun, readTyped } = await import('./export-data.mjs');
  const { initBackend, measureCollapse } = await import('@jepa/core');
  const { probeFeatures } = await import('@jepa/vision');

  const folder = values.out ? resolve(values.out) : await mkdtemp(join(tmpdir(), 'official-ijepa-'));
  const loadBefore = loadavg();
  try {
    const manifest = await exportMnistRun(folder, { steps });
    const o = manifest.recipe.optimization;
    log(`exported ${manifest.sets.train.count} train + ${manifest.sets.heldOut.count} held-out digits and the recipe (${o.steps} steps of ${o.batchSize}) to ${folder}`);
    const code = await run(values.python, [join(here, 'train_official.py'), '--ijepa', ijepa, '--data', folder, '--threads', values.threads]);
    if (code !== 0) {
      log(`train_official.py failed (exit code ${code}); see its output above.`);
      return code;
    }
    const loadAfter = loadavg();
    const result = JSON.parse(await readFile(join(folder, 'result.json'), 'utf8'));
    const backend = await initBackend();
    const labels = {
      train: await readTyped(join(folder, manifest.sets.train.labels), Int32Array, manifest.sets.train.count),
      heldOut: await readTyped(join(folder, manifest.sets.heldOut.labels), Int32Array, manifest.sets.heldOut.count),
    };
    const dim = result.dim;
    const rows = [];
    for (const [name, label] of [['trained', `official I-JEPA target encoder (${result.steps} updates)`], ['random', 'official encoder, random weights']]) {
      const files = result.features[name];
      const set = async (key) => ({
        features: await readTyped(join(folder, files[key]), Float32Array, manifest.sets[key].count * dim),
        labels: labels[key],
        dim,
      });
      const train = await set('train');
      const heldOut = await set('heldOut');
      log(`probing ${label} (${dim}-d features, ${backend.backend} backend)...`);
      const evaluation = await probeFeatures(`official-${name}`, train, heldOut, { shotsPerClass: SHOTS, draws: DRAWS, seed: SEED });
      const collapse = measureCollapse(heldOut.features, dim);
      rows.push({ ...evaluation, label, featureStd: collapse.meanStd, effectiveRank: collapse.effectiveRank });
    }
    const env = Object.entries(result.env).map(([k, v]) => `${k}=${v ?? 'unset'}`).join(' ');
    const summary = [
      '',
      `facebookresearch/ijepa${result.ijepaCommit ? ` @ ${result.ijepaCommit.slice(0, 12)}` : ''} on the MNIST recipe (${ijepa})`,
      formatTable(rows),
      '',
      `s/step     ${result.secondsPerStep.toFixed(3)} (train step, mean; median ${result.secondsPerStepMedian.toFixed(3)}) + ${result.dataSecondsPerStep.toFixed(3)} data; ${result.steps} steps in ${result.wallSeconds.toFixed(0)} s; final loss ${result.finalLoss.toFixed(4)}`,
      `masks      ${result.meanContextTokens.toFixed(2)} context and ${result.meanTargetTokens.toFixed(2)} target tokens per block on average (after the official per-batch truncation); the collator relaxed the context constraint ${result.maskRelaxations} times`,
      `torch      ${result.torch} (python ${result.python}), ${result.threads} threads (interop ${result.interopThreads}), ${result.parallel ?? 'parallel backend unknown'}, BLAS ${(result.blas ?? ['unknown']).join(', ')}`,
      `env        ${env}`,
      `load       ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(2)).join(' ')} after training (1/5/15 min averages, ${(await import('node:os')).cpus().length} CPUs)`,
      `probes     @jepa/vision probeFeatures: ${SHOTS} shots x ${DRAWS} draws and full-label, seed ${SEED}, on ${manifest.sets.heldOut.count} held-out digits`,
      ...(result.notReproduced.length ? ['recipe settings NOT reproduced (the official code has no notion of them, or differs):', ...result.notReproduced.map((n) => `  - ${n}`)] : ['every recipe setting was reproduced']),
    ];
    for (const line of summary) log(line);
    await writeFile(join(folder, 'compare.json'), `${JSON.stringify({ rows, result, load: { before: loadBefore, after: loadAfter }, backend: backend.backend }, null, 2)}\n`);
    if (values.out) log(`features, result.json and compare.json are in ${folder}`);
    return 0;
  } finally {
    if (!values.out) await rm(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
