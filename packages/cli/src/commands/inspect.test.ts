import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureDir } from '@jepa/core/testing';
import { createIJepa } from '@jepa/vision';
import { exportOfficialSafetensors } from '@jepa/vision/node';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';
import { metadataJson } from './inspect.js';
import { captureIo } from '../test-io.js';

const cwd = mkdtempSync(join(tmpdir(), 'jepa-inspect-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
const fixture = fixtureDir('ijepa-tiny');
const CHECKPOINT = fixture ? join(fixture, 'checkpoint.pth.tar') : '';

async function jepa(...argv: string[]) {
  const capture = captureIo(cwd);
  const code = await runCli(argv, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}

describe.skipIf(!fixture)('jepa inspect', () => {
  it('recognises the official checkpoint, its model and metadata, and folds repeated blocks', async () => {
    const { code, stdout, stderr } = await jepa('inspect', CHECKPOINT);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('(torch.save zip, 1.3 MB, 267 tensors)');
    expect(stdout).toContain("kind      I-JEPA full training checkpoint (encoder, predictor, target_encoder, optimizer state opt; keys prefixed 'module.')");
    expect(stdout).toContain('model     I-JEPA ViT with width 48, depth 2, patch 4, image 32 (8 x 8 tokens), 3 channels, MLP ratio 4; heads: not inferable (matches no preset) — pass --num-heads');
    expect(stdout).toContain('metadata  scaler None, epoch 2, loss 0.43212032318115234, batch_size 4, world_size 1, lr 0.001');
    expect(stdout).toMatch(/encoder\s+29\s+62,064\n/);
    expect(stdout).toMatch(/predictor\s+32\s+18,432\n/);
    expect(stdout).toMatch(/opt\s+177\s+151,835\n/);
    expect(stdout).toMatch(/total\s+267\s+294,395\n/);
    expect(stdout).toMatch(/ {2}module\.blocks\.0\.attn\.qkv\.weight\s+float32\s+\[144, 48\]\n/);
    expect(stdout).toMatch(/ {2}module\.blocks\.1\s+same 12 tensors as module\.blocks\.0 \(--all lists them\)\n/);
    expect(stdout).toMatch(/ {2}module\.predictor_blocks\.1\s+same 12 tensors as module\.predictor_blocks\.0/);
    expect(stdout).not.toContain('module.blocks.1.attn.qkv.weight');
    expect(stdout).toContain('... 153 more lines (--all lists every tensor)');
  });

  it('--all lists every tensor; --num-heads completes the model; --json is machine-readable', async () => {
    const all = await jepa('inspect', CHECKPOINT, '--all', '--num-heads', '3');
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/module\.blocks\.1\.mlp\.fc2\.bias\s+float32\s+\[48\]/);
    expect(all.stdout).toMatch(/state\.60\.exp_avg_sq\s+float32\s+\[48\]/);
    expect(all.stdout).toContain('heads: 3 (given). Predictor: width 24, depth 2, MLP ratio 4, heads 3');
    expect(all.stdout).not.toContain('more lines');

    const json = await jepa('inspect', CHECKPOINT, '--json');
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed).toMatchObject({ format: 'torch', kind: 'ijepa-training-checkpoint', epoch: 2, metadata: { epoch: 2, scaler: null } });
    expect(parsed.architecture.encoder).toMatchObject({ embedDim: 48, depth: 2, patchSize: 4, imageSize: 32 });
    expect(parsed.tensors).toHaveLength(267);
    expect(parsed.tensors[0]).toEqual({ name: 'encoder.module.pos_embed', dtype: 'float32', shape: [1, 64, 48] });
  });

  it('recognises our safetensors exports with the heads they record', async () => {
    const model = createIJepa({ imageSize: 16, patchSize: 4, encoder: { embedDim: 16, depth: 3, numHeads: 2 }, predictor: { embedDim: 8, depth: 1, numHeads: 2 } }, { seed: 0 });
    try {
      await exportOfficialSafetensors(join(cwd, 'vit.safetensors'), model.targetEncoder);
    } finally {
      model.dispose();
    }
    const { code, stdout, stderr } = await jepa('inspect', 'vit.safetensors');
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('kind      safetensors export with official I-JEPA names (one bare module)');
    expect(stdout).toContain('I-JEPA ViT with width 16, depth 3, patch 4, image 16 (4 x 4 tokens), 3 channels, MLP ratio 4; heads: 2 (recorded in the file)');
    // Safetensors stores keys sorted by name; blocks 1 and 2 repeat block 0.
    expect(stdout).toMatch(/blocks\.1 \.\.\. blocks\.2\s+same 12 tensors as blocks\.0/);
  });

  it('says what is wrong with a path that is not a checkpoint', async () => {
    const missing = await jepa('inspect', 'nope.pth.tar');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error: FILE .*nope\.pth\.tar: no such file or folder\. Pass an official I-JEPA \.pth\.tar/);
    writeFileSync(join(cwd, 'notes.pth'), 'hello, not a checkpoint');
    const text = await jepa('inspect', 'notes.pth');
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/error: FILE: .*notes\.pth.*not a torch\.save file.*pass a file written by torch\.save/);
    expect(text.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('jepa inspect --json on deeply nested metadata', () => {
  it('refuses metadata nested deeper than the limit with an error naming it, without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [new Set([deep])];
    expect(() => metadataJson({ nested: deep })).toThrow(
      /^--json: the metadata nests deeper than 1000 levels \(at nested(\.0){999}\), more than jepa inspect writes as JSON\. Inspect it without --json\.$/,
    );
    expect(metadataJson({ big: 2n ** 70n, bytes: new Uint8Array(3), set: new Set([1, 2]), lr: 0.5 })).toEqual({
      big: '1180591620717411303424', bytes: '<3 bytes>', set: [1, 2], lr: 0.5,
    });
  });
});
