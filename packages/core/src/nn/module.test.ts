import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { StateDictMismatchError } from './state-dict-mismatch-error.js';
import { TransformerBlock } from './transformer-block.js';

describe('Module state dicts', () => {
  it('names parameters as PyTorch does and round-trips a state dict', () => {
    const block = new TransformerBlock({ dim: 8, numHeads: 2 });
    const names = block.namedParameters().map(([n]) => n);
    expect(names).toEqual([
      'norm1.weight', 'norm1.bias', 'attn.qkv.weight', 'attn.qkv.bias', 'attn.proj.weight', 'attn.proj.bias',
      'norm2.weight', 'norm2.bias', 'mlp.fc1.weight', 'mlp.fc1.bias', 'mlp.fc2.weight', 'mlp.fc2.bias',
    ]);
    const shapes = block.stateDictShapes();
    expect(shapes['attn.qkv.weight']).toEqual([24, 8]); // torch [out, in]
    expect(block.attn.qkv.weight.shape).toEqual([8, 24]); // stored [in, out]
    const dict = block.stateDict();
    const other = new TransformerBlock({ dim: 8, numHeads: 2 });
    other.loadStateDict(dict);
    const a = other.mlp.fc1.weight.dataSync();
    const b = block.mlp.fc1.weight.dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    tf.dispose(Object.values(dict));
    block.dispose();
    other.dispose();
  });

  it('lists every missing, unexpected and mismatched key and loads nothing', () => {
    const block = new TransformerBlock({ dim: 8, numHeads: 2 });
    const before = block.norm1.weight.dataSync().slice();
    const dict = block.stateDict();
    delete dict['mlp.fc2.bias'];
    dict['norm1.weight'] = tf.fill([8], 7);
    dict['attn.qkv.weight'] = tf.zeros([8, 24]);
    dict['module.extra'] = tf.zeros([3]);
    let error: unknown;
    try {
      block.loadStateDict(dict, 'ckpt.pth.tar');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateDictMismatchError);
    const message = (error as Error).message;
    expect(message).toContain('ckpt.pth.tar');
    expect(message).toMatch(/missing \(1\)[\s\S]*mlp\.fc2\.bias \[8\]/);
    expect(message).toMatch(/unexpected \(1\)[\s\S]*module\.extra \[3\]/);
    expect(message).toMatch(/attn\.qkv\.weight: model \[24, 8\], file \[8, 24\]/);
    expect(Array.from(block.norm1.weight.dataSync())).toEqual(Array.from(before));
    tf.dispose(Object.values(dict));
    block.dispose();
  });

  it('checks sizes at construction', () => {
    expect(() => new TransformerBlock({ dim: 10, numHeads: 3 })).toThrow(/not divisible by 3 heads/);
  });
});
