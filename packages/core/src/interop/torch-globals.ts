import { describeValue, PickleGlobal, type PickleContext, type PickleGlobalHandler } from './pickle-machine.js';
import { isTorchTensor, TORCH_STORAGE_TYPES, type StridedLayout, type TorchDType, type TorchTensor } from './torch-tensor.js';

/**
 * A storage named by a persistent id `('storage', torch.<T>Storage, key, location, numel)`:
 * its bytes are the archive entry `<archive>/data/<key>`.
 */
export interface TorchStorageRef {
  /** Marks the value as a storage reference. */
  readonly kind: 'storage';
  /** The element type of the storage class (`torch.FloatStorage`: float32, ...). */
  readonly dtype: TorchDType;
  /** The storage's key: its bytes are the entry `<archive>/data/<key>`. */
  readonly key: string;
  /** The device it was saved from (`cpu`, `cuda:0`); only recorded. */
  readonly location: string;
  /** Elements in the storage. */
  readonly numel: number;
}

/** What the torch globals need from the checkpoint reader. */
export interface TorchGlobalsHost {
  /** Rebuilds a tensor from a storage and a validated-by-the-host layout. */
  rebuildTensor(storage: TorchStorageRef, layout: StridedLayout, context: PickleContext): TorchTensor;
}

/** Qualified names of every global a torch checkpoint may use; anything else is refused. */
export const ALLOWED_TORCH_GLOBALS: readonly string[] = [
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
  'torch.Size',
  '_codecs.encode',
  '__builtin__.bytes',
  'builtins.bytes',
  '__builtin__.set',
  'builtins.set',
  '__builtin__.frozenset',
  'builtins.frozenset',
  ...Object.keys(TORCH_STORAGE_TYPES).map((name) => `torch.${name}`),
];

const storageRefs = new WeakSet<object>();

const key = (module: string, name: string) => `${module}\u0000${name}`;

function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function intList(value: unknown, what: string, context: PickleContext): number[] {
  if (!Array.isArray(value)) context.fail(`${what} is ${describeValue(value)}, not a tuple or torch.Size.`, 'the pickle is corrupt.');
  if (value.length > 64) context.fail(`${what} has ${value.length} dimensions (more than 64).`, 'the pickle is corrupt.');
  return value.map((item, i) => {
    if (!isInt(item) || item < 0) {
      context.fail(`${what}[${i}] is ${describeValue(item)}, not a non-negative integer.`, 'the pickle is corrupt.');
    }
    return item;
  });
}

function argCount(args: readonly unknown[], counts: readonly number[], signature: string, context: PickleContext): void {
  if (!counts.includes(args.length)) {
    context.fail(`expected ${counts.join(' or ')} arguments ${signature}, got ${args.length}.`, 'the pickle is corrupt.');
  }
}

function expectNoHooks(hooks: unknown, context: PickleContext): void {
  if (hooks === null) return;
  if (!context.isDict(hooks)) context.fail(`backward_hooks is ${describeValue(hooks)}, not a dict.`, 'the pickle is corrupt.');
  if (context.dictSize(hooks) !== 0) {
    context.fail('the tensor has backward hooks, which cannot be restored without running code.',
      'remove the hooks before saving (save tensor.detach() or the state_dict).');
  }
}

function expectTensor(value: unknown, context: PickleContext): TorchTensor {
  if (!isTorchTensor(value)) context.fail(`expected a tensor, got ${describeValue(value)}.`, 'the pickle is corrupt.');
  return value;
}

function toSet(args: readonly unknown[], context: PickleContext): Set<unknown> {
  argCount(args, [0, 1], '(iterable)', context);
  if (args.length === 0) return new Set();
  const items = args[0];
  if (!Array.isArray(items)) context.fail(`expected a list of items, got ${describeValue(items)}.`, 'the pickle is corrupt.');
  return new Set(items);
}

/**
 * The handlers for the globals a `torch.save` pickle may name, keyed by `module.name`. Each one
 * only builds data: tensors from storages, dicts, sets, bytes and shapes. `resolve` returns
 * `undefined` for every other global, which the pickle machine then refuses by name.
 */
