import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MNIST_IJEPA_RECIPE } from '@jepa/vision';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { captureIo } from './test-io.js';

const cwd = mkdtempSync(join(tmpdir(), 'jepa-cli-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

async function jepa(...argv: string[]) {
  return jepaWithEnv({}, ...argv);
}

async function jepaWithEnv(env: Record<string, string>, ...argv: string[]) {
  const capture = captureIo(cwd, env);
  const code = await runCli(argv, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}

describe('jepa --help', () => {
  it('lists every command with a description and examples', async () => {
    const { code, stdout } = await jepa('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/train\s+train a model/);
    expect(stdout).toMatch(/eval\s+evaluate a trained model/);
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain('jepa train ijepa');
    expect(stdout).toContain('jepa eval probe');
  });

  it('describes the subcommands and their options', async () => {
    const train = await jepa('train', '--help');
    expect(train.stdout).toMatch(/ijepa \[options\]\s+train an I-JEPA/);
    const ijepa = await jepa('train', 'ijepa', '--help');
    for (const flag of ['--dataset', '--preset', '--embed-dim', '--num-heads', '--patch-size', '--image-size', '--predictor-embed-dim', '--steps', '--epochs', '--batch-size', '--lr', '--seed', '--backend', '--out', '--resume', '--skip-corrupt', '--train-limit', '--eval-limit', '--no-eval', '--progress']) {
      expect(ijepa.stdout).toContain(flag);
    }
    // The --steps default is the recipe's.
    expect(ijepa.stdout).toContain(`(default ${MNIST_IJEPA_RECIPE.optimization.steps})`);
    const probe = await jepa('eval', 'probe', '--help');
    for (const flag of ['--checkpoint', '--shots', '--draws', '--full', '--baselines', '--out']) expect(probe.stdout).toContain(flag);
  });

  it('prints the version', async () => {
    const { code, stdout } = await jepa('--version');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('bad input', () => {
  it('exits non-zero on an unknown command or option, with a hint', async () => {
    const command = await jepa('trian');
    expect(command.code).not.toBe(0);
    expect(command.stderr).toMatch(/unknown command 'trian'[\s\S]*Did you mean train/);
    const option = await jepa('train', 'ijepa', '--stepz', '3');
    expect(option.code).not.toBe(0);
    expect(option.stderr).toContain("unknown option '--stepz'");
  });

  it('rejects an unknown preset and malformed numbers', async () => {
    const preset = await jepa('train', 'ijepa', '--preset', 'enormous');
    expect(preset.code).not.toBe(0);
    expect(preset.stderr).toMatch(/--preset <name>' argument 'enormous' is invalid. Allowed choices are tiny, small/);
    const steps = await jepa('train', 'ijepa', '--steps', 'ten');
    expect(steps.code).not.toBe(0);
    expect(steps.stderr).toContain('Expected a positive integer');
    for (const written of ['1e3', '0x10', '10.0', '1_000']) {
      const odd = await jepa('train', 'ijepa', '--steps', written);
      expect(odd.code, written).not.toBe(0);
      expect(odd.stderr).toContain(`Expected a positive integer written in decimal digits (e.g. 1000, not 1e3), got '${written}'.`);
    }
    const list = await jepa('train', 'world-model', '--encoder-stages', '8,1e2');
    expect(list.code).not.toBe(0);
    expect(list.stderr).toContain('Expected a comma-separated list of integers >= 1');
  });

  it('says which flags to change when the width is not divisible by the heads', async () => {
    const { code, stderr } = await jepa('train', 'ijepa', '--embed-dim', '30', '--num-heads', '4', '--out', 'x');
    expect(code).toBe(1);
    expect(stderr).toContain('error: Invalid model:');
    expect(stderr).toContain('encoder width 30 is not divisible by its 4 heads');
    expect(stderr).toMatch(/--num-heads one of 1, 2, 3, 5, 6, 10, 15, 30/);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('says which patch sizes fit the image', async () => {
    const { code, stderr } = await jepa('train', 'ijepa', '--patch-size', '5', '--out', 'x');
    expect(code).toBe(1);
    expect(stderr).toContain('--patch-size 5 does not divide --image-size 28');
    expect(stderr).toContain('--patch-size one of 1, 2, 4, 7, 14');
  });

  it('rejects a missing dataset folder', async () => {
    const { code, stderr } = await jepa('train', 'ijepa', '--dataset', 'no/such/folder', '--backend', 'cpu', '--out', 'x');
    expect(code).toBe(1);
    expect(stderr).toContain(`--dataset ${join(cwd, 'no/such/folder')}: no such folder`);
    expect(stderr).toContain('--dataset mnist');
  });

  it('rejects --resume without --out, and --steps with --epochs', async () => {
    const resume = await jepa('train', 'ijepa', '--resume');
    expect(resume.code).toBe(1);
    expect(resume.stderr).toContain('--resume needs --out');
    const both = await jepa('train', 'ijepa', '--steps', '3', '--epochs', '1', '--backend', 'cpu', '--out', 'both', '--train-limit', '100');
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('Give --steps or --epochs, not both.');
  });

  it('rejects an MNIST run with another image size', async () => {
    const { code, stderr } = await jepa('train', 'ijepa', '--image-size', '35', '--backend', 'cpu', '--out', 'size');
    expect(code).toBe(1);
    expect(stderr).toContain('MNIST images are 28 x 28 x 1');
  });

  it('explains a token grid too small for the masks, before creating the run folder', async () => {
    const { code, stderr } = await jepa('train', 'ijepa', '--patch-size', '14', '--min-keep', '4', '--train-limit', '100', '--backend', 'wasm', '--out', 'small-grid');
    expect(code).toBe(1);
    expect(stderr).toContain('minKeep 4');
    expect(stderr).toContain('The token grid is 2 x 2: --image-size 28 / --patch-size 14');
    expect(existsSync(join(cwd, 'small-grid'))).toBe(false);
  });

  it('reads the default backend from JEPA_BACKEND and rejects an unknown one', async () => {
    const { code, stderr } = await jepaWithEnv({ JEPA_BACKEND: 'abacus' }, 'train', 'ijepa', '--out', 'abacus');
    expect(code).toBe(1);
    expect(stderr).toContain("Unknown backend 'abacus' (from JEPA_BACKEND)");
  });

  it('rejects a missing checkpoint', async () => {
    const { code, stderr } = await jepa('eval', 'probe', '--checkpoint', 'runs/nothing');
    expect(code).toBe(1);
    expect(stderr).toContain('no such file or folder');
  });
});

describe('jepa train --out a folder that is not a run', () => {
  it('refuses a non-empty folder without config.json unless --force, for every family, and leaves its files alone', async () => {
    const folder = join(cwd, 'my-reports');
    mkdirSync(folder, { recursive: true });
    for (const name of ['report.md', 'report.json', 'loss.png']) writeFileSync(join(folder, name), 'mine');
    for (const kind of ['ijepa', 'vjepa', 'world-model']) {
      const { code, stderr } = await jepa('train', kind, '--out', 'my-reports');
      expect(code, kind).toBe(1);
      expect(stderr).toContain(`error: --out ${folder}: the folder is not empty (loss.png, report.json, report.md) and holds no run (no config.json).`);
      expect(stderr).toContain('pass --force to write into this one anyway');
      const help = await jepa('train', kind, '--help');
      expect(help.stdout).toMatch(/--force\s+write a new run into a non-empty --out folder that holds no run/);
    }
    expect(readFileSync(join(folder, 'report.md'), 'utf8')).toBe('mine');
    expect(readdirSync(folder).sort()).toEqual(['loss.png', 'report.json', 'report.md']);
  });
});
