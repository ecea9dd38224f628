// The PyTorch side of the bench: runs src/pytorch_step.py (the official facebookresearch/ijepa
// modules from a checkout the user fetched; never committed) under both OpenMP wait policies and
// returns the faster run with both timings, or `{ skipped: reason }` when it cannot run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = join(dirname(fileURLToPath(import.meta.url)), 'pytorch_step.py');
const HOW = 'pass --pytorch <path of a facebookresearch/ijepa checkout> (git clone https://github.com/facebookresearch/ijepa) and have torch installed for --python (Debian: apt-get install python3-torch)';

/**
 * @param {{ checkout?: string, python: string, config: object, steps: number, warmup: number, threads: number, embedBatch: number }} options
 * @returns {object} the faster run's JSON plus `waitPolicies` (median step s under each), or `{ skipped }`
 */
export function runPytorchBench(options) {
  if (!options.checkout) return { skipped: `no official checkout given; ${HOW}` };
  const checkout = resolve(options.checkout);
  if (!existsSync(join(checkout, 'src', 'models', 'vision_transformer.py'))) {
    return { skipped: `${checkout} is not a facebookresearch/ijepa checkout (no src/models/vision_transformer.py); ${HOW}` };
  }
  const probe = spawnSync(options.python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    return { skipped: `${options.python} cannot import torch (${(probe.error?.message ?? probe.stderr.trim().split('\n').at(-1)) || 'unknown error'}); ${HOW}` };
  }
  const runs = {};
  for (const policy of ['PASSIVE', 'ACTIVE']) {
    const child = spawnSync(options.python, [
      script, '--ijepa', checkout, '--config', JSON.stringify(options.config),
      '--steps', String(options.steps), '--warmup', String(options.warmup),
      '--threads', String(options.threads), '--embed-batch', String(options.embedBatch),
    ], { encoding: 'utf8', env: { ...process.env, OMP_WAIT_POLICY: policy, OMP_NUM_THREADS: String(options.threads) }, maxBuffer: 64 * 2 ** 20 });
    const line = child.stdout?.trim().split('\n').at(-1) ?? '';
    if (child.status !== 0 || !line.startsWith('{')) {
      return { skipped: `the PyTorch run failed (OMP_WAIT_POLICY=${policy}, exit ${child.status}): ${(child.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}` };
    }
    runs[policy] = JSON.parse(line);
  }
  const faster = runs.PASSIVE.medianStepSeconds <= runs.ACTIVE.medianStepSeconds ? runs.PASSIVE : runs.ACTIVE;
  return {
    ...faster,
    waitPolicies: Object.fromEntries(Object.entries(runs).map(([policy, run]) => [policy, { medianStepSeconds: run.medianStepSeconds, embedImagesPerSecond: run.embedImagesPerSecond }])),
    note: 'the official modules, step as src/train.py; the faster OpenMP wait policy is compared',
  };
}
