import { describe, expect, it } from 'vitest';
import { collectTensors } from './collect-tensors.js';
import { makeTorchTensor } from './torch-tensor.js';

const t = (value: number) => makeTorchTensor('float32', [1], Float32Array.of(value));

describe('collectTensors', () => {
  it('flattens nested dicts, maps and lists to dotted names in order', () => {
    const a = t(1);
    const value = {
      encoder: { 'module.blocks.0.attn.qkv.weight': a, 'module.norm.bias': t(2) },
      opt: { state: new Map<unknown, unknown>([[0, { exp_avg: t(3), step: 4 }]]), param_groups: [{ lr: 0.1, params: [0] }] },
      list: [t(5), 'skip', null, 7],
      epoch: 3,
    };
    const flat = collectTensors(value);
    expect([...flat.keys()]).toEqual([
      'encoder.module.blocks.0.attn.qkv.weight',
      'encoder.module.norm.bias',
      'opt.state.0.exp_avg',
      'list.0',
    ]);
    expect(flat.get('encoder.module.blocks.0.attn.qkv.weight')).toBe(a);
    expect([...collectTensors(value.encoder, 'encoder').keys()]).toEqual(['encoder.module.blocks.0.attn.qkv.weight', 'encoder.module.norm.bias']);
  });

  it('does not take a dict that merely looks like a tensor for one', () => {
    const lookalike = { kind: 'tensor', dtype: 'float32', shape: [1], data: Float32Array.of(1) };
    expect(collectTensors({ x: lookalike }).size).toBe(0);
  });

  it('lists a shared tensor under every name and refuses cycles', () => {
    const shared = t(1);
    expect([...collectTensors({ a: shared, b: [shared] }).keys()]).toEqual(['a', 'b.0']);
    const loop: unknown[] = [];
    loop.push({ inner: loop });
    expect(() => collectTensors({ root: loop })).toThrow(/key 'root\.0\.inner': the value contains itself/);
  });

  it('refuses names that collide and bounds depth and visits', () => {
    expect(() => collectTensors({ 'a.b': t(1), a: { b: t(2) } })).toThrow(/key 'a\.b': two tensors flatten to the same name/);
    let deep: unknown = t(1);
    for (let i = 0; i < 50; i++) deep = [deep];
    expect(() => collectTensors(deep, '', { maxDepth: 10 })).toThrow(/deeper than 10 levels/);
    // a DAG that doubles at each level: 2^30 paths, stopped by the visit bound
    let dag: unknown = t(1);
    for (let i = 0; i < 30; i++) dag = [dag, dag];
    expect(() => collectTensors(dag, '', { maxVisits: 10_000 })).toThrow(/more than 10000 values/);
  });
});
