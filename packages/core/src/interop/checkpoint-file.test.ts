import { closeSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { serializeSafetensors } from '../io/safetensors.js';
import { afterAll, describe, expect, it } from 'vitest';
import { checkpointTensorToTf, parseCheckpointBytes } from './checkpoint-file.js';
import { readCheckpointFile } from './read-checkpoint-file.js';
import { fixtureDir } from '../testing/parity-fixtures.js';

const IJEPA_TINY_DIR = fixtureDir('ijepa-tiny');
const IJEPA_TINY_CHECKPOINT = IJEPA_TINY_DIR ? join(IJEPA_TINY_DIR, 'checkpoint.pth.tar') : '';

const dir = mkdtempSync(join(tmpdir(), 'jepa-ckpt-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readCheckpointFile', () => {
  it('reads safetensors files with their metadata', async () => {
    const bytes = serializeSafetensors({ 'encoder.norm.weight': { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) } }, { epoch: '3' });
    writeFileSync(join(dir, 'w.safetensors'), bytes);
    const file = await readCheckpointFile(join(dir, 'w.safetensors'));
    expect(file.format).toBe('safetensors');
    expect([...file.tensors.keys()]).toEqual(['encoder.norm.weight']);
    expect(file.metadata).toEqual({ epoch: '3' });
  });

  it.skipIf(!IJEPA_TINY_DIR)('reads torch.save files, keeping the non-tensor entries as metadata', async () => {
    const file = await readCheckpointFile(IJEPA_TINY_CHECKPOINT);
    expect(file.format).toBe('torch');
    expect(file.tensors.get('encoder.module.pos_embed')?.shape).toEqual([1, 64, 48]);
    expect(Object.keys(file.metadata).sort()).toEqual(['batch_size', 'epoch', 'loss', 'lr', 'scaler', 'world_size']);
  });

  it('names the file and the fix when it cannot be read or parsed', async () => {
    await expect(readCheckpointFile(join(dir, 'missing.pth.tar'))).rejects.toThrow(/missing\.pth\.tar.*cannot read the file.*check the path/);
    expect(() => parseCheckpointBytes(new Uint8Array([0x80, 0x02, 0x7d, 0x2e]), 'bare.pth')).toThrow(/bare\.pth.*bare pickle, not a torch\.save zip archive/);
    expect(() => parseCheckpointBytes(new Uint8Array([1, 2, 3]), 'x.safetensors')).toThrow(/x\.safetensors.*shorter than the 8-byte header/);
  });

  it('reads torch and safetensors files over 2 GiB piece by piece (sparse files), reading only the modules asked for', async () => {
    const path = join(dir, 'huge.pth.tar');
    writeFileSync(path, '');
    truncateSync(path, 2 ** 31 + 1024); // sparse: takes no disk space
    // no longer refused for its size: read with positioned reads, it fails on its (zero) content
    await expect(readCheckpointFile(path)).rejects.toThrow(/huge\.pth\.tar.*not a torch\.save file: it starts with bytes \[00 00/);
    rmSync(path);
    // A 2 GiB (zero, sparse) encoder tensor, then a small target-encoder tensor beyond the 2 GiB mark.
    const big = join(dir, 'huge.safetensors');
    const size = 2 ** 31;
    let header = JSON.stringify({
      'encoder.big': { dtype: 'U8', shape: [size], data_offsets: [0, size] },
      'target_encoder.w': { dtype: 'F32', shape: [2], data_offsets: [size, size + 8] },
    });
    header += ' '.repeat((8 - (header.length % 8)) % 8);
    const prefix = Buffer.alloc(8 + header.length);
    prefix.writeBigUInt64LE(BigInt(header.length), 0);
    prefix.write(header, 8, 'utf8');
    const fd = openSync(big, 'w');
    try {
      writeSync(fd, prefix, 0, prefix.length, 0);
      writeSync(fd, Buffer.from(new Float32Array([1.5, -2]).buffer), 0, 8, prefix.length + size);
    } finally {
      closeSync(fd);
    }
    const file = await readCheckpointFile(big, { only: ['target_encoder'] });
    expect([...file.tensors.keys()]).toEqual(['target_encoder.w']);
    expect(Array.from(file.tensors.get('target_encoder.w')!.data as Float32Array)).toEqual([1.5, -2]);
    expect(file.byteLength).toBe(prefix.length + size + 8);
    await expect(readCheckpointFile(big, { only: ['predictor'] })).rejects.toThrow(/huge\.safetensors.*options\.only names 'predictor'/);
    truncateSync(big, prefix.length + size + 4); // cut inside the last tensor
    await expect(readCheckpointFile(big, { only: ['target_encoder'] })).rejects.toThrow(/huge\.safetensors.*run past the .*data buffer; the file is truncated/);
    rmSync(big);
  });

  it('turns float tensors into tf tensors and refuses integer ones as weights', () => {
    const t = checkpointTensorToTf({ dtype: 'F64', shape: [2], data: new Float64Array([0.5, 1.5]) }, 'w');
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.dataSync())).toEqual([0.5, 1.5]);
    t.dispose();
    const before = tf.memory().numTensors;
    expect(() => checkpointTensorToTf({ dtype: 'I64', shape: [], data: new BigInt64Array([2n]) }, 'opt.state.1.step')).toThrow(/opt\.state\.1\.step: a tensor of dtype I64 and shape \[\] cannot be a model weight/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
