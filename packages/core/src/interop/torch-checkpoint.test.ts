import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectTensors } from './collect-tensors.js';
import { parseTorchCheckpoint } from './torch-checkpoint.js';
import { readTorchFile } from './torch-file.js';
import { TorchCheckpointError } from './torch-checkpoint-error.js';
import { isTorchTensor, type TorchTensor } from './torch-tensor.js';
import { buildTorchZip, buildZip, bytesOf, PickleBuilder } from './testing/torch-file-builder.js';

/** `shared/fixtures` (the official-code parity cases) above this file, or `JEPA_FIXTURES`. */
function findFixtures(): string | undefined {
  const candidates = process.env.JEPA_FIXTURES ? [process.env.JEPA_FIXTURES] : [];
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    candidates.push(join(d, 'shared', 'fixtures'));
    if (dirname(d) === d) break;
  }
  return candidates.find((c) => existsSync(join(c, 'ijepa-tiny', 'checkpoint.pth.tar')));
}
const FIXTURES = findFixtures() ?? '<shared/fixtures not found>';
const HAVE_FIXTURES = FIXTURES !== '<shared/fixtures not found>';
const IJEPA = join(FIXTURES, 'ijepa-tiny', 'checkpoint.pth.tar');
const VJEPA = join(FIXTURES, 'vjepa-tiny', 'checkpoint.pth.tar');

/** A minimal safetensors reader, local to this test (8-byte LE header length, JSON header, data). */
function readSafetensors(path: string): Map<string, { dtype: string; shape: number[]; bytes: Uint8Array }> {
  const file = readFileSync(path);
  const headerLength = Number(file.readBigUInt64LE(0));
  const header = JSON.parse(file.subarray(8, 8 + headerLength).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const base = 8 + headerLength;
  const out = new Map<string, { dtype: string; shape: number[]; bytes: Uint8Array }>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    out.set(name, { dtype: info.dtype, shape: info.shape, bytes: file.subarray(base + info.data_offsets[0], base + info.data_offsets[1]) });
  }
  return out;
}

const bitsOf = (tensor: TorchTensor) => new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);

function expectError(run: () => unknown, ...fragments: (string | RegExp)[]): TorchCheckpointError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected an error').toBeInstanceOf(TorchCheckpointError);
  for (const fragment of fragments) expect((caught as Error).message).toMatch(fragment);
  return caught as TorchCheckpointError;
}

/**
 * data.pkl of torch-like checkpoints pickled by CPython (protocols 2 and 4) at development time,
 * with stand-ins for torch's classes that pickle exactly as torch's do, plus a `torch.Size` that
 * is a tuple subclass (pickled with NEWOBJ). The object was:
 *   sd = OrderedDict(w=Parameter over storage 0 (3x4), wt=storage 0 as a 4x3 transpose,
 *                    h=HalfStorage 1 [1:3], step=LongStorage 2 0-d)
 *   sd._metadata = OrderedDict([('', {'version': 1}), ('blocks.0', {'version': 2})])  # -> BUILD
 *   {'model': sd, 'epoch': 3, 'bytes': b'\x01\x02',
 *    'opt': {'state': {0: {'step': <LongStorage 2>}}, 'param_groups': [{'params': [0], 'lr': 1e-3}]}}
 */
