import { describe, expect, it } from 'vitest';
import { PickleGlobal, pickleOpcodeName, unpickle, type UnpickleOptions } from './pickle-machine.js';
import { TorchCheckpointError } from './torch-checkpoint-error.js';
import { createTorchGlobals } from './torch-globals.js';
import { PickleBuilder } from './testing/torch-file-builder.js';

/**
 * The same Python object pickled by CPython 3 with protocols 0-5 (generated once at development
 * time with `pickle.dumps(obj, protocol=p)`):
 *
 *   shared = [1, 2]
 *   obj = {'s': 'héllo ✓', 'i': [0, 255, 65535, -1, 2**31-1, -2**31, 2**62, -(2**70), 2**100],
 *          'f': [1.5, -0.0, float('inf')], 't': (1, (2, 3), ()), 'b': b'\x00\xffab', 'e': b'',
 *          'n': None, 'bool': [True, False], 'set': {1, 2}, 'fs': frozenset([3]),
 *          'od': OrderedDict([('z', 1), ('a', 2)]), 'nested': {'k': [{'x': 1}]}, 'long': 'x' * 300,
 *          'shared': [shared, shared]}
 */
const PYTHON_PICKLES: Record<number, string> = {
  0: [
    '286470300a56730a70310a5668e96c6c6f205c75323731330a70320a7356690a70330a286c70340a49300a61493235350a61',
    '4936353533350a61492d310a6149323134373438333634370a61492d323134373438333634380a614c343631313638363031',
    '383432373338373930344c0a614c2d313138303539313632303731373431313330333432344c0a614c313236373635303630',
    '303232383232393430313439363730333230353337364c0a617356660a70350a286c70360a46312e350a61462d302e300a61',
    '46696e660a617356740a70370a2849310a2849320a49330a7470380a28747470390a7356620a7031300a635f636f64656373',
    '0a656e636f64650a7031310a28565c7530303030ff61620a7031320a566c6174696e310a7031330a747031340a527031350a',
    '7356650a7031360a635f5f6275696c74696e5f5f0a62797465730a7031370a2874527031380a73566e0a7031390a4e735662',
    '6f6f6c0a7032300a286c7032310a4930310a614930300a6173567365740a7032320a635f5f6275696c74696e5f5f0a736574',
    '0a7032330a28286c7032340a49310a6149320a61747032350a527032360a735666730a7032370a635f5f6275696c74696e5f',
    '5f0a66726f7a656e7365740a7032380a28286c7032390a49330a61747033300a527033310a73566f640a7033320a63636f6c',
    '6c656374696f6e730a4f726465726564446963740a7033330a2874527033340a567a0a7033350a49310a7356610a7033360a',
    '49320a7373566e65737465640a7033370a28647033380a566b0a7033390a286c7034300a28647034310a56780a7034320a49',
    '310a73617373566c6f6e670a7034330a56787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '78787878787878787878787878787878780a7034340a73567368617265640a7034350a286c7034360a286c7034370a49310a',
    '6149320a61616734370a61732e',
  ].join(''),
  1: [
    '7d7100285801000000737101580a00000068c3a96c6c6f20e29c93710258010000006971035d7104284b004bff4dffff4aff',
    'ffffff4affffff7f4a000000804c343631313638363031383432373338373930344c0a4c2d31313830353931363230373137',
    '3431313330333432344c0a4c313236373635303630303232383232393430313439363730333230353337364c0a6558010000',
    '006671055d710628473ff8000000000000478000000000000000477ff0000000000000655801000000747107284b01284b02',
    '4b0374710829747109580100000062710a635f636f646563730a656e636f64650a710b28580500000000c3bf6162710c5806',
    '0000006c6174696e31710d74710e52710f5801000000657110635f5f6275696c74696e5f5f0a62797465730a711129527112',
    '58010000006e71134e5804000000626f6f6c71145d7115284930310a4930300a6558030000007365747116635f5f6275696c',
    '74696e5f5f0a7365740a7117285d7118284b014b026574711952711a58020000006673711b635f5f6275696c74696e5f5f0a',
    '66726f7a656e7365740a711c285d711d4b036174711e52711f58020000006f64712063636f6c6c656374696f6e730a4f7264',
    '65726564446963740a7121295271222858010000007a71234b0158010000006171244b027558060000006e65737465647125',
    '7d712658010000006b71275d71287d7129580100000078712a4b0173617358040000006c6f6e67712b582c01000078787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '78787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878712c5806',
    '000000736861726564712d5d712e285d712f284b014b0265682f65752e',
  ].join(''),
  2: [
    '80027d7100285801000000737101580a00000068c3a96c6c6f20e29c93710258010000006971035d7104284b004bff4dffff',
    '4affffffff4affffff7f4a000000808a0800000000000000408a090000000000000000c08a0d000000000000000000000000',
    '106558010000006671055d710628473ff8000000000000478000000000000000477ff0000000000000655801000000747107',
    '4b014b024b0386710829877109580100000062710a635f636f646563730a656e636f64650a710b580500000000c3bf616271',
    '0c58060000006c6174696e31710d86710e52710f5801000000657110635f5f6275696c74696e5f5f0a62797465730a711129',
    '52711258010000006e71134e5804000000626f6f6c71145d71152888896558030000007365747116635f5f6275696c74696e',
    '5f5f0a7365740a71175d7118284b014b026585711952711a58020000006673711b635f5f6275696c74696e5f5f0a66726f7a',
    '656e7365740a711c5d711d4b036185711e52711f58020000006f64712063636f6c6c656374696f6e730a4f72646572656444',
    '6963740a7121295271222858010000007a71234b0158010000006171244b027558060000006e657374656471257d71265801',
    '0000006b71275d71287d7129580100000078712a4b0173617358040000006c6f6e67712b582c010000787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878712c58060000007368',
    '61726564712d5d712e285d712f284b014b0265682f65752e',
  ].join(''),
  3: [
    '80037d7100285801000000737101580a00000068c3a96c6c6f20e29c93710258010000006971035d7104284b004bff4dffff',
    '4affffffff4affffff7f4a000000808a0800000000000000408a090000000000000000c08a0d000000000000000000000000',
    '106558010000006671055d710628473ff8000000000000478000000000000000477ff0000000000000655801000000747107',
    '4b014b024b0386710829877109580100000062710a430400ff6162710b580100000065710c4300710d58010000006e710e4e',
    '5804000000626f6f6c710f5d71102888896558030000007365747111636275696c74696e730a7365740a71125d7113284b01',
    '4b0265857114527115580200000066737116636275696c74696e730a66726f7a656e7365740a71175d71184b036185711952',
    '711a58020000006f64711b63636f6c6c656374696f6e730a4f726465726564446963740a711c2952711d2858010000007a71',
    '1e4b01580100000061711f4b027558060000006e657374656471207d712158010000006b71225d71237d7124580100000078',
    '71254b0173617358040000006c6f6e677126582c010000787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '78787878787878787878787878787878787878787878787127580600000073686172656471285d7129285d712a284b014b02',
    '65682a65752e',
  ].join(''),
  4: [
    '80049566020000000000007d94288c0173948c0a68c3a96c6c6f20e29c93948c0169945d94284b004bff4dffff4affffffff',
    '4affffff7f4a000000808a0800000000000000408a090000000000000000c08a0d00000000000000000000000010658c0166',
    '945d9428473ff8000000000000478000000000000000477ff0000000000000658c0174944b014b024b0386942987948c0162',
    '94430400ff6162948c0165944300948c016e944e8c04626f6f6c945d94288889658c03736574948f94284b014b02908c0266',
    '7394284b0391948c026f64948c0b636f6c6c656374696f6e73948c0b4f72646572656444696374949394295294288c017a94',
    '4b018c0161944b02758c066e6573746564947d948c016b945d947d948c0178944b017361738c046c6f6e6794582c01000078',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787894',
    '8c06736861726564945d94285d94284b014b0265682665752e',
  ].join(''),
  5: [
    '80059566020000000000007d94288c0173948c0a68c3a96c6c6f20e29c93948c0169945d94284b004bff4dffff4affffffff',
    '4affffff7f4a000000808a0800000000000000408a090000000000000000c08a0d00000000000000000000000010658c0166',
    '945d9428473ff8000000000000478000000000000000477ff0000000000000658c0174944b014b024b0386942987948c0162',
    '94430400ff6162948c0165944300948c016e944e8c04626f6f6c945d94288889658c03736574948f94284b014b02908c0266',
    '7394284b0391948c026f64948c0b636f6c6c656374696f6e73948c0b4f72646572656444696374949394295294288c017a94',
    '4b018c0161944b02758c066e6573746564947d948c016b945d947d948c0178944b017361738c046c6f6e6794582c01000078',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878',
    '7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787894',
    '8c06736861726564945d94285d94284b014b0265682665752e',
  ].join(''),
};