export function createTorchGlobals(host: TorchGlobalsHost): (module: string, name: string) => PickleGlobalHandler | undefined {
  const handlers = new Map<string, PickleGlobalHandler>();
  const storageClass: PickleGlobalHandler = {}; // no `call`: storage classes only appear in persistent ids
  for (const name of Object.keys(TORCH_STORAGE_TYPES)) handlers.set(key('torch', name), storageClass);

  handlers.set(key('collections', 'OrderedDict'), {
    call(args: readonly unknown[], context: PickleContext) {
      // OrderedDict.__reduce__ always passes no arguments; items follow as SETITEMS.
      argCount(args, [0], '()', context);
      return context.newDict();
    },
    newObject(args: readonly unknown[], context: PickleContext) {
      argCount(args, [0], '()', context);
      return context.newDict();
    },
    // A state_dict is an OrderedDict with a `_metadata` attribute; BUILD sets such attributes.
    // They are Python object attributes, not dict entries, so they are accepted and dropped.
    build(_target: unknown, state: unknown, context: PickleContext) {
      const parts = context.isTuple(state) && state.length === 2 ? state : [state];
      for (const part of parts) {
        if (part !== null && !context.isDict(part)) {
          context.fail(`object state is ${describeValue(part)}, not a dict of attributes.`, 'the pickle is corrupt.');
        }
      }
    },
  });

  handlers.set(key('torch._utils', '_rebuild_tensor_v2'), {
    call(args: readonly unknown[], context: PickleContext) {
      argCount(args, [6, 7], '(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])', context);
      const [storage, storageOffset, size, stride, requiresGrad, hooks] = args;
      if (typeof storage !== 'object' || storage === null || (storage as TorchStorageRef).kind !== 'storage' || !storageRefs.has(storage)) {
        context.fail(`storage is ${describeValue(storage)}, not a persistent storage reference.`, 'the pickle is corrupt.');
      }
      if (!isInt(storageOffset) || storageOffset < 0) {
        context.fail(`storage_offset is ${describeValue(storageOffset)}, not a non-negative integer.`, 'the pickle is corrupt.');
      }
      const shape = intList(size, 'size', context);
      const strides = intList(stride, 'stride', context);
      if (shape.length !== strides.length) {
        context.fail(`size has ${shape.length} dimensions but stride has ${strides.length}.`, 'the pickle is corrupt.');
      }
      if (typeof requiresGrad !== 'boolean') context.fail(`requires_grad is ${describeValue(requiresGrad)}, not a bool.`, 'the pickle is corrupt.');
      expectNoHooks(hooks, context);
      return host.rebuildTensor(storage as TorchStorageRef, { storageOffset, shape, stride: strides }, context);
    },
  });

  handlers.set(key('torch._utils', '_rebuild_parameter'), {
    call(args: readonly unknown[], context: PickleContext) {
      argCount(args, [3], '(data, requires_grad, backward_hooks)', context);
      expectNoHooks(args[2], context);
      return expectTensor(args[0], context);
    },
  });

  handlers.set(key('torch._utils', '_rebuild_parameter_with_state'), {
    call(args: readonly unknown[], context: PickleContext) {
      argCount(args, [4], '(data, requires_grad, backward_hooks, state)', context);
      expectNoHooks(args[2], context);
      return expectTensor(args[0], context);
    },
  });

  const size = (args: readonly unknown[], context: PickleContext) => {
    argCount(args, [0, 1], '(sizes)', context);
    return args.length === 0 ? [] : intList(args[0], 'torch.Size', context);
  };
  handlers.set(key('torch', 'Size'), { call: size, newObject: size });

  // Protocol 2 writes Python 3 bytes as _codecs.encode(latin-1 text, 'latin1'), and b'' as bytes().
  handlers.set(key('_codecs', 'encode'), {
    call(args: readonly unknown[], context: PickleContext) {
      argCount(args, [2], '(text, encoding)', context);
      const [text, encoding] = args;
      if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) {
        context.fail(`only _codecs.encode(str, 'latin1') (how pickle stores bytes) is allowed, got ${describeValue(text)}, ${describeValue(encoding)}.`,
          'the pickle is not one torch.save writes.');
      }
      const out = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code > 0xff) context.fail(`character U+${code.toString(16)} at ${i} is not latin-1.`, 'the pickle is corrupt.');
        out[i] = code;
      }
      return out;
    },
  });
  const bytes: PickleGlobalHandler = {
    call(args: readonly unknown[], context: PickleContext) {
      argCount(args, [0], '()', context);
      return new Uint8Array(0);
    },
  };
  handlers.set(key('__builtin__', 'bytes'), bytes);
  handlers.set(key('builtins', 'bytes'), bytes);
  const set: PickleGlobalHandler = { call: (args, context) => toSet(args, context) };
  for (const module of ['__builtin__', 'builtins']) {
    handlers.set(key(module, 'set'), set);
    handlers.set(key(module, 'frozenset'), set);
  }

  // Exact (module, name) pairs only: 'torch' + '_utils._rebuild_tensor_v2' is not the same request.
  return (module, name) => handlers.get(key(module, name));
}


/**
 * Validates a persistent id `('storage', torch.<T>Storage, key, location, numel)` and returns the
 * storage reference it names. `context.fail`s on any other shape.
 */
export function parseStoragePid(pid: unknown, context: PickleContext): TorchStorageRef {
  const shape = "('storage', torch.<Type>Storage, key, location, numel)";
  if (!Array.isArray(pid) || !context.isTuple(pid)) context.fail(`persistent id is ${describeValue(pid)}, not a tuple ${shape}.`, 'the pickle is corrupt.');
  if (pid[0] !== 'storage') {
    context.fail(`persistent id of type ${describeValue(pid[0])} is not supported (only 'storage').`, 'the pickle is not one torch.save writes.');
  }
  if (pid.length !== 5) context.fail(`storage persistent id has ${pid.length} fields, expected 5: ${shape}.`, 'the pickle is corrupt or from a non-zip (legacy) torch.save.');
  const [, type, key, location, numel] = pid;
  if (!(type instanceof PickleGlobal) || !type.name.endsWith('Storage') || !Object.hasOwn(TORCH_STORAGE_TYPES, type.name) || type.module !== 'torch') {
    context.fail(`storage type ${describeValue(type)} is not supported; supported: ${Object.keys(TORCH_STORAGE_TYPES).map((n) => `torch.${n}`).join(', ')}.`,
      'convert the tensor to a supported dtype before saving.');
  }
  if (typeof key !== 'string' || !/^[A-Za-z0-9_.-]{1,128}$/.test(key)) {
    context.fail(`storage key ${describeValue(key)} is not a plain name.`, 'the pickle is corrupt.');
  }
  if (typeof location !== 'string') context.fail(`storage location ${describeValue(location)} is not a string.`, 'the pickle is corrupt.');
  if (!isInt(numel) || numel < 0) context.fail(`storage numel ${describeValue(numel)} is not a non-negative integer.`, 'the pickle is corrupt.');
  const ref: TorchStorageRef = { kind: 'storage', dtype: TORCH_STORAGE_TYPES[type.name]!.dtype, key, location, numel };
  storageRefs.add(ref);
  return ref;
}