const CPYTHON_TORCH_LIKE: Record<number, string> = {
  2: [
    '80027d71002858050000006d6f64656c710163636f6c6c656374696f6e730a4f726465726564446963740a71022952710328',
    '580100000077710463746f7263682e5f7574696c730a5f72656275696c645f706172616d657465720a710563746f7263682e',
    '5f7574696c730a5f72656275696c645f74656e736f725f76320a71062828580700000073746f72616765710763746f726368',
    '0a466c6f617453746f726167650a710858010000003071095803000000637075710a4b0c74710b514b0063746f7263680a53',
    '697a650a710c4b034b0486710d85710e81710f4b044b01867110896802295271117471125271138868022952711487711552',
    '711658020000007774711768062828680768086809680a4b0c747118514b00680c4b044b0386711985711a81711b4b014b04',
    '86711c8968022952711d74711e52711f580100000068712068062828680763746f7263680a48616c6653746f726167650a71',
    '215801000000317122680a4b03747123514b01680c4b028571248571258171264b018571278968022952712874712952712a',
    '580400000073746570712b68062828680763746f7263680a4c6f6e6753746f726167650a712c580100000032712d680a4b01',
    '74712e514b00680c2985712f8171302989680229527131747132527133757d713458090000005f6d65746164617461713568',
    '022952713628580000000071377d7138580700000076657273696f6e71394b01735808000000626c6f636b732e30713a7d71',
    '3b68394b0273757362580500000065706f6368713c4b0358050000006279746573713d635f636f646563730a656e636f6465',
    '0a713e58020000000102713f58060000006c6174696e31714086714152714258030000006f707471437d7144285805000000',
    '737461746571457d71464b007d7147682b680628286807682c682d680a4b01747148514b00680c2985714981714a29896802',
    '2952714b74714c52714d7373580c000000706172616d5f67726f757073714e5d714f7d7150285806000000706172616d7371',
    '515d71524b006158020000006c727153473f50624dd2f1a9fc756175752e',
  ].join(''),
  4: [
    '80049550020000000000007d94288c056d6f64656c948c0b636f6c6c656374696f6e73948c0b4f7264657265644469637494',
    '9394295294288c0177948c0c746f7263682e5f7574696c73948c125f72656275696c645f706172616d657465729493946807',
    '8c125f72656275696c645f74656e736f725f763294939428288c0773746f72616765948c05746f726368948c0c466c6f6174',
    '53746f726167659493948c0130948c03637075944b0c7494514b00680d8c0453697a659493944b034b048694859481944b04',
    '4b01869489680429529474945294886804295294879452948c02777494680b2828680c680f681068114b0c7494514b006814',
    '4b044b038694859481944b014b048694896804295294749452948c016894680b2828680c680d8c0b48616c6653746f726167',
    '659493948c01319468114b037494514b0168144b028594859481944b018594896804295294749452948c047374657094680b',
    '2828680c680d8c0b4c6f6e6753746f726167659493948c01329468114b017494514b00681429859481942989680429529474',
    '945294757d948c095f6d65746164617461946804295294288c00947d948c0776657273696f6e944b01738c08626c6f636b73',
    '2e30947d9468434b02737573628c0565706f6368944b038c0562797465739443020102948c036f7074947d94288c05737461',
    '7465947d944b007d946834680b2828680c6836683768114b017494514b006814298594819429896804295294749452947373',
    '8c0c706172616d5f67726f757073945d947d94288c06706172616d73945d944b00618c026c7294473f50624dd2f1a9fc7561',
    '75752e',
  ].join(''),
};

const fromHex = (text: string) => Uint8Array.from(text.match(/../g)!.map((b) => parseInt(b, 16)));

/** A one-tensor checkpoint `{'w': tensor}` over one storage. */
function oneTensor(type: string, numel: number | bigint, offset: number, shape: number[], stride: number[], storage: Uint8Array): Uint8Array {
  const p = new PickleBuilder().proto(2).emptyDict().mark().str('w').tensor(type, '0', numel, offset, shape, stride).setitems().stop();
  return buildTorchZip(p.bytes(), { '0': storage });
}

describe.skipIf(!HAVE_FIXTURES)('parseTorchCheckpoint on the official I-JEPA checkpoint', () => {
  it('reads every top-level field the official trainer saves', async () => {
    const ckpt = (await readTorchFile(IJEPA)) as Record<string, any>;
    expect(Object.keys(ckpt)).toEqual(['encoder', 'predictor', 'target_encoder', 'opt', 'scaler', 'epoch', 'loss', 'batch_size', 'world_size', 'lr']);
    expect(ckpt.scaler).toBeNull();
    expect(ckpt.epoch).toBe(2);
    expect(ckpt.loss).toBe(0.43212032318115234);
    expect(ckpt.batch_size).toBe(4);
    expect(ckpt.world_size).toBe(1);
    expect(ckpt.lr).toBe(0.001);
    const group = ckpt.opt.param_groups[0];
    expect(group.betas).toEqual([0.9, 0.999]);
    expect(group.eps).toBe(1e-8);
    expect(group.amsgrad).toBe(false);
    expect(group.foreach).toBeNull();
    expect(group.params).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const state = ckpt.opt.state['1'];
    expect(isTorchTensor(state.step)).toBe(true);
    expect(state.step.shape).toEqual([]);
    expect(state.exp_avg.shape).toEqual([48, 3, 4, 4]);
    const pos = ckpt.encoder['module.pos_embed'] as TorchTensor;
    expect(pos.kind).toBe('tensor');
    expect(pos.dtype).toBe('float32');
    expect(pos.shape).toEqual([1, 64, 48]);
    expect(pos.data).toBeInstanceOf(Float32Array);
  });

  it('matches the safetensors init.* weights bit for bit, for every weight', async () => {
    const ckpt = await readTorchFile(IJEPA);
    const expected = readSafetensors(join(FIXTURES, 'ijepa-tiny', 'case.safetensors'));
    let compared = 0;
    for (const part of ['encoder', 'predictor', 'target_encoder']) {
      const tensors = collectTensors((ckpt as Record<string, unknown>)[part]);
      const wanted = [...expected.keys()].filter((name) => name.startsWith(`init.${part}.`));
      expect(tensors.size).toBe(wanted.length);
      for (const [name, tensor] of tensors) {
        expect(name.startsWith('module.')).toBe(true);
        const reference = expected.get(`init.${part}.${name.slice('module.'.length)}`);
        expect(reference, `init.${part}.${name}`).toBeDefined();
        expect(reference!.dtype).toBe('F32');
        expect(tensor.shape).toEqual(reference!.shape);
        expect(Buffer.from(bitsOf(tensor)).equals(Buffer.from(reference!.bytes))).toBe(true);
        compared++;
      }
    }
    expect(compared).toBe(90);
  });

  it('flattens the whole checkpoint to dotted names, optimizer state included', async () => {
    const tensors = collectTensors(await readTorchFile(IJEPA));
    expect(tensors.get('encoder.module.pos_embed')?.shape).toEqual([1, 64, 48]);
    expect(tensors.get('opt.state.1.exp_avg')?.shape).toEqual([48, 3, 4, 4]);
    expect([...tensors.keys()].filter((k) => k.startsWith('target_encoder.'))).toHaveLength(29);
    const prefixed = collectTensors((await readTorchFile(IJEPA) as Record<string, unknown>).encoder, 'enc');
    expect(prefixed.has('enc.module.pos_embed')).toBe(true);
  });

  it('keeps Python key types in map mode', async () => {
    const ckpt = (await readTorchFile(IJEPA, { dicts: 'map' })) as Map<string, any>;
    expect(ckpt).toBeInstanceOf(Map);
    const state = ckpt.get('opt').get('state') as Map<unknown, unknown>;
    expect([...state.keys()].every((k) => typeof k === 'number')).toBe(true);
  });
});

