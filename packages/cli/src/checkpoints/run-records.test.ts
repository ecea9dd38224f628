import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ijepaShapeClaims } from '../families/ijepa/eval-probe-ijepa.js';
import { vjepaShapeClaims } from '../families/vjepa/eval-probe-vjepa.js';
import type { VJepaTrainingConfig } from '@jepa/video';
import type { ResolvedTrainingConfig } from '../families/ijepa/ijepa-run-settings.js';
import { runCli } from '../run-cli.js';
import { captureIo } from '../test-io.js';
import { contradictedClaim, readSafetensorsShapes } from './model-shape-claims.js';

const cwd = mkdtempSync(join(tmpdir(), 'jepa-run-records-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

async function jepa(...argv: string[]) {
  const capture = captureIo(cwd);
  const code = await runCli(argv, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}

/** A copy of the tiny run whose newest checkpoint manifest (step 2) is edited by `edit`. */
function forgedRun(name: string, edit: (model: Record<string, any>) => void): string {
  cpSync(join(cwd, 'run'), join(cwd, name), { recursive: true });
  const metaPath = join(cwd, name, 'checkpoints', 'step-000002.json');
  const manifest = JSON.parse(readFileSync(metaPath, 'utf8'));
  edit(manifest.meta.state.config.model);
  writeFileSync(metaPath, JSON.stringify(manifest, null, 2));
  return name;
}

describe('run checkpoints whose recorded model is forged (issue 11, item 2)', () => {
  beforeAll(async () => {
    const trained = await jepa(
      'train', 'ijepa', '--embed-dim', '16', '--depth', '1', '--num-heads', '2', '--predictor-embed-dim', '16', '--predictor-depth', '1',
      '--steps', '2', '--batch-size', '8', '--train-limit', '100', '--eval-limit', '50', '--backend', 'wasm', '--no-eval', '--progress', 'none', '--out', 'run',
    );
    expect(trained.code, trained.stderr).toBe(0);
    mkdirSync(join(cwd, 'no-images'));
  });

  it('claims of a 32768-wide, 48-deep config are refused from the header alone, naming the field, the key and its shape', async () => {
    const manifest = JSON.parse(readFileSync(join(cwd, 'run', 'checkpoints', 'step-000002.json'), 'utf8'));
    const config = manifest.meta.state.config as ResolvedTrainingConfig;
    const shapes = await readSafetensorsShapes(join(cwd, 'run', 'checkpoints', 'step-000002.safetensors'));
    expect(contradictedClaim(ijepaShapeClaims(config, 'm.json'), shapes)).toBeUndefined();
    const forged = { ...config, model: { ...config.model, encoder: { embedDim: 32768, depth: 48, numHeads: 16 } } };
    expect(contradictedClaim(ijepaShapeClaims(forged, 'm.json'), shapes)).toBe(
      "model.encoder.embedDim 32768 implies 'target_encoder.patch_embed.proj.weight' [32768, 1, 7, 7], but the weights have [16, 1, 7, 7]",
    );
    const deeper = { ...config, model: { ...config.model, encoder: { ...config.model.encoder, depth: 48 } } };
    expect(contradictedClaim(ijepaShapeClaims(deeper, 'm.json'), shapes)).toBe("model.encoder.depth 48 implies 48 'target_encoder.blocks.<i>' blocks, but the weights hold 1");
    const wideMlp = { ...config, model: { ...config.model, predictor: { ...config.model.predictor, mlpRatio: 4096 } } };
    expect(contradictedClaim(ijepaShapeClaims(wideMlp, 'm.json'), shapes)).toContain("'predictor.predictor_blocks.0.mlp.fc1.weight' [65536, 16], but the weights have [64, 16]");
    const biggerImages = { ...config, model: { ...config.model, imageSize: 280 } };
    expect(contradictedClaim(ijepaShapeClaims(biggerImages, 'm.json'), shapes)).toBe(
      "model.imageSize 280 / model.patchSize 7 implies 'target_encoder.pos_embed' [1, 1600, 16], but the weights have [1, 16, 16]",
    );
  });

  it('V-JEPA claims: frames, tubelet, mask tokens and widths are read against the header of a jepa train vjepa checkpoint', () => {
    // The header of a 4-frame 16 x 16 grey V-JEPA run (tubelet 2, patch 4, 16 wide, 1 deep, 2 mask tokens).
    const module = (name: string): Array<[string, number[]]> => [
      [`${name}.patch_embed.proj.weight`, [16, 1, 2, 4, 4]], [`${name}.pos_embed`, [1, 32, 16]],
      [`${name}.blocks.0.mlp.fc1.weight`, [64, 16]], [`${name}.blocks.0.mlp.fc2.weight`, [16, 64]],
    ];
    const shapes = new Map<string, readonly number[]>([
      ...module('encoder'), ...module('target_encoder'),
      ['predictor.predictor_embed.weight', [16, 16]], ['predictor.predictor_pos_embed', [1, 32, 16]],
      ['predictor.predictor_blocks.0.mlp.fc1.weight', [64, 16]], ['predictor.mask_tokens.0', [1, 1, 16]], ['predictor.mask_tokens.1', [1, 1, 16]],
    ]);
    const model = { numFrames: 4, tubeletSize: 2, imageSize: 16, patchSize: 4, inChannels: 1, encoder: { embedDim: 16, depth: 1, numHeads: 2 }, predictor: { embedDim: 16, depth: 1, numHeads: 2 } };
    const claims = (change: Record<string, unknown>) => contradictedClaim(vjepaShapeClaims({ model: { ...model, ...change } } as unknown as VJepaTrainingConfig, 'm.json'), shapes);
    expect(claims({})).toBeUndefined();
    expect(claims({ numFrames: 160000 })).toBe(
      "model.numFrames 160000 / tubelet 2 x (model.imageSize 16 / model.patchSize 4)^2 implies 'target_encoder.pos_embed' [1, 1280000, 16], but the weights have [1, 32, 16]",
    );
    expect(claims({ tubeletSize: 4 })).toBe("model.tubeletSize 4 implies 'target_encoder.patch_embed.proj.weight' [16, 1, 4, 4, 4], but the weights have [16, 1, 2, 4, 4]");
    expect(claims({ numMaskTokens: 4096 })).toBe("model.numMaskTokens 4096 implies 4096 'predictor.mask_tokens.<i>' blocks, but the weights hold 2");
    expect(claims({ encoder: 'huge' })).toContain("model.encoder.embedDim 1280 implies 'target_encoder.patch_embed.proj.weight' [1280, 1, 2, 4, 4]");
  });

  it('jepa eval probe refuses a manifest whose sizes the weights contradict, before building the model', async () => {
    // Both records agree (config.json edited too), so only the weights can tell.
    const run = forgedRun('wider', (model) => (model.encoder.embedDim = 64));
    const configPath = join(cwd, run, 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    config.training.model.encoder.embedDim = 64;
    writeFileSync(configPath, JSON.stringify(config));
    rmSync(join(cwd, run, 'report.json'), { force: true });
    const { code, stderr } = await jepa('eval', 'probe', '--checkpoint', run, '--backend', 'wasm');
    expect(code).toBe(1);
    expect(stderr).toContain(`${join(cwd, run, 'checkpoints', 'step-000002.json')} does not describe the weights of ${join(cwd, run, 'checkpoints', 'step-000002.safetensors')}`);
    expect(stderr).toContain("meta.state.config.model.encoder.embedDim 64 implies 'target_encoder.patch_embed.proj.weight' [64, 1, 7, 7], but the weights have [16, 1, 7, 7]");
    expect(stderr).toContain('nothing was built');
  });

  it('jepa eval probe and jepa embed refuse a manifest whose heads disagree with config.json, naming both files', async () => {
    const run = forgedRun('heads', (model) => {
      model.encoder.numHeads = 16;
      model.predictor.numHeads = 16;
    });
    const manifest = join(cwd, run, 'checkpoints', 'step-000002.json');
    const expected = `${manifest} and ${join(cwd, run, 'config.json')} disagree about the model: the checkpoint records meta.state.config.model.encoder.numHeads 16, ` +
      `${join(cwd, run, 'config.json')} records training.model.encoder.numHeads 2.`;
    const probe = await jepa('eval', 'probe', '--checkpoint', run, '--backend', 'wasm');
    expect(probe.code).toBe(1);
    expect(probe.stderr).toContain(expected);
    const embed = await jepa('embed', '--checkpoint', run, '--input', 'no-images', '--out', 'heads.safetensors', '--backend', 'wasm');
    expect(embed.code).toBe(1);
    expect(embed.stderr).toContain(expected);
    expect(embed.stderr).not.toMatch(/\n\s+at /);
  });

  it('a config.json edited alone is caught by the report.json the run wrote', async () => {
    cpSync(join(cwd, 'run'), join(cwd, 'edited-config'), { recursive: true });
    const configPath = join(cwd, 'edited-config', 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    config.training.model.encoder.numHeads = 4;
    writeFileSync(configPath, JSON.stringify(config));
    const embed = await jepa('embed', '--checkpoint', 'edited-config', '--input', 'no-images', '--out', 'edited.safetensors', '--backend', 'wasm');
    expect(embed.code).toBe(1);
    expect(embed.stderr).toContain(`${join(cwd, 'edited-config', 'config.json')} records training.model.encoder.numHeads 4`);
  });
});