const hex = (text: string) => Uint8Array.from(text.match(/../g)!.map((b) => parseInt(b, 16)));

const noTensors = createTorchGlobals({
  rebuildTensor: () => {
    throw new Error('no tensors here');
  },
});
const options: UnpickleOptions = { source: 'test.pkl', resolveGlobal: noTensors };

describe('unpickle', () => {
  it.each([0, 1, 2, 3, 4, 5])('reads what CPython writes with protocol %i', (protocol) => {
    const value = unpickle(hex(PYTHON_PICKLES[protocol]!), options) as Record<string, any>;
    expect(Object.keys(value)).toEqual(['s', 'i', 'f', 't', 'b', 'e', 'n', 'bool', 'set', 'fs', 'od', 'nested', 'long', 'shared']);
    expect(value.s).toBe('héllo ✓');
    expect(value.i).toEqual([0, 255, 65535, -1, 2 ** 31 - 1, -(2 ** 31), 2n ** 62n, -(2n ** 70n), 2n ** 100n]);
    expect(value.f[0]).toBe(1.5);
    expect(Object.is(value.f[1], -0)).toBe(true);
    expect(value.f[2]).toBe(Infinity);
    expect(value.t).toEqual([1, [2, 3], []]);
    expect(value.b).toEqual(Uint8Array.from([0, 255, 97, 98]));
    expect(value.e).toEqual(new Uint8Array(0));
    expect(value.n).toBeNull();
    expect(value.bool).toEqual([true, false]);
    expect(value.set).toEqual(new Set([1, 2]));
    expect(value.fs).toEqual(new Set([3]));
    expect(Object.keys(value.od)).toEqual(['z', 'a']);
    expect(value.nested).toEqual({ k: [{ x: 1 }] });
    expect(value.long).toBe('x'.repeat(300));
    expect(value.shared[0]).toBe(value.shared[1]); // memo keeps identity
  });

  it('keeps Python keys and insertion order in map mode', () => {
    const p = new PickleBuilder().proto(2).emptyDict().mark().int(10).str('ten').int(2).str('two').bool(true).none().setitems().stop();
    const value = unpickle(p.bytes(), { ...options, dicts: 'map' }) as Map<unknown, unknown>;
    expect([...value.keys()]).toEqual([10, 2, true]);
  });

  it('reads protocol 4 SHORT_BINUNICODE, BINUNICODE8, FRAME and MEMOIZE', () => {
    // the frame covers the rest exactly: 4 + 1 + 11 + 1 + 2 + 1 + 1 = 21 bytes
    const q = new PickleBuilder().proto(4).frame(21).shortStr('ab').memoize().str8('cd').memoize().binget(0).tuple3().stop();
    const value = unpickle(q.bytes(), options) as string[];
    expect(value).toEqual(['ab', 'cd', 'ab']);
  });

  it('names the opcode and offset of every failure', () => {
    const fail = (bytes: Uint8Array, pattern: RegExp, offset?: number) => {
      let error: unknown;
      try {
        unpickle(bytes, options);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(TorchCheckpointError);
      expect((error as Error).message).toMatch(/^test\.pkl, offset \d+: /);
      expect((error as Error).message).toMatch(pattern);
      if (offset !== undefined) expect((error as TorchCheckpointError).offset).toBe(offset);
    };
    fail(Uint8Array.from([0x80, 0x02, 0xf0]), /unknown pickle opcode 0xf0/, 2);
    fail(Uint8Array.from([0x80, 0x02, 0x7a, 0x2e]), /unknown pickle opcode 0x7a \('z'\)/, 2);
    fail(Uint8Array.from([0x80, 0x09, 0x4e, 0x2e]), /protocol 9 is newer than 5/, 0);
    fail(Uint8Array.from([0x80, 0x02, 0x30, 0x2e]), /POP: stack underflow/, 2);
    fail(Uint8Array.from([0x80, 0x02, 0x4e, 0x28, 0x85, 0x2e]), /TUPLE1: stack underflow/, 4); // items below a MARK are out of reach
    fail(Uint8Array.from([0x80, 0x02, 0x65, 0x2e]), /APPENDS: no MARK/, 2);
    fail(Uint8Array.from([0x80, 0x02, 0x68, 0x05, 0x2e]), /BINGET: memo index 5 was never stored/, 2);
    fail(Uint8Array.from([0x80, 0x02, 0x4e, 0x4e, 0x2e]), /STOP with 2 values/, 4);
    fail(Uint8Array.from([0x80, 0x02, 0x4e, 0x4e, 0x61, 0x2e]), /APPEND: target is None, not a list/, 4);
    fail(Uint8Array.from([0x80, 0x02, 0x29, 0x4e, 0x61, 0x2e]), /APPEND: target is a sequence of 0, not a list/, 4); // tuples are immutable
    fail(Uint8Array.from([0x80, 0x02, 0x4a, 0x01]), /needs 4 bytes but only 1 remain/);
    fail(Uint8Array.from([0x80, 0x02, 0x8b, 0x00, 0x10, 0x00, 0x00]), /LONG4: .*needs 4096 bytes/);
    fail(new PickleBuilder().proto(4).raw(0x8d).raw(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f).bytes(), /BINUNICODE8: declares \d+ bytes but only 0 remain/);
    fail(new PickleBuilder().proto(2).raw(0x58, 2, 0, 0, 0, 0xc3, 0x28).stop().bytes(), /BINUNICODE: string is not valid UTF-8/);
    fail(new PickleBuilder().proto(2).int(1).int(2).raw(0x93).stop().bytes(), /STACK_GLOBAL: module and name must be strings/);
    fail(new PickleBuilder().proto(2).raw(0x82, 1).stop().bytes(), /EXT1: copyreg extension codes are not supported/);
    fail(new PickleBuilder().proto(2).global('torch._utils', '_rebuild_parameter').emptyTuple().raw(0x81).stop().bytes(), /NEWOBJ: 'torch\._utils\._rebuild_parameter' may not be instantiated/);
    fail(new PickleBuilder().proto(4).global('torch', 'Size').emptyTuple().emptyDict().mark().str('a').int(1).setitems().raw(0x92).stop().bytes(), /NEWOBJ_EX: keyword arguments must be an empty dict/);
    fail(new PickleBuilder().proto(2).mark().global('torch', 'Size').raw(0x6f).stop().bytes(), /OBJ: building objects with OBJ is not supported/);
    fail(new PickleBuilder().proto(2).none().binpersid().stop().bytes(), /BINPERSID: persistent ids are not supported/);
    fail(new PickleBuilder().proto(2).raw(0x8a, 0x01, 0x01).raw(0x8a, 0x10).bytes(), /LONG1 digits needs 16 bytes/);
  });

  it('instantiates OrderedDict and torch.Size with NEWOBJ / NEWOBJ_EX, as subclass pickles do', () => {
    const p = new PickleBuilder().proto(4).global('torch', 'Size').mark().int(2).int(3).tuple().tuple1().raw(0x81)
      .global('collections', 'OrderedDict').emptyTuple().emptyDict().raw(0x92).mark().str('k').int(1).setitems().tuple2().stop();
    expect(unpickle(p.bytes(), options)).toEqual([[2, 3], { k: 1 }]);
  });

  it('bounds the stack and the size of integers', () => {
    const wide = new PickleBuilder().proto(2);
    for (let i = 0; i < 20; i++) wide.none();
    expect(() => unpickle(wide.stop().bytes(), { ...options, limits: { maxStack: 10 } })).toThrow(/stack exceeds 10 items/);
    const long = new PickleBuilder().proto(2).raw(0x8b, 0x00, 0x08, 0x00, 0x00, ...new Array(2048).fill(1)).stop();
    expect(() => unpickle(long.bytes(), options)).toThrow(/integer of 2048 bytes exceeds limits\.maxLongBytes \(1024\)/);
    expect(unpickle(long.bytes(), { ...options, limits: { maxLongBytes: 4096 } })).toBeTypeOf('bigint');
  });

  it('never calls a global that the policy refuses, even without a REDUCE', () => {
    const seen: string[] = [];
    const spy: UnpickleOptions = {
      resolveGlobal: (module, name) => {
        seen.push(`${module}.${name}`);
        return undefined;
      },
    };
    expect(() => unpickle(new PickleBuilder().proto(2).global('os', 'system').stop().bytes(), spy)).toThrow(/forbidden global 'os\.system'/);
    expect(seen).toEqual(['os.system']);
  });

  it('leaves an allowed but uncalled global inert on the stack', () => {
    const value = unpickle(new PickleBuilder().proto(2).global('torch', 'FloatStorage').stop().bytes(), options);
    expect(value).toBeInstanceOf(PickleGlobal);
    expect((value as PickleGlobal).qualifiedName).toBe('torch.FloatStorage');
  });

  it('knows the names of opcodes', () => {
    expect(pickleOpcodeName(0x95)).toBe('FRAME');
    expect(pickleOpcodeName(0xff)).toBeUndefined();
  });
});

describe('unpickle bounds nesting built top-down', () => {
  type Kind = 'append' | 'appends' | 'setitem' | 'setitems' | 'additems' | 'tuple';
  /**
   * A chain of `levels` containers, each placed in its parent while still empty and filled
   * afterwards through the memo (no pickler writes this, a hostile file can): per level, GET the
   * previous container, push a new empty one (MEMOIZE), put it in with `kind`'s opcode, POP.
   */
  function chain(kind: Kind, levels: number, root: 'list' | 'dict' | 'set' | 'list in a set' = 'list'): Uint8Array {
    const p = new PickleBuilder().proto(4);
    const get = (m: number) => p.raw(0x6a, m & 0xff, (m >>> 8) & 0xff, (m >>> 16) & 0xff, m >>> 24); // LONG_BINGET
    if (root === 'list in a set') p.raw(0x8f).memoize().mark().emptyList().memoize().raw(0x90); // memo 0 the set, 1 the list
    else if (root === 'set') p.raw(0x8f).memoize();
    else (root === 'dict' ? p.emptyDict() : p.emptyList()).memoize();
    p.raw(0x30); // POP the root
    let memo = root === 'list in a set' ? 1 : 0;
    for (let level = 1; level <= levels; level++) {
      get(memo++);
      if (kind === 'append') p.emptyList().memoize().append();
      else if (kind === 'appends') p.mark().emptyList().memoize().appends();
      else if (kind === 'setitem') p.int(0).emptyDict().memoize().setitem();
      else if (kind === 'setitems') p.mark().int(0).emptyDict().memoize().setitems();
      else if (kind === 'additems') p.mark().raw(0x8f).memoize().raw(0x90); // EMPTY_SET, ADDITEMS
      else p.emptyList().memoize().tuple1().append(); // the new list inside a tuple
      p.raw(0x30); // POP
    }
    return p.binget(0).stop().bytes();
  }
  const nestError = /nest deeper than 1000 levels \(some were filled after being placed in others\).*limits\.maxDepth/;

  it('refuses 200,000 levels appended into a list inside a set, naming the limit, without overflowing the stack', () => {
    const bytes = chain('append', 200_000, 'list in a set');
    expect(() => unpickle(bytes, options)).toThrow(nestError);
  });

  it('refuses deep nesting through every container path: APPEND, APPENDS, SETITEM, SETITEMS, ADDITEMS, lists in tuples', () => {
    expect(() => unpickle(chain('append', 1500), options)).toThrow(nestError);
    expect(() => unpickle(chain('appends', 1500), options)).toThrow(nestError);
    expect(() => unpickle(chain('setitem', 1500, 'dict'), options)).toThrow(nestError);
    expect(() => unpickle(chain('setitems', 1500, 'dict'), options)).toThrow(nestError);
    expect(() => unpickle(chain('additems', 1500, 'set'), options)).toThrow(nestError);
    expect(() => unpickle(chain('tuple', 1000), options)).toThrow(nestError);
  });

  it('accepts the same chains within the limit, and cycles', () => {
    expect(() => unpickle(chain('append', 900), options)).not.toThrow();
    expect(() => unpickle(chain('setitems', 900, 'dict'), options)).not.toThrow();
    expect(() => unpickle(chain('append', 1500), { ...options, limits: { maxDepth: 2000 } })).not.toThrow();
    // a = []; a.append(a)
    const cycle = new PickleBuilder().proto(4).emptyList().memoize().binget(0).append().stop().bytes();
    const value = unpickle(cycle, options) as unknown[];
    expect(value[0]).toBe(value);
  });
});