describe.skipIf(!HAVE_FIXTURES)('parseTorchCheckpoint on the official V-JEPA checkpoint', () => {
  it('loads module.backbone. weights equal to the safetensors init.* weights', async () => {
    const ckpt = (await readTorchFile(VJEPA)) as Record<string, any>;
    const expected = readSafetensors(join(FIXTURES, 'vjepa-tiny', 'case.safetensors'));
    expect(Object.keys(ckpt.encoder)[0]).toBe('module.backbone.pos_embed');
    let compared = 0;
    for (const part of ['encoder', 'predictor', 'target_encoder']) {
      for (const [name, tensor] of collectTensors(ckpt[part])) {
        expect(name.startsWith('module.backbone.')).toBe(true);
        const reference = expected.get(`init.${part}.${name.slice('module.backbone.'.length)}`)!;
        expect(tensor.shape).toEqual(reference.shape);
        expect(Buffer.from(bitsOf(tensor)).equals(Buffer.from(reference.bytes))).toBe(true);
        compared++;
      }
    }
    expect(compared).toBe(91);
    expect(ckpt.encoder['module.backbone.patch_embed.proj.weight'].shape).toEqual([48, 3, 2, 4, 4]);
  });
});

describe('parseTorchCheckpoint rebuilds tensors from storages', () => {
  it('copies a transposed (non-contiguous) view into row-major order', () => {
    // storage [0..5] viewed as the transpose of a 2x3 matrix: shape [3, 2], strides [1, 3]
    const file = oneTensor('FloatStorage', 6, 0, [3, 2], [1, 3], bytesOf(Float32Array.from([0, 1, 2, 3, 4, 5])));
    const w = (parseTorchCheckpoint(file) as { w: TorchTensor }).w;
    expect(w.shape).toEqual([3, 2]);
    expect(Array.from(w.data as Float32Array)).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('reads misaligned storages from a Node Buffer at an odd offset', () => {
    const file = oneTensor('FloatStorage', 6, 0, [3, 2], [1, 3], bytesOf(Float32Array.from([0, 1, 2, 3, 4, 5])));
    // the builder aligns storages to 64 bytes like torch; shifting the file by one misaligns them
    const shifted = Buffer.concat([Buffer.alloc(1), Buffer.from(file)]).subarray(1);
    expect(shifted.byteOffset % 4).not.toBe(0);
    const w = (parseTorchCheckpoint(shifted) as { w: TorchTensor }).w;
    expect(Array.from(w.data as Float32Array)).toEqual([0, 3, 1, 4, 2, 5]);
    const row = oneTensor('FloatStorage', 3, 0, [3], [1], bytesOf(Float32Array.from([7, 8, 9])));
    const contiguous = (parseTorchCheckpoint(Buffer.concat([Buffer.alloc(3), Buffer.from(row)]).subarray(3)) as { w: TorchTensor }).w;
    expect(Array.from(contiguous.data as Float32Array)).toEqual([7, 8, 9]);
  });

  it('honours the storage offset and strided slices of a 3-d view', () => {
    // storage 0..23 as [2, 3, 4]; view x[:, 1:, ::2] has offset 4, shape [2, 2, 2], strides [12, 4, 2]
    const storage = Float64Array.from({ length: 24 }, (_, i) => i);
    const w = (parseTorchCheckpoint(oneTensor('DoubleStorage', 24, 4, [2, 2, 2], [12, 4, 2], bytesOf(storage))) as { w: TorchTensor }).w;
    expect(w.dtype).toBe('float64');
    expect(Array.from(w.data as Float64Array)).toEqual([4, 6, 8, 10, 16, 18, 20, 22]);
  });

  it('rebuilds expanded (stride-0) views and 0-d tensors', () => {
    const row = (parseTorchCheckpoint(oneTensor('IntStorage', 3, 0, [2, 3], [0, 1], bytesOf(Int32Array.from([7, -8, 9])))) as { w: TorchTensor }).w;
    expect(Array.from(row.data as Int32Array)).toEqual([7, -8, 9, 7, -8, 9]);
    const scalar = (parseTorchCheckpoint(oneTensor('FloatStorage', 3, 2, [], [], bytesOf(Float32Array.from([1, 2, 3.5])))) as { w: TorchTensor }).w;
    expect(scalar.shape).toEqual([]);
    expect(Array.from(scalar.data as Float32Array)).toEqual([3.5]);
  });

  it('decodes every storage dtype torch saves', () => {
    const cases: [string, string, Uint8Array, number, (data: any) => unknown[], unknown[]][] = [
      ['FloatStorage', 'float32', bytesOf(Float32Array.from([1.5, -2])), 2, (d) => Array.from(d), [1.5, -2]],
      ['DoubleStorage', 'float64', bytesOf(Float64Array.from([0.1, -3])), 2, (d) => Array.from(d), [0.1, -3]],
      // float16: 1.0, -2.0, 65504 (max), 2^-24 (smallest subnormal), +inf
      ['HalfStorage', 'float16', bytesOf(Uint16Array.from([0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00])), 5, (d) => Array.from(d), [1, -2, 65504, 2 ** -24, Infinity]],
      // bfloat16: 1.0, -0.5, 3.140625
      ['BFloat16Storage', 'bfloat16', bytesOf(Uint16Array.from([0x3f80, 0xbf00, 0x4049])), 3, (d) => Array.from(d), [1, -0.5, 3.140625]],
      ['LongStorage', 'int64', bytesOf(BigInt64Array.from([-(2n ** 62n), 5n])), 2, (d) => Array.from(d), [-(2n ** 62n), 5n]],
      ['IntStorage', 'int32', bytesOf(Int32Array.from([-7, 2 ** 31 - 1])), 2, (d) => Array.from(d), [-7, 2 ** 31 - 1]],
      ['ShortStorage', 'int16', bytesOf(Int16Array.from([-300, 300])), 2, (d) => Array.from(d), [-300, 300]],
      ['CharStorage', 'int8', bytesOf(Int8Array.from([-128, 127])), 2, (d) => Array.from(d), [-128, 127]],
      ['ByteStorage', 'uint8', Uint8Array.from([0, 255]), 2, (d) => Array.from(d), [0, 255]],
      ['BoolStorage', 'bool', Uint8Array.from([1, 0]), 2, (d) => Array.from(d), [1, 0]],
    ];
    for (const [type, dtype, storage, numel, read, expected] of cases) {
      const w = (parseTorchCheckpoint(oneTensor(type, numel, 0, [numel], [1], storage)) as { w: TorchTensor }).w;
      expect(w.dtype, type).toBe(dtype);
      expect(read(w.data), type).toEqual(expected);
    }
    const half = (parseTorchCheckpoint(oneTensor('HalfStorage', 1, 0, [1], [1], bytesOf(Uint16Array.from([0x7e00])))) as { w: TorchTensor }).w;
    expect(Number.isNaN((half.data as Float32Array)[0])).toBe(true);
    const big = (parseTorchCheckpoint(oneTensor('LongStorage', 1, 0, [1], [1], bytesOf(BigInt64Array.from([1n])))) as { w: TorchTensor }).w;
    expect(big.data).toBeInstanceOf(BigInt64Array);
  });

  it('reads storages shared by several tensors once, each tensor its own copy', () => {
    const p = new PickleBuilder().proto(2).emptyDict().mark();
    p.str('a').global('torch._utils', '_rebuild_tensor_v2').mark().storage('FloatStorage', '0', 4).binput(9).int(0)
      .mark().int(2).tuple().mark().int(1).tuple().bool(false).orderedDict().tuple().reduce();
    p.str('b').global('torch._utils', '_rebuild_tensor_v2').mark().binget(9).int(2)
      .mark().int(2).tuple().mark().int(1).tuple().bool(false).orderedDict().tuple().reduce();
    p.setitems().stop();
    const ckpt = parseTorchCheckpoint(buildTorchZip(p.bytes(), { '0': bytesOf(Float32Array.from([1, 2, 3, 4])) })) as Record<string, TorchTensor>;
    expect(Array.from(ckpt.a!.data as Float32Array)).toEqual([1, 2]);
    expect(Array.from(ckpt.b!.data as Float32Array)).toEqual([3, 4]);
  });

  it('unwraps _rebuild_parameter and accepts a state_dict OrderedDict with _metadata', () => {
    const p = new PickleBuilder().proto(2).orderedDict().mark().str('weight')
      .global('torch._utils', '_rebuild_parameter').mark()
      .tensor('FloatStorage', '0', 2, 0, [2], [1]).bool(true).orderedDict().tuple().reduce()
      .setitems()
      // BUILD with {'_metadata': OrderedDict({'': {'version': 1}})}, as state_dict() pickles
      .emptyDict().str('_metadata').orderedDict().str('').emptyDict().str('version').int(1).setitem().setitem().setitem()
      .build().stop();
    const sd = parseTorchCheckpoint(buildTorchZip(p.bytes(), { '0': bytesOf(Float32Array.from([5, 6])) })) as Record<string, TorchTensor>;
    expect(Object.keys(sd)).toEqual(['weight']);
    expect(Array.from(sd.weight!.data as Float32Array)).toEqual([5, 6]);
  });

  it('decodes the protocol-2 encodings of bytes, torch.Size shapes, sets and big ints', () => {
    const p = new PickleBuilder().proto(2).emptyDict().mark()
      .str('bytes').global('_codecs', 'encode').str('a\u00ff').str('latin1').tuple2().reduce()
      .str('empty').global('__builtin__', 'bytes').emptyTuple().reduce()
      .str('size').global('torch', 'Size').mark().int(2).int(3).tuple().tuple1().reduce()
      .str('set').global('builtins', 'set').emptyList().mark().int(1).int(2).appends().tuple1().reduce()
      .str('big').int(2n ** 70n).str('neg').int(-5).str('float').float(-0.25)
      .setitems().stop();
    const value = parseTorchCheckpoint(buildTorchZip(p.bytes())) as Record<string, unknown>;
    expect(value.bytes).toEqual(Uint8Array.from([0x61, 0xff]));
    expect(value.empty).toEqual(new Uint8Array(0));
    expect(value.size).toEqual([2, 3]);
    expect(value.set).toEqual(new Set([1, 2]));
    expect(value.big).toBe(2n ** 70n);
    expect(value.neg).toBe(-5);
    expect(value.float).toBe(-0.25);
  });

  it.each([2, 4])('reads a state_dict pickled by CPython with protocol %i (BUILD _metadata, Parameter, NEWOBJ Size)', (protocol) => {
    const storages = {
      '0': bytesOf(Float32Array.from({ length: 12 }, (_, i) => i)),
      '1': bytesOf(Uint16Array.from([0x3c00, 0x4000, 0xbc00])),
      '2': bytesOf(BigInt64Array.from([7n])),
    };
    const ckpt = parseTorchCheckpoint(buildTorchZip(fromHex(CPYTHON_TORCH_LIKE[protocol]!), storages, 'p')) as Record<string, any>;
    expect(Object.keys(ckpt)).toEqual(['model', 'epoch', 'bytes', 'opt']);
    expect(Object.keys(ckpt.model)).toEqual(['w', 'wt', 'h', 'step']); // _metadata is an attribute, not an entry
    expect(Array.from(ckpt.model.w.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(ckpt.model.wt.shape).toEqual([4, 3]);
    expect(Array.from(ckpt.model.wt.data)).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    expect(ckpt.model.h.dtype).toBe('float16');
    expect(Array.from(ckpt.model.h.data)).toEqual([2, -1]);
    expect(ckpt.model.step.data).toEqual(BigInt64Array.from([7n]));
    expect(ckpt.bytes).toEqual(Uint8Array.from([1, 2]));
    expect(ckpt.opt.param_groups).toEqual([{ params: [0], lr: 0.001 }]);
    expect([...collectTensors(ckpt).keys()]).toEqual(['model.w', 'model.wt', 'model.h', 'model.step', 'opt.state.0.step']);
  });

  it('accepts a shape given as torch.Size', () => {
    const p = new PickleBuilder().proto(2).global('torch._utils', '_rebuild_tensor_v2').mark().storage('FloatStorage', '0', 2).int(0)
      .global('torch', 'Size').mark().int(2).tuple().tuple1().reduce()
      .mark().int(1).tuple().bool(false).orderedDict().tuple().reduce().stop();
    const t = parseTorchCheckpoint(buildTorchZip(p.bytes(), { '0': bytesOf(Float32Array.from([1, 2])) })) as TorchTensor;
    expect(t.shape).toEqual([2]);
  });
});

describe('parseTorchCheckpoint refuses hostile pickles', () => {
  const forbidden: [string, string][] = [
    ['os', 'system'],
    ['posix', 'system'],
    ['builtins', 'eval'],
    ['__builtin__', 'getattr'],
    ['subprocess', 'Popen'],
    ['numpy.core.multiarray', '_reconstruct'],
    ['torch', 'load'],
    ['torch._utils', '_rebuild_device_tensor_from_numpy'],
    ['torch', '_utils._rebuild_tensor_v2'], // only the exact (module, name) pair is allowed
    ['torch._utils._rebuild_tensor_v2', ''],
  ];

  it.each(forbidden)('refuses %s.%s named by GLOBAL, at the GLOBAL opcode', (module, name) => {
    // the bytes after GLOBAL are garbage: the refusal must come first, at GLOBAL's offset
    const p = new PickleBuilder().proto(2).emptyDict();
    const at = p.offset;
    p.global(module, name).raw(0xff);
    const error = expectError(() => parseTorchCheckpoint(buildTorchZip(p.bytes())), `'${module}.${name}'`, /forbidden global/, /Fix:/);
    expect(error.offset).toBe(at);
    expect(error.entry).toBe('archive/data.pkl');
  });

  it('refuses os.system named by STACK_GLOBAL (protocol 4), before REDUCE could call it', () => {
    const p = new PickleBuilder().proto(4).frame(32).stackGlobal('os', 'system');
    const at = p.offset - 1;
    p.memoize().str('echo pwned').tuple1().reduce().stop();
    const error = expectError(() => parseTorchCheckpoint(buildTorchZip(p.bytes())), "'os.system'", /STACK_GLOBAL/);
    expect(error.offset).toBe(at);
  });

  it('refuses a global named by INST and never instantiates it', () => {
    const p = new PickleBuilder().proto(2).mark().raw(0x69, ...new TextEncoder().encode('os\nsystem\n')).stop();
    expectError(() => parseTorchCheckpoint(buildTorchZip(p.bytes())), "'os.system'");
  });

  it('refuses REDUCE on anything but an allowed callable, and BUILD on tensors', () => {
    const storageClass = new PickleBuilder().proto(2).global('torch', 'FloatStorage').emptyTuple().reduce().stop();
    expectError(() => parseTorchCheckpoint(buildTorchZip(storageClass.bytes())), "'torch.FloatStorage' may not be called");
    const callString = new PickleBuilder().proto(2).str('os.system').emptyTuple().reduce().stop();
    expectError(() => parseTorchCheckpoint(buildTorchZip(callString.bytes())), /REDUCE: cannot call the string 'os.system'/);
    const buildTensor = new PickleBuilder().proto(2).tensor('FloatStorage', '0', 1, 0, [1], [1]).emptyDict().build().stop();
    expectError(() => parseTorchCheckpoint(buildTorchZip(buildTensor.bytes(), { '0': new Uint8Array(4) })), /BUILD: cannot set the state/);
  });

  it('names an unknown opcode by byte and offset', () => {
    const p = new PickleBuilder().proto(2).emptyDict();
    const at = p.offset;
    p.raw(0xff).stop();
    const error = expectError(() => parseTorchCheckpoint(buildTorchZip(p.bytes())), /unknown pickle opcode 0xff/, `offset ${at}`);
    expect(error.offset).toBe(at);
  });

  it('reports stack underflow, a missing STOP and trailing junk', () => {
    expectError(() => parseTorchCheckpoint(buildTorchZip(new PickleBuilder().proto(2).none().tuple2().stop().bytes())), /TUPLE2: stack underflow/);
    expectError(() => parseTorchCheckpoint(buildTorchZip(new PickleBuilder().proto(2).none().setitem().stop().bytes())), /SETITEM: stack underflow/);
    expectError(() => parseTorchCheckpoint(buildTorchZip(new PickleBuilder().proto(2).emptyDict().bytes())), /without a STOP/);
    expectError(() => parseTorchCheckpoint(buildTorchZip(new PickleBuilder().proto(2).none().stop().none().bytes())), /unexpected bytes after STOP/);
  });

  it('refuses a length that runs past the end instead of allocating it', () => {
    const p = new PickleBuilder().proto(2).raw(0x58, 0xff, 0xff, 0xff, 0x7f, 0x41).stop();
    expectError(() => parseTorchCheckpoint(buildTorchZip(p.bytes())), /needs 2147483647 bytes but only 2 remain/);
  });

  it('bounds nesting depth', () => {
    const p = new PickleBuilder().proto(2);
    for (let i = 0; i < 3000; i++) p.emptyList();
    for (let i = 0; i < 2999; i++) p.append();
    p.stop();
    expectError(() => parseTorchCheckpoint(buildTorchZip(p.bytes())), /nest deeper than 1000 levels/, /limits\.maxDepth/);
    expect(() => parseTorchCheckpoint(buildTorchZip(p.bytes()), 'deep', { limits: { maxDepth: 5000 } })).not.toThrow();
  });

  it('keeps a __proto__ key an ordinary key and refuses colliding keys', () => {
    const p = new PickleBuilder().proto(2).emptyDict().mark().str('__proto__').emptyDict().mark().str('polluted').bool(true).setitems().int(1).str('one').setitems().stop();
    const value = parseTorchCheckpoint(buildTorchZip(p.bytes())) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['1', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const clash = new PickleBuilder().proto(2).emptyDict().mark().int(1).none().str('1').none().setitems().stop();
    expectError(() => parseTorchCheckpoint(buildTorchZip(clash.bytes())), /collide/, /dicts: 'map'/);
  });
});

describe('parseTorchCheckpoint refuses bad storages', () => {
  it('refuses a view that reaches past its storage (out-of-range offset)', () => {
    const file = oneTensor('FloatStorage', 8, 10, [4], [1], new Uint8Array(32));
    const error = expectError(() => parseTorchCheckpoint(file, 'bad.pt'), /^bad\.pt, entry 'archive\/data\.pkl', offset \d+: /,
      /reaches element 13 of storage '0'/, /entry 'archive\/data\/0', 8 elements/);
    expect(error.source).toBe('bad.pt');
  });

  it('refuses strides that reach past the storage', () => {
    expectError(() => parseTorchCheckpoint(oneTensor('FloatStorage', 6, 0, [2, 3], [3, 2], new Uint8Array(24))), /reaches element 7/);
  });

  it('refuses a numel larger than the storage entry holds', () => {
    expectError(() => parseTorchCheckpoint(oneTensor('FloatStorage', 1e12, 0, [4], [1], new Uint8Array(16))),
      /declares 1000000000000 float32 elements \(4000000000000 bytes\) but its entry 'archive\/data\/0' holds 16 bytes/);
    expectError(() => parseTorchCheckpoint(oneTensor('FloatStorage', 2n ** 80n, 0, [4], [1], new Uint8Array(16))),
      /storage numel the bigint \d+ is not a non-negative integer/);
  });

  it('refuses a shape whose expansion dwarfs its storage', () => {
    expectError(() => parseTorchCheckpoint(oneTensor('FloatStorage', 1, 0, [1e6, 1e6], [0, 0], new Uint8Array(4))),
      /repeats storage '0'/, /1000000000000 elements/, /maxExpandedElements/);
  });

  it('refuses many views of one storage that would copy far more than the file holds', () => {
    // 100 separate _rebuild_tensor_v2 calls over one 1 MiB storage (the persistent id memoized)
    const p = new PickleBuilder().proto(2).emptyList().mark();
    for (let i = 0; i < 100; i++) {
      p.global('torch._utils', '_rebuild_tensor_v2').mark();
      if (i === 0) p.storage('ByteStorage', '0', 2 ** 20).binput(1);
      else p.binget(1);
      p.int(0).mark().int(2 ** 20).tuple().mark().int(1).tuple().bool(false).orderedDict().tuple().reduce();
    }
    p.appends().stop();
    const file = buildTorchZip(p.bytes(), { '0': new Uint8Array(2 ** 20) });
    expectError(() => parseTorchCheckpoint(file, 'views.pt', { limits: { maxTotalTensorBytes: 10 * 2 ** 20 } }),
      /would bring the tensors read so far to 11534336 bytes, over the 10485760-byte limit/, /limits\.maxTotalTensorBytes/);
    // the default (4 x the 1 MiB file + 64 MiB) refuses it too; a caller who trusts the file can raise it
    expectError(() => parseTorchCheckpoint(file), /over the 71337576-byte limit for this 1057178-byte file/);
    expect((parseTorchCheckpoint(file, 'views.pt', { limits: { maxTotalTensorBytes: 2 ** 27 } }) as unknown[]).length).toBe(100);
  });

  it('refuses a storage whose entry is missing', () => {
    const p = new PickleBuilder().proto(2).tensor('FloatStorage', '7', 2, 0, [2], [1]).stop();
    expectError(() => parseTorchCheckpoint(buildTorchZip(p.bytes())), /storage '7' has no entry 'archive\/data\/7'/);
  });

  it('refuses storage types it does not support, naming them', () => {
    const p = new PickleBuilder().proto(2).tensor('ComplexFloatStorage', '0', 1, 0, [1], [1]).stop();
    expectError(() => parseTorchCheckpoint(buildTorchZip(p.bytes(), { '0': new Uint8Array(8) })), /'torch\.ComplexFloatStorage'/);
  });
});

describe('parseTorchCheckpoint refuses damaged containers', () => {
  // the official checkpoint when present, else a small torch-style archive with the same layout
  const fixture = HAVE_FIXTURES
    ? readFileSync(IJEPA)
    : buildTorchZip(new PickleBuilder().proto(2).tensor('FloatStorage', '0', 20_000, 0, [20_000], [1]).stop().bytes(),
      { '0': new Uint8Array(80_000) }, 'checkpoint.pth');

  it('refuses a truncated copy of the fixture', () => {
    for (const length of [fixture.length - 1, Math.floor(fixture.length / 2), 100]) {
      expectError(() => parseTorchCheckpoint(fixture.subarray(0, length), 'cut.pth'), /^cut\.pth: /, /end-of-central-directory/, /truncated/);
    }
  });

  it('refuses a damaged central directory', () => {
    const bad = Uint8Array.from(fixture);
    const view = new DataView(bad.buffer);
    // the zip64 record holds the central directory offset at +48
    const eocd = bad.length - 22;
    const z64 = Number(view.getBigUint64(eocd - 20 + 8, true));
    const cd = Number(view.getBigUint64(z64 + 48, true));
    bad[cd] = 0x00;
    expectError(() => parseTorchCheckpoint(bad), /central directory record 0 has a bad signature/, `offset ${cd}`);
  });

  it('refuses a storage whose bytes were altered (CRC-32)', () => {
    const bad = Uint8Array.from(fixture);
    bad[30_000] ^= 0xff; // inside the first storages
    expectError(() => parseTorchCheckpoint(bad), /CRC-32 mismatch/);
  });

  it('refuses the legacy non-zip format, bare pickles and other files with a clear reason', () => {
    const legacy = new PickleBuilder().proto(2).int(0x1950a86a20f9469cfc6cn).stop().bytes();
    expectError(() => parseTorchCheckpoint(legacy), /legacy \(pre-1\.6, non-zip\) torch\.save format/, /torch>=1\.6/);
    expectError(() => parseTorchCheckpoint(new PickleBuilder().proto(2).none().stop().bytes()), /bare pickle/);
    expectError(() => parseTorchCheckpoint(new TextEncoder().encode('{"not": "torch"}')), /not a torch\.save file/, /7b 22 6e 6f/);
    expectError(() => parseTorchCheckpoint(buildZip([{ name: 'x/y.txt', data: new Uint8Array(1) }])), /no '<name>\/data\.pkl' entry/);
    expectError(() => parseTorchCheckpoint(buildZip([{ name: 'm/code/m.py', data: new Uint8Array(1) }, { name: 'm/constants.pkl', data: new Uint8Array(1) }])), /TorchScript/);
  });

  it('reports a missing file with its path', async () => {
    await expect(readTorchFile('/nonexistent/ckpt.pt')).rejects.toThrow(/\/nonexistent\/ckpt\.pt: cannot read the file/);
  });
});

describe('parseTorchCheckpoint bounds what deflated entries may inflate to', () => {
  const encoder = new TextEncoder();
  const neverInflate = (): Uint8Array => {
    throw new Error('inflated a refused entry');
  };
  const pickleOf = (key = '0') => new PickleBuilder().proto(2).tensor('FloatStorage', key, 2 ** 21, 0, [1], [1]).stop().bytes();
  /** A torch-style zip whose storage (8 MiB of zeros, one element used) is deflated to a few KiB. */
  const storageBomb = () => buildZip([
    { name: 'archive/data.pkl', data: pickleOf() },
    { name: 'archive/byteorder', data: encoder.encode('little') },
    { name: 'archive/data/0', data: new Uint8Array(2 ** 23), deflate: true },
  ]);

  it('refuses a deflated storage that inflates beyond what its tensors use, before inflating it', async () => {
    const file = storageBomb();
    expect(file.length).toBeLessThan(64 * 1024);
    expectError(() => parseTorchCheckpoint(file, 'bomb.pt', { inflateRaw: neverInflate }),
      /^bomb\.pt, entry 'archive\/data\/0': the entry is deflate-compressed and would inflate to 8388608 bytes, but the 1 tensor that use storage '0' need only 4/,
      /decompression bomb/);
    const dir = mkdtempSync(join(tmpdir(), 'jepa-bomb-'));
    try {
      writeFileSync(join(dir, 'bomb.pt'), file);
      await expect(readTorchFile(join(dir, 'bomb.pt'), { inflateRaw: neverInflate })).rejects.toThrow(/entry 'archive\/data\/0': the entry is deflate-compressed and would inflate to 8388608 bytes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('still reads a deflated storage its tensor uses whole', () => {
    const values = Float32Array.from({ length: 64 }, (_, i) => i);
    const file = buildZip([
      { name: 'archive/data.pkl', data: new PickleBuilder().proto(2).tensor('FloatStorage', '0', 64, 0, [64], [1]).stop().bytes() },
      { name: 'archive/data/0', data: bytesOf(values), deflate: true },
    ]);
    expect(Array.from((parseTorchCheckpoint(file) as TorchTensor).data as Float32Array)).toEqual(Array.from(values));
  });

  it('refuses a deflated byteorder entry of more than a few bytes, naming byteorder, before inflating it', () => {
    const file = buildZip([
      { name: 'archive/data.pkl', data: new PickleBuilder().proto(2).none().stop().bytes() },
      { name: 'archive/byteorder', data: new Uint8Array(2 ** 23).fill(0x20), deflate: true },
    ]);
    expectError(() => parseTorchCheckpoint(file, 'b.pt', { inflateRaw: neverInflate }),
      /^b\.pt, entry 'archive\/byteorder': byteorder holds 8388608 bytes; it should hold 'little' or 'big'/);
  });

  it('refuses a deflated data.pkl that inflates past the inflation limit, before inflating it', () => {
    const pickle = new Uint8Array(2 ** 23); // zeros: deflates to a few KiB
    const file = buildZip([{ name: 'archive/data.pkl', data: pickle, deflate: true }]);
    expectError(() => parseTorchCheckpoint(file, 'p.pt', { inflateRaw: neverInflate, limits: { maxInflatedBytes: 2 ** 20 } }),
      /^p\.pt, entry 'archive\/data\.pkl': the entry is deflate-compressed and would inflate to 8388608 bytes, over what is left \(1048576\) of the 1048576-byte inflation limit/,
      /limits\.maxInflatedBytes/);
  });
});
