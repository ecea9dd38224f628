import { describe, expect, it } from 'vitest';
import { ALLOWED_TORCH_GLOBALS, createTorchGlobals } from './torch-globals.js';

const resolve = createTorchGlobals({
  rebuildTensor: () => {
    throw new Error('unused');
  },
});

describe('torch globals allow-list', () => {
  it('resolves exactly the documented globals', () => {
    for (const qualified of ALLOWED_TORCH_GLOBALS) {
      const dot = qualified.lastIndexOf('.');
      expect(resolve(qualified.slice(0, dot), qualified.slice(dot + 1)), qualified).toBeDefined();
    }
    expect(ALLOWED_TORCH_GLOBALS).toContain('torch._utils._rebuild_tensor_v2');
    expect(ALLOWED_TORCH_GLOBALS).toContain('torch.BFloat16Storage');
  });

  it('resolves nothing else, not even the same object spelled another way', () => {
    const refused: [string, string][] = [
      ['os', 'system'], ['builtins', 'eval'], ['builtins', 'exec'], ['builtins', 'getattr'], ['__builtin__', 'getattr'],
      ['builtins', '__import__'], ['copyreg', '_reconstructor'], ['numpy', 'ndarray'], ['numpy.core.multiarray', 'scalar'],
      ['torch', 'tensor'], ['torch', 'load'], ['torch.serialization', '_get_layout'], ['torch._utils', '_rebuild_qtensor'],
      ['torch', '_utils._rebuild_tensor_v2'], ['torch._utils._rebuild_tensor_v2', ''], ['collections', 'defaultdict'],
      ['torch', 'UntypedStorage'], ['torch', 'ComplexFloatStorage'], ['torch.cuda', 'FloatStorage'], ['_codecs', 'decode'],
    ];
    for (const [module, name] of refused) expect(resolve(module, name), `${module}.${name}`).toBeUndefined();
  });
});
